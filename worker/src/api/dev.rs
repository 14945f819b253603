//! Development-only endpoints (ENVIRONMENT=development): the outbox and the clock.

use crate::ctx::{set_dev_clock_offset, Ctx};
use crate::http::{self, ApiResult};
use netid_core::sql::{i, s, stmt, Round};
use netid_core::time::rfc3339;
use netid_core::validate::{Email, Phone};
use netid_core::{Code, Error};
use serde::{Deserialize, Serialize};
use worker::Request;

#[derive(Deserialize, Serialize)]
struct MessageRow {
    id: String,
    channel: String,
    #[serde(rename(serialize = "to"))]
    recipient: String,
    kind: String,
    lang: String,
    subject: String,
    body: String,
    html: String,
    code: Option<String>,
    link: Option<String>,
    token: Option<String>,
    created_at: i64,
    status: String,
    attempts: i64,
    last_error: Option<String>,
}

pub async fn outbox(req: &Request, ctx: &mut Ctx) -> ApiResult {
    let to = http::query(req, "to").ok_or_else(|| Error::field(Code::InvalidRequest, "to"))?;
    let to = Email::parse(&to)
        .map(|e| e.as_str().to_string())
        .or_else(|_| Phone::parse(&to, None).map(|p| p.as_str().to_string()))
        .unwrap_or(to);
    let rows = ctx
        .store
        .all::<MessageRow>(
            "SELECT id, channel, recipient, kind, lang, subject, body, html, code, link, token, created_at, status, \
             attempts, last_error FROM outbox \
             WHERE recipient = ?1 ORDER BY created_at DESC, rowid DESC LIMIT 100",
            &[s(&to)],
        )
        .await?;
    let messages: Vec<serde_json::Value> = rows
        .into_iter()
        .map(|r| {
            let created = rfc3339(r.created_at);
            let mut v = serde_json::to_value(r).unwrap_or_default();
            v["created_at"] = serde_json::Value::String(created);
            v
        })
        .collect();
    http::json(200, &serde_json::json!({"messages": messages}))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockReq {
    #[serde(deserialize_with = "crate::http::de_int")]
    advance_seconds: i64,
}

#[derive(Deserialize)]
struct OffsetRow {
    offset: i64,
}

pub async fn advance_clock(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let b: ClockReq = http::body(req).await?;
    if !(0..=10 * 365 * 86_400).contains(&b.advance_seconds) {
        return Err(Error::field(Code::InvalidRequest, "advance_seconds"));
    }
    // The sum is made in the statement, so two advances at once both count.
    let row = ctx
        .store
        .first::<OffsetRow>(
            "INSERT INTO settings (key, value) VALUES ('clock_offset', ?1) ON CONFLICT(key) \
             DO UPDATE SET value = CAST(CAST(value AS INTEGER) + ?1 AS TEXT) RETURNING CAST(value AS INTEGER) AS offset",
            &[s(&b.advance_seconds.to_string())],
        )
        .await?;
    let offset = row.map_or(b.advance_seconds, |r| r.offset);
    set_dev_clock_offset(offset);
    http::json(200, &serde_json::json!({"now": rfc3339(ctx.now + b.advance_seconds), "offset_seconds": offset}))
}

pub async fn clock(ctx: &mut Ctx) -> ApiResult {
    http::json(200, &serde_json::json!({"now": rfc3339(ctx.now)}))
}

/// Times one bare PBKDF2 derivation inside the Worker (for the benchmarks and for choosing
/// the PRF): `?alg=sha256|sha512&iterations=N`.
pub async fn hash(req: &Request) -> ApiResult {
    use netid_core::hashing::{derive_once, Algorithm, HashPolicy};
    let algorithm = match http::query(req, "alg").as_deref() {
        Some("sha256") => Algorithm::Sha256,
        None | Some("sha512") => Algorithm::Sha512,
        Some(_) => return Err(Error::field(Code::InvalidRequest, "alg")),
    };
    let iterations = match http::query(req, "iterations") {
        None => algorithm.owasp_2023_iterations(),
        Some(v) => v
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=HashPolicy::MAX_ITERATIONS).contains(n))
            .ok_or_else(|| Error::field(Code::InvalidRequest, "iterations"))?,
    };
    let policy = HashPolicy { algorithm, iterations };
    // The inputs default to the benchmark's; tests pass known-answer vectors (UTF-8).
    let text = |name: &'static str, default: &str| -> Result<String, Error> {
        let v = http::query(req, name).unwrap_or_else(|| default.to_string());
        if v.len() > 1024 {
            return Err(Error::field(Code::InvalidRequest, name));
        }
        Ok(v)
    };
    let password = text("password", "correct horse battery staple")?;
    let salt = text("salt", "0123456789abcdef")?;
    let start = js_sys::Date::now();
    let out = derive_once(policy, password.as_bytes(), salt.as_bytes());
    let elapsed = js_sys::Date::now() - start;
    http::json(
        200,
        &serde_json::json!({
            "alg": algorithm.phc_id(),
            "iterations": iterations,
            "ms": elapsed,
            "hex": hex_of(&out),
            "simd128": cfg!(target_feature = "simd128"),
        }),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedReq {
    #[serde(deserialize_with = "crate::http::de_int")]
    accounts: i64,
    #[serde(default = "default_idle", deserialize_with = "crate::http::de_int")]
    idle_days: i64,
    /// Also a profile behind each card (the invited third card's person has not accepted
    /// yet), with one live session each (for the storage footprint per person).
    #[serde(default)]
    people: bool,
}

fn default_idle() -> i64 {
    60
}

/// Benchmarks only: inserts `accounts` idle free accounts, each with 3 cards (one admin), a
/// department, a group (with a member in it) and a pending invitation, in a few statements.
pub async fn seed(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let b: SeedReq = http::body(req).await?;
    if !(1..=200_000).contains(&b.accounts) || !(0..=3650).contains(&b.idle_days) {
        return Err(Error::field(Code::InvalidRequest, "accounts"));
    }
    let mut tag = [0u8; 4];
    netid_core::tokens::Entropy::fill(&mut ctx.rng, &mut tag);
    let p = format!("bench{:02x}{:02x}{:02x}{:02x}-", tag[0], tag[1], tag[2], tag[3]);
    let at = ctx.now - b.idle_days * 86_400;
    let n = b.accounts;
    let cte = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?1)";
    let st = |sql: String| stmt(&sql, &[i(n), s(&p), i(at)]);
    let stmts = vec![
        st(format!("{cte} INSERT INTO accounts (id, name, address, plan, renames_left, created_by, created_at, last_activity_at) \
             SELECT ?2 || x, 'Bench ' || x, ?2 || x, 'free', 1, 'prf_bench', ?3, ?3 FROM c"))?,
        st(format!("{cte}, k(y) AS (VALUES (1), (2), (3)) INSERT INTO memberships (id, account_id, type, role, status, first_name, last_name, contact_email, created_at) \
             SELECT ?2 || x || '-u' || y, ?2 || x, 'employee', CASE y WHEN 1 THEN 'admin' ELSE 'user' END, CASE y WHEN 3 THEN 'invited' ELSE 'active' END, 'Bench', 'User', \
             ?2 || x || '-' || y || '@example.com', ?3 FROM c, k"))?,
        st(format!("{cte} INSERT INTO departments (id, account_id, name, created_at) SELECT ?2 || x || '-d', ?2 || x, 'Sales', ?3 FROM c"))?,
        st(format!("{cte} INSERT INTO groups (id, account_id, name, extranet, created_at) SELECT ?2 || x || '-g', ?2 || x, 'Project', 1, ?3 FROM c"))?,
        stmt(
            &format!("{cte} INSERT INTO membership_groups (membership_id, group_id, account_id) SELECT ?2 || x || '-u2', ?2 || x || '-g', ?2 || x FROM c"),
            &[i(n), s(&p)],
        )?,
        st(format!("{cte} INSERT INTO invitations (id, account_id, recipient, token_hash, state, membership_id, created_at, expires_at) \
             SELECT ?2 || x || '-i', ?2 || x, ?2 || x || '-invitee@example.com', ?2 || x || '-hash', 'pending', ?2 || x || '-u3', ?3, ?3 + 604800 FROM c"))?,
    ];
    let mut stmts = stmts;
    if b.people {
        // Realistic widths: a PHC string as login writes it, SHA-256 hex token hashes.
        let phc = format!("$pbkdf2-sha512$i=210000,l=64${}${}", "A".repeat(22), "B".repeat(86));
        let people = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?1), k(y) AS (VALUES (1), (2), (3))";
        let args = [i(n), s(&p), i(at), s(&phc)];
        stmts.push(stmt(
            &format!("{people} INSERT INTO profiles (id, email, email_confirmed, password_hash, first_name, last_name, lang, created_at, updated_at) \
             SELECT 'prf_' || ?2 || x || '-' || y, ?2 || x || '-' || y || '@example.com', 1, ?4, 'Bench', 'User', 'en', ?3, ?3 FROM c, k"),
            &args,
        )?);
        stmts.push(stmt(
            "UPDATE memberships SET profile_id = 'prf_' || replace(id, '-u', '-') WHERE id LIKE ?1 || '%' AND profile_id IS NULL AND status = 'active'",
            &[s(&p)],
        )?);
        stmts.push(stmt(
            &format!("{people} INSERT INTO sessions (token_hash, id, profile_id, client, created_at, last_seen_at, absolute_expires_at, user_agent, ip) \
             SELECT hex(randomblob(32)), 'ses_' || ?2 || x || '-' || y, 'prf_' || ?2 || x || '-' || y, 'browser', ?3, ?3, ?3 + 604800, \
             'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36', '203.0.113.7' FROM c, k"),
            &args[..3],
        )?);
    }
    ctx.store.batch(Round::Commit, stmts).await?;
    http::json(201, &serde_json::json!({"accounts": n, "prefix": p, "people": if b.people { n * 3 } else { 0 }}))
}

/// Benchmarks only: one cron invocation, measured (`{deleted, warned, more, queries, ms}`).
pub async fn cleanup(ctx: &mut Ctx) -> ApiResult {
    let start = worker::Date::now().as_millis();
    let r = crate::scheduled::run(ctx).await?;
    let ms = worker::Date::now().as_millis().saturating_sub(start);
    http::json(
        200,
        &serde_json::json!({"deleted": r.deleted, "warned": r.warned, "more": r.more, "queries": ctx.store.d1_queries.get(), "ms": ms}),
    )
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The data invariants of `worker/invariants.sql`, each a query answering the rows that
/// break it.
const INVARIANTS: &str = include_str!("../../invariants.sql");

/// (name and description, query) pairs of the invariants file.
fn invariants() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in INVARIANTS.lines() {
        if let Some(head) = line.strip_prefix("-- invariant:") {
            out.push((head.trim().to_string(), String::new()));
        } else if !line.trim_start().starts_with("--") {
            if let Some((_, sql)) = out.last_mut() {
                sql.push_str(line);
                sql.push('\n');
            }
        }
    }
    out
}

/// `GET /dev/invariants`: runs every invariant; `violations` lists the broken ones with up
/// to five offending rows.
pub async fn check_invariants(ctx: &mut Ctx) -> ApiResult {
    let mut violations = Vec::new();
    let list = invariants();
    // Every invariant's query in one batch: one round trip.
    let stmts = list
        .iter()
        .map(|(_, sql)| netid_core::sql::stmt(sql.trim().trim_end_matches(';'), &[]))
        .collect::<Result<Vec<_>, _>>()?;
    let results = ctx.store.batch(Round::Read, stmts).await?;
    for ((head, _), result) in list.iter().zip(&results) {
        let rows = <crate::store::D1 as netid_core::sql::Database>::rows::<serde_json::Value>(result)?;
        if !rows.is_empty() {
            let (name, what) = head.split_once(':').unwrap_or((head.as_str(), ""));
            violations.push(serde_json::json!({
                "name": name.trim(),
                "rule": what.trim(),
                "rows": rows.len(),
                "sample": rows.iter().take(5).collect::<Vec<_>>(),
            }));
        }
    }
    http::json(200, &serde_json::json!({ "checked": list.len(), "violations": violations }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultReq {
    /// `d1` or `kv`; absent: disarm.
    target: Option<String>,
    #[serde(default, deserialize_with = "crate::http::de_int")]
    nth: i64,
    #[serde(default)]
    mode: Option<String>,
    #[serde(default = "default_fault_timeout", deserialize_with = "crate::http::de_int")]
    timeout_ms: i64,
}

fn default_fault_timeout() -> i64 {
    500
}

/// `POST /dev/faults`: arms one fault for the next request (see `faults.rs`); `{}` disarms.
pub async fn arm_fault(req: &mut Request) -> ApiResult {
    use crate::faults::{arm, Fault, Mode, Target};
    let b: FaultReq = http::body(req).await?;
    let Some(target) = b.target else {
        arm(None);
        return http::json(200, &serde_json::json!({"armed": false}));
    };
    let target = match target.as_str() {
        "d1" => Target::D1,
        "kv" => Target::Kv,
        "relay" => Target::Relay,
        _ => return Err(Error::field(Code::InvalidRequest, "target")),
    };
    let mode = match b.mode.as_deref() {
        None | Some("fail") => Mode::Fail,
        Some("hang") => Mode::Hang,
        Some(_) => return Err(Error::field(Code::InvalidRequest, "mode")),
    };
    let nth = if target == Target::Relay { 1 } else { b.nth };
    let nth = u32::try_from(nth).ok().filter(|n| (1..=1000).contains(n));
    let nth = nth.ok_or_else(|| Error::field(Code::InvalidRequest, "nth"))?;
    let timeout_ms = u32::try_from(b.timeout_ms).ok().filter(|n| (1..=30_000).contains(n));
    let timeout_ms = timeout_ms.ok_or_else(|| Error::field(Code::InvalidRequest, "timeout_ms"))?;
    arm(Some(Fault { target, nth, mode, timeout_ms }));
    http::json(200, &serde_json::json!({"armed": true}))
}

/// `GET /dev/snapshot`: a digest of every table's rows, to compare the state before and
/// after a failed request. Left out: the attempt counters and guard rows (written on purpose
/// before a flow decides), the development settings, a session's `last_seen_at` (the touch)
/// and a login ticket's `attempts` (a try counted before it is evaluated).
pub async fn snapshot(ctx: &mut Ctx) -> ApiResult {
    #[derive(Deserialize)]
    struct Name {
        name: String,
    }
    let tables = ctx
        .store
        .all::<Name>(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' \
             AND name NOT IN ('d1_migrations', 'throttles', 'guards', 'settings') ORDER BY name",
            &[],
        )
        .await?;
    let tables: Vec<Name> =
        tables.into_iter().filter(|t| t.name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')).collect();
    // Every table in one batch: the names, then the rows, two round trips.
    let stmts = tables
        .iter()
        .map(|t| netid_core::sql::stmt(&format!("SELECT * FROM {} ORDER BY rowid", t.name), &[]))
        .collect::<Result<Vec<_>, _>>()?;
    let results = ctx.store.batch(Round::Read, stmts).await?;
    let mut out = serde_json::Map::new();
    for (t, result) in tables.into_iter().zip(&results) {
        let mut rows = <crate::store::D1 as netid_core::sql::Database>::rows::<
            serde_json::Map<String, serde_json::Value>,
        >(result)?;
        // Counted before a flow decides, on purpose: a session's touch and a login ticket's
        // tries (like the throttles' counters).
        let counted = match t.name.as_str() {
            "sessions" => Some("last_seen_at"),
            "login_tickets" => Some("attempts"),
            _ => None,
        };
        if let Some(column) = counted {
            for r in &mut rows {
                r.remove(column);
            }
        }
        let text = serde_json::to_string(&rows).map_err(|e| Error::internal(e.to_string()))?;
        out.insert(t.name, serde_json::json!({"rows": rows.len(), "digest": netid_core::tokens::token_hash(&text)}));
    }
    http::json(200, &serde_json::json!({ "tables": out }))
}
