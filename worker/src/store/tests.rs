//! The schema the code expects, checked against the migrations (applied for real to
//! SQLite by the end-to-end tests, which exercise every statement here).
#[allow(unused_imports)]
use super::{ACCOUNT_COLS, INVITATION_COLS};
use super::{PROFILE_COLS, REFRESH_COLS, SESSION_COLS};
use std::collections::{BTreeMap, BTreeSet};

const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_profiles.sql"),
    include_str!("../../migrations/0002_accounts.sql"),
    include_str!("../../migrations/0003_trust.sql"),
    include_str!("../../migrations/0004_two_factor.sql"),
    include_str!("../../migrations/0005_delivery.sql"),
    include_str!("../../migrations/0006_social.sql"),
    include_str!("../../migrations/0007_claims.sql"),
    include_str!("../../migrations/0008_social_session.sql"),
    include_str!("../../migrations/0009_guard_names.sql"),
    include_str!("../../migrations/0010_dismissed_login.sql"),
];

fn schema() -> BTreeMap<String, BTreeSet<String>> {
    let mut tables = BTreeMap::new();
    for sql in MIGRATIONS {
        let mut rest = *sql;
        while let Some(at) = rest.find("CREATE TABLE ") {
            rest = &rest[at + 13..];
            let name = rest.split_whitespace().next().unwrap_or_default().to_string();
            let body = &rest[rest.find('(').unwrap_or(0) + 1..rest.find(");").unwrap_or(rest.len())];
            let cols = body
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with("PRIMARY KEY") && !l.starts_with("--"))
                .filter_map(|l| l.split_whitespace().next())
                .map(str::to_string)
                .collect();
            tables.insert(name, cols);
        }
        for line in sql.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            if let ["ALTER", "TABLE", table, "ADD", "COLUMN", col, ..] = words.as_slice() {
                tables.entry(table.to_string()).or_insert_with(BTreeSet::new).insert(col.to_string());
            }
        }
    }
    tables
}

#[test]
fn migrations_define_every_column_the_store_uses() {
    let s = schema();
    let expect: &[(&str, &str)] = &[
        ("profiles", PROFILE_COLS),
        ("sessions", SESSION_COLS),
        ("codes", "profile_id, purpose, target, code_hash, attempts, expires_at, created_at"),
        ("refresh_tokens", REFRESH_COLS),
        ("throttles", "key, failures, window_start, blocked_until"),
        (
            "outbox",
            "id, channel, recipient, kind, lang, subject, body, html, code, link, token, account_id, created_at, \
             erased_at, status, attempts, last_error, next_attempt_at, claimed_until, provider_id, delivered_at",
        ),
        ("send_counters", "key, n, window_start"),
        ("send_guards", "key, ok"),
        ("guards", "name, ok"),
        ("audit_log", super::AUDIT_COLS),
        ("login_tickets", super::TICKET_COLS),
        ("two_factor", "profile_id, secret_sealed, enabled, last_step, created_at"),
        ("recovery_codes", "profile_id, code_hash, created_at"),
        ("accounts", "id, name, address, plan, renames_left, created_at"),
        (
            "memberships",
            "account_id, profile_id, type, role, status, first_name, last_name, contact_email, phone, photo_url",
        ),
        ("settings", "key, value"),
        ("social_identities", "provider, subject, profile_id, email, created_at"),
        ("social_states", super::SOCIAL_STATE_COLS),
    ];
    for (table, cols) in expect {
        let have = s.get(*table).unwrap_or_else(|| panic!("no table {table}")); // ok: a test's own failure
        for col in cols.split(',').map(str::trim) {
            assert!(have.contains(col), "{table}.{col} is missing from the migrations");
        }
    }
}
