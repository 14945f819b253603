//! The statements of each `Change`. Counters are incremented and conditions decided in
//! the statements themselves (D1 has no interactive transactions): no statement here writes
//! a value that was read, modified and written back by the caller.

use super::rows::*;
use super::{b, i, oi, os, s, stmt, Statement, Value};
use crate::model::{name_key, OutboxMessage};
use crate::store::{Change, Guard, StoreResult};

/// The statements of [`Change::EndAppSessions`]: one back-channel logout per (client, netid
/// session) with unrevoked tokens among those chosen, then the tokens revoked. `unixepoch()`:
/// the changes that end sessions carry no time, and the rows only need one for their order
/// (a family past its expiry, not yet purged, still gets its logout: harmless to the app).
fn end_app_sessions(
    profile: Option<&str>,
    account: Option<&str>,
    session: Option<&str>,
    except: Option<&str>,
) -> StoreResult<Vec<Statement>> {
    end_app_sessions_where(profile, account, session, except, "?3")
}

/// [`end_app_sessions`] with the session named by an SQL expression of `?3`.
fn end_app_sessions_where(
    profile: Option<&str>,
    account: Option<&str>,
    session: Option<&str>,
    except: Option<&str>,
    session_expr: &str,
) -> StoreResult<Vec<Statement>> {
    let o = |v: Option<&str>| v.map_or(Value::Null, s);
    let args = [o(profile), o(account), o(session), o(except)];
    let chosen = format!(
        "(?1 IS NULL OR t.profile_id = ?1) AND (?2 IS NULL OR t.account_id = ?2) \
         AND (?3 IS NULL OR t.session_hash = {session_expr}) AND (?4 IS NULL OR t.session_hash != ?4) \
         AND (?1 IS NOT NULL OR ?2 IS NOT NULL OR ?3 IS NOT NULL) AND t.revoked_at IS NULL"
    );

    Ok(vec![
        stmt(
            &format!(
                "INSERT INTO outbox (id, channel, recipient, kind, lang, subject, body, account_id, created_at, next_attempt_at) \
                 SELECT 'msg_' || lower(hex(randomblob(12))), 'backchannel', a.backchannel_logout_uri, 'backchannel_logout', \
                 'en', '', json_object('client_id', e.client_id, 'account_id', e.account_id, 'profile_id', e.profile_id, \
                 'sid', e.sid, 'iss', e.issuer), e.account_id, unixepoch(), 0 \
                 FROM (SELECT DISTINCT t.client_id, t.account_id, t.profile_id, t.sid, t.issuer FROM oauth_tokens t \
                 WHERE {chosen}) e \
                 JOIN apps a ON a.client_id = e.client_id WHERE a.backchannel_logout_uri IS NOT NULL AND a.disabled = 0"
            ),
            &args,
        )?,
        stmt(
            &format!("UPDATE oauth_tokens AS t SET revoked_at = unixepoch() WHERE {chosen}"),
            &args,
        )?,
    ])
}

/// The statements of one change, in order.
pub fn statements(change: &Change) -> StoreResult<Vec<Statement>> {
    {
        let st = |sql: &str, args: &[Value]| stmt(sql, args);
        Ok(match change {
            Change::PutProfile(p) => vec![st(
                &format!(
                    "INSERT INTO profiles ({PROFILE_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14) \
                     ON CONFLICT(id) DO UPDATE SET email=?2, email_confirmed=?3, phone=?4, phone_confirmed=?5, \
                     first_name=?7, last_name=?8, photo_url=?9, lang=?10, updated_at=?13"
                ),
                &[
                    s(&p.id),
                    os(&p.email),
                    b(p.email_confirmed),
                    os(&p.phone),
                    b(p.phone_confirmed),
                    s(&p.password_hash),
                    s(&p.first_name),
                    s(&p.last_name),
                    os(&p.photo_url),
                    s(p.lang.tag()),
                    b(p.two_factor_enabled),
                    i(p.created_at),
                    i(p.updated_at),
                    b(p.password_change_required),
                ],
            )?],
            Change::SetPassword { profile_id, hash, replaces, change_required } => {
                let mut v = vec![st(
                    "UPDATE profiles SET password_hash = ?2, password_change_required = ?3 \
                     WHERE id = ?1 AND (?4 IS NULL OR password_hash = ?4)",
                    &[s(profile_id), s(hash), b(*change_required), os(replaces)],
                )?];
                if replaces.is_none() {
                    // A new password: no browser remembered under the old one skips the second step.
                    v.push(st("DELETE FROM remembered_browsers WHERE profile_id = ?1", &[s(profile_id)])?);
                }
                v
            }
            Change::DeleteProfile(id) => {
                // Everything a claim's end removes (the factors, tickets, codes, sessions,
                // tokens, social identities and sign-ins), then the row itself.
                let mut v = statements(&Change::EndClaim(id.clone()))?;
                v.push(st("DELETE FROM profiles WHERE id = ?1", &[s(id)])?);
                v
            }
            Change::PutCode(c) => {
                let claim = c.claim.as_ref();
                vec![st(
                    "INSERT INTO codes (profile_id, purpose, target, code_hash, attempts, expires_at, created_at, \
                     claim_password_hash, claim_first_name, claim_last_name, claim_change_required, claim_contested) \
                     VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12) \
                     ON CONFLICT(profile_id, purpose) DO UPDATE SET target=?3, code_hash=?4, attempts=?5, expires_at=?6, \
                     created_at=?7, claim_password_hash=?8, claim_first_name=?9, claim_last_name=?10, claim_change_required=?11, \
                     claim_contested=?12",
                    &[
                        s(&c.profile_id),
                        s(c.purpose.as_str()),
                        s(&c.target),
                        s(&c.code_hash),
                        i(i64::from(c.attempts)),
                        i(c.expires_at),
                        i(c.created_at),
                        os(&claim.map(|c| c.password_hash.clone())),
                        os(&claim.map(|c| c.first_name.clone())),
                        os(&claim.map(|c| c.last_name.clone())),
                        b(claim.is_some_and(|c| c.password_change_required)),
                        b(claim.is_some_and(|c| c.contested)),
                    ],
                )?]
            }
            Change::EndClaim(id) => vec![
                st("DELETE FROM two_factor WHERE profile_id = ?1", &[s(id)])?,
                st("DELETE FROM recovery_codes WHERE profile_id = ?1", &[s(id)])?,
                st("DELETE FROM login_tickets WHERE profile_id = ?1", &[s(id)])?,
                st("DELETE FROM codes WHERE profile_id = ?1", &[s(id)])?,
                st("DELETE FROM sessions WHERE profile_id = ?1", &[s(id)])?,
                st("DELETE FROM refresh_tokens WHERE profile_id = ?1", &[s(id)])?,
                st("DELETE FROM social_identities WHERE profile_id = ?1", &[s(id)])?,
                st("DELETE FROM social_states WHERE profile_id = ?1", &[s(id)])?,
                st("DELETE FROM passkeys WHERE profile_id = ?1", &[s(id)])?,
                st("DELETE FROM passkey_users WHERE profile_id = ?1", &[s(id)])?,
                st("DELETE FROM webauthn_challenges WHERE profile_id = ?1", &[s(id)])?,
                st("DELETE FROM sign_in_places WHERE profile_id = ?1", &[s(id)])?,
                st("DELETE FROM remembered_browsers WHERE profile_id = ?1", &[s(id)])?,
                st("UPDATE profiles SET two_factor_enabled = 0, photo_url = NULL WHERE id = ?1", &[s(id)])?,
            ],
            Change::SignInPlace { profile_id, device, country, at, notice } => {
                let mut v = Vec::new();
                if let Some(m) = notice {
                    // Told when the profile has signed in before and this device or this
                    // country is not among its places (read before they are recorded below).
                    let mut args = outbox_values(m).to_vec();
                    args.extend([s(profile_id), os(device), os(country)]);
                    v.push(st(
                        &format!(
                            "{OUTBOX_INSERT} SELECT ?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?13 \
                             WHERE EXISTS (SELECT 1 FROM sign_in_places WHERE profile_id = ?14) \
                             AND ((?15 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sign_in_places \
                                   WHERE profile_id = ?14 AND kind = 'device' AND value = ?15)) \
                               OR (?16 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sign_in_places \
                                   WHERE profile_id = ?14 AND kind = 'country' AND value = ?16)))"
                        ),
                        &args,
                    )?);
                }
                for (kind, value) in [("device", device), ("country", country)] {
                    if let Some(value) = value {
                        v.push(st(
                            "INSERT INTO sign_in_places (profile_id, kind, value, first_seen_at, last_seen_at) \
                             VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (profile_id, kind, value) \
                             DO UPDATE SET last_seen_at = excluded.last_seen_at",
                            &[s(profile_id), s(kind), s(value), i(*at)],
                        )?);
                    }
                }
                v.push(st(
                    "DELETE FROM sign_in_places WHERE profile_id = ?1 AND kind = 'device' AND value NOT IN \
                     (SELECT value FROM sign_in_places WHERE profile_id = ?1 AND kind = 'device' \
                      ORDER BY last_seen_at DESC, value LIMIT 20)",
                    &[s(profile_id)],
                )?);
                v
            }
            Change::DeleteTicketsOf(id) => vec![st("DELETE FROM login_tickets WHERE profile_id = ?1", &[s(id)])?],
            Change::CodeFailed { profile_id, purpose } => vec![st(
                "UPDATE codes SET attempts = attempts + 1 WHERE profile_id = ?1 AND purpose = ?2",
                &[s(profile_id), s(purpose.as_str())],
            )?],
            Change::DeleteCode { profile_id, purpose } => {
                vec![st("DELETE FROM codes WHERE profile_id = ?1 AND purpose = ?2", &[s(profile_id), s(purpose.as_str())])?]
            }
            Change::PutSession(x) => vec![st(
                &format!("INSERT INTO sessions ({SESSION_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)"),
                &[
                    s(&x.token_hash),
                    s(&x.profile_id),
                    os(&x.account_id),
                    s(x.client.as_str()),
                    i(x.created_at),
                    i(x.last_seen_at),
                    i(x.absolute_expires_at),
                    os(&x.family_id),
                    b(x.password_change_required),
                    s(&x.id),
                    os(&x.user_agent),
                    os(&x.ip),
                    os(&x.location),
                    s(&x.amr),
                ],
            )?],
            Change::ClearPasswordChangeRequired(profile_id) => vec![st(
                "UPDATE sessions SET password_change_required = 0 WHERE profile_id = ?1",
                &[s(profile_id)],
            )?],
            // A netid session's end ends the workspace apps' sessions made from it.
            Change::DeleteSession(h) => {
                let mut out = end_app_sessions(None, None, Some(h), None)?;
                out.push(st("DELETE FROM sessions WHERE token_hash = ?1", &[s(h)])?);
                out
            }
            Change::DeleteSessionsOf { profile_id, except } => {
                let mut out = end_app_sessions(Some(profile_id), None, None, except.as_deref())?;
                out.push(st("DELETE FROM sessions WHERE profile_id = ?1 AND token_hash IS NOT ?2", &[s(profile_id), os(except)])?);
                out
            }
            Change::PutRefreshToken(t) => vec![st(
                &format!("INSERT INTO refresh_tokens ({REFRESH_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)"),
                &[
                    s(&t.token_hash),
                    s(&t.family_id),
                    s(&t.profile_id),
                    s(&t.session_hash),
                    b(t.used),
                    i(t.created_at),
                    i(t.expires_at),
                    i(t.family_expires_at),
                ],
            )?],
            Change::SpendRefreshToken(h) => vec![st("UPDATE refresh_tokens SET used = 1 WHERE token_hash = ?1", &[s(h)])?],
            Change::RevokeFamily(f) => {
                vec![
                    st("DELETE FROM sessions WHERE family_id = ?1", &[s(f)])?,
                    st("DELETE FROM refresh_tokens WHERE family_id = ?1", &[s(f)])?,
                ]
            }
            Change::DeleteRefreshTokensOf { profile_id, except_family } => {
                vec![st(
                    "DELETE FROM refresh_tokens WHERE profile_id = ?1 AND family_id IS NOT ?2",
                    &[s(profile_id), os(except_family)],
                )?]
            }
            Change::DeleteThrottle(k) => vec![st("DELETE FROM throttles WHERE key = ?1", &[s(k)])?],
            Change::Refund(k) => {
                vec![st("UPDATE throttles SET failures = MAX(failures - 1, 0) WHERE key = ?1", &[s(k)])?]
            }
            Change::Outbox(m) => vec![st(
                &format!("{OUTBOX_INSERT} VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?13)"),
                &outbox_values(m),
            )?],
            Change::DeleteDepartment { account_id, id } => vec![
                st(
                    "UPDATE memberships SET department_id = NULL WHERE account_id = ?1 AND department_id = ?2",
                    &[s(account_id), s(id)],
                )?,
                st(
                    "UPDATE invitations SET department_id = NULL WHERE account_id = ?1 AND department_id = ?2",
                    &[s(account_id), s(id)],
                )?,
                st(
                    "UPDATE departments SET parent_id = (SELECT parent_id FROM departments WHERE id = ?2) \
                     WHERE account_id = ?1 AND parent_id = ?2",
                    &[s(account_id), s(id)],
                )?,
                st("DELETE FROM departments WHERE account_id = ?1 AND id = ?2", &[s(account_id), s(id)])?,
            ],
            Change::DeleteGroup { account_id, id } => vec![
                st("DELETE FROM membership_groups WHERE account_id = ?1 AND group_id = ?2", &[s(account_id), s(id)])?,
                st(
                    "UPDATE invitations SET group_ids = (SELECT json_group_array(value) FROM json_each(invitations.group_ids) \
                     WHERE value != ?2) WHERE account_id = ?1 AND EXISTS (SELECT 1 FROM json_each(invitations.group_ids) \
                     WHERE value = ?2)",
                    &[s(account_id), s(id)],
                )?,
                st("DELETE FROM groups WHERE account_id = ?1 AND id = ?2", &[s(account_id), s(id)])?,
            ],
            Change::ClearCardPhotos { profile_id, url } => vec![st(
                "UPDATE memberships SET photo_url = NULL WHERE profile_id = ?1 AND photo_url = ?2",
                &[s(profile_id), s(url)],
            )?],
            Change::CountSend { key, limit, window, now } => vec![
                st(
                    "INSERT INTO send_counters (key, n, window_start) VALUES (?1, 1, ?2) ON CONFLICT(key) DO UPDATE SET \
                     n = CASE WHEN ?2 - window_start >= ?3 THEN 1 ELSE n + 1 END, \
                     window_start = CASE WHEN ?2 - window_start >= ?3 THEN ?2 ELSE window_start END",
                    &[s(key), i(*now), i(*window)],
                )?,
                st(
                    "INSERT OR REPLACE INTO send_guards (key, ok) VALUES (?1, \
                     CASE WHEN (SELECT n FROM send_counters WHERE key = ?1) <= ?2 THEN 1 ELSE 0 END)",
                    &[s(key), i(i64::from(*limit))],
                )?,
            ],
            // Audit rows are gathered by `commit` into multi-row INSERTs.
            Change::Audit(_) => Vec::new(),
            Change::UpdateCards { profile_id, first_name, last_name, contact_email, phone, photo_url } => vec![st(
                "UPDATE memberships SET first_name = COALESCE(?2, first_name), last_name = COALESCE(?3, last_name), \
                 contact_email = COALESCE(?4, contact_email), phone = COALESCE(?5, phone), photo_url = COALESCE(?6, photo_url) \
                 WHERE profile_id = ?1 AND status != 'dismissed'",
                &[s(profile_id), os(first_name), os(last_name), os(contact_email), os(phone), os(photo_url)],
            )?],
            Change::PutAccount(a) => vec![st(
                &format!("INSERT INTO accounts ({ACCOUNT_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)"),
                &[
                    s(&a.id),
                    s(&a.name),
                    s(&a.address),
                    s(a.plan.as_str()),
                    i(i64::from(a.renames_left)),
                    s(&a.created_by),
                    i(a.created_at),
                    i(a.last_activity_at),
                    oi(a.warned_at),
                    s(a.require_two_factor.as_str()),
                    b(a.remember_browsers),
                ],
            )?],
            Change::RenameAccount { account_id, name, address } => vec![st(
                "UPDATE accounts SET name = ?2, address = ?3, renames_left = renames_left - 1 WHERE id = ?1 AND renames_left > 0",
                &[s(account_id), s(name), s(address)],
            )?],
            Change::SetPlan { account_id, plan } => {
                vec![st("UPDATE accounts SET plan = ?2 WHERE id = ?1", &[s(account_id), s(plan.as_str())])?]
            }
            Change::GrantRenames { account_id, n } => vec![st(
                "UPDATE accounts SET renames_left = renames_left + ?2 WHERE id = ?1",
                &[s(account_id), i(i64::from(*n))],
            )?],
            Change::MarkWarned { account_id, at } => {
                vec![st("UPDATE accounts SET warned_at = ?2 WHERE id = ?1", &[s(account_id), i(*at)])?]
            }
            Change::DeleteAccount(id) => {
                vec![
                    st("DELETE FROM membership_groups WHERE account_id = ?1", &[s(id)])?,
                    st("DELETE FROM memberships WHERE account_id = ?1", &[s(id)])?,
                    st("DELETE FROM invitations WHERE account_id = ?1", &[s(id)])?,
                    st("DELETE FROM departments WHERE account_id = ?1", &[s(id)])?,
                    st("DELETE FROM groups WHERE account_id = ?1", &[s(id)])?,
                    st("DELETE FROM apps WHERE account_id = ?1", &[s(id)])?,
                    st("UPDATE sessions SET account_id = NULL WHERE account_id = ?1", &[s(id)])?,
                    st("DELETE FROM accounts WHERE id = ?1", &[s(id)])?,
                ]
            }
            Change::DeleteAccounts { ids, idle_before } => {
                let mut v = Vec::new();
                for chunk in ids.chunks(MAX_IN_LIST) {
                    // Only the accounts that are still free and idle when the batch runs: the
                    // set is re-decided by the statements (an upgrade or a login in between wins).
                    let marks = (1..=chunk.len()).map(|k| format!("?{k}")).collect::<Vec<_>>().join(",");
                    let mut args: Vec<Value> = chunk.iter().map(|x| s(x)).collect();
                    args.push(i(*idle_before));
                    let cut = chunk.len() + 1;
                    let doomed = format!(
                        "SELECT id FROM accounts WHERE id IN ({marks}) AND plan = 'free' AND last_activity_at < ?{cut}"
                    );
                    for sql in [
                        "DELETE FROM membership_groups WHERE account_id IN",
                        "DELETE FROM memberships WHERE account_id IN",
                        "DELETE FROM invitations WHERE account_id IN",
                        "DELETE FROM departments WHERE account_id IN",
                        "DELETE FROM groups WHERE account_id IN",
                        "DELETE FROM apps WHERE account_id IN",
                        "UPDATE sessions SET account_id = NULL WHERE account_id IN",
                    ] {
                        v.push(st(&format!("{sql} ({doomed})"), &args)?);
                    }
                    v.push(st(&format!("DELETE FROM accounts WHERE id IN ({doomed})"), &args)?);
                }
                v
            }
            Change::PutMembership(m) => {
                let mut v = vec![
                    st(
                        "INSERT INTO memberships (id, account_id, profile_id, type, role, status, first_name, last_name, contact_email, phone, \
                         photo_url, position, department_id, personal, last_login_at, created_at) \
                         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16) \
                         ON CONFLICT(id) DO UPDATE SET profile_id=?3, type=?4, role=?5, status=?6, first_name=?7, last_name=?8, \
                         contact_email=?9, phone=?10, photo_url=?11, position=?12, department_id=?13, personal=?14, last_login_at=?15, \
                         kept_login_email = CASE WHEN ?6 = 'dismissed' \
                           THEN COALESCE(memberships.kept_login_email, (SELECT email FROM profiles WHERE id = ?3)) ELSE NULL END",
                        &[
                            s(&m.id),
                            s(&m.account_id),
                            os(&m.profile_id),
                            s(m.kind.as_str()),
                            s(m.role.as_str()),
                            s(m.status.as_str()),
                            s(&m.first_name),
                            s(&m.last_name),
                            os(&m.contact_email),
                            os(&m.phone),
                            os(&m.photo_url),
                            os(&m.position),
                            os(&m.department_id),
                            os(&m.personal),
                            oi(m.last_login_at),
                            i(m.created_at),
                        ],
                    )?,
                    st("DELETE FROM membership_groups WHERE membership_id = ?1", &[s(&m.id)])?,
                ];
                for g in &m.group_ids {
                    v.push(st(
                        "INSERT OR IGNORE INTO membership_groups (membership_id, group_id, account_id) VALUES (?1, ?2, ?3)",
                        &[s(&m.id), s(g), s(&m.account_id)],
                    )?);
                }
                v
            }
            Change::DeleteMembership(id) => vec![
                st("DELETE FROM membership_groups WHERE membership_id = ?1", &[s(id)])?,
                st("DELETE FROM memberships WHERE id = ?1", &[s(id)])?,
            ],
            Change::PutDepartment(d) => vec![st(
                "INSERT INTO departments (id, account_id, name, parent_id, created_at, name_key) VALUES (?1,?2,?3,?4,?5,?6) \
                 ON CONFLICT(id) DO UPDATE SET name=?3, parent_id=?4, name_key=?6",
                &[s(&d.id), s(&d.account_id), s(&d.name), os(&d.parent_id), i(d.created_at), s(&name_key(&d.name))],
            )?],
            Change::PutGroup(g) => vec![st(
                "INSERT INTO groups (id, account_id, name, extranet, created_at, name_key) VALUES (?1,?2,?3,?4,?5,?6) \
                 ON CONFLICT(id) DO UPDATE SET name=?3, extranet=?4, name_key=?6",
                &[s(&g.id), s(&g.account_id), s(&g.name), b(g.extranet), i(g.created_at), s(&name_key(&g.name))],
            )?],
            Change::PutInvitation(v) => vec![st(
                &format!(
                    "INSERT INTO invitations ({INVITATION_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15) \
                     ON CONFLICT(id) DO UPDATE SET token_hash=?6, state=?7, membership_id=?11, expires_at=?14, accepted_at=?15"
                ),
                &[
                    s(&v.id),
                    s(&v.account_id),
                    s(&v.to),
                    os(&v.first_name),
                    os(&v.last_name),
                    s(&v.token_hash),
                    s(v.state.as_str()),
                    b(v.extranet),
                    os(&v.department_id),
                    s(&serde_json::to_string(&v.group_ids).unwrap_or_else(|_| "[]".into())),
                    s(&v.membership_id),
                    os(&v.invited_by),
                    i(v.created_at),
                    i(v.expires_at),
                    oi(v.accepted_at),
                ],
            )?],
            Change::RecordActivity { account_id, membership_id, at } => vec![
                st("UPDATE accounts SET last_activity_at = MAX(last_activity_at, ?2) WHERE id = ?1", &[s(account_id), i(*at)])?,
                st("UPDATE memberships SET last_login_at = ?2 WHERE id = ?1", &[s(membership_id), i(*at)])?,
            ],
            Change::SetSessionAccount { token_hash, account_id } => {
                vec![st("UPDATE sessions SET account_id = ?2 WHERE token_hash = ?1", &[s(token_hash), os(account_id)])?]
            }
            Change::SetTwoFactorPolicy { account_id, policy, remember_browsers } => vec![st(
                "UPDATE accounts SET require_two_factor = ?2, remember_browsers = ?3 WHERE id = ?1",
                &[s(account_id), s(policy.as_str()), b(*remember_browsers)],
            )?],
            Change::PutRememberedBrowser(r) => vec![
                st(
                    &format!(
                        "INSERT INTO remembered_browsers ({BROWSER_COLS}) SELECT ?1,?2,?3,?4,?5,?6,?7,?8,?9 \
                         WHERE NOT EXISTS ({})",
                        REFUSES_REMEMBERED.replace("?1", "?2")
                    ),
                    &[
                        s(&r.id),
                        s(&r.profile_id),
                        s(&r.token_hash),
                        s(&r.device),
                        os(&r.user_agent),
                        os(&r.location),
                        i(r.created_at),
                        i(r.last_used_at),
                        i(r.expires_at),
                    ],
                )?,
                st(
                    "DELETE FROM remembered_browsers WHERE profile_id = ?1 AND id NOT IN \
                     (SELECT id FROM remembered_browsers WHERE profile_id = ?1 ORDER BY created_at DESC, id DESC LIMIT 10)",
                    &[s(&r.profile_id)],
                )?,
            ],
            Change::UseRememberedBrowser { token_hash, at } => vec![st(
                "UPDATE remembered_browsers SET last_used_at = ?2 WHERE token_hash = ?1",
                &[s(token_hash), i(*at)],
            )?],
            Change::ForgetBrowser { profile_id, id } => vec![st(
                "DELETE FROM remembered_browsers WHERE profile_id = ?1 AND id = ?2",
                &[s(profile_id), s(id)],
            )?],
            Change::ForgetBrowsers(profile_id) => {
                vec![st("DELETE FROM remembered_browsers WHERE profile_id = ?1", &[s(profile_id)])?]
            }
            Change::PutPasskeyUser { profile_id, user_handle, at } => vec![st(
                "INSERT INTO passkey_users (profile_id, user_handle, created_at) VALUES (?1, ?2, ?3) \
                 ON CONFLICT(profile_id) DO NOTHING",
                &[s(profile_id), s(user_handle), i(*at)],
            )?],
            Change::PutCeremony(c) => vec![st(
                &format!("INSERT INTO webauthn_challenges ({CEREMONY_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7)"),
                &[
                    s(&c.challenge_hash),
                    s(c.purpose.as_str()),
                    os(&c.profile_id),
                    os(&c.ticket_hash),
                    os(&c.user_handle),
                    i(c.expires_at),
                    i(c.created_at),
                ],
            )?],
            Change::PutPasskey(p) => vec![st(
                &format!("INSERT INTO passkeys ({PASSKEY_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)"),
                &[
                    s(&p.id),
                    s(&p.profile_id),
                    s(&p.credential_id),
                    s(&p.public_key),
                    i(p.alg),
                    i(p.sign_count),
                    b(p.backup_eligible),
                    b(p.backed_up),
                    s(&p.aaguid),
                    s(&p.transports),
                    s(&p.user_handle),
                    s(&p.name),
                    i(p.created_at),
                    oi(p.last_used_at),
                ],
            )?],
            Change::UsePasskey { id, sign_count, backed_up, at } => vec![st(
                "UPDATE passkeys SET sign_count = ?2, backed_up = ?3, last_used_at = ?4 WHERE id = ?1",
                &[s(id), i(*sign_count), b(*backed_up), i(*at)],
            )?],
            Change::RenamePasskey { profile_id, id, name } => vec![st(
                "UPDATE passkeys SET name = ?3 WHERE profile_id = ?1 AND id = ?2",
                &[s(profile_id), s(id), s(name)],
            )?],
            Change::DeletePasskey { profile_id, id } => {
                vec![st("DELETE FROM passkeys WHERE profile_id = ?1 AND id = ?2", &[s(profile_id), s(id)])?]
            }
            Change::Guard(g) => vec![guard(g)?],
            Change::PutTwoFactor(t) => vec![st(
                "INSERT INTO two_factor (profile_id, secret_sealed, enabled, last_step, created_at) VALUES (?1,?2,?3,?4,?5) \
                 ON CONFLICT(profile_id) DO UPDATE SET secret_sealed=?2, enabled=?3, last_step=?4, created_at=?5 \
                 WHERE two_factor.enabled = 0",
                &[s(&t.profile_id), s(&t.secret_sealed), b(t.enabled), i(t.last_step), i(t.created_at)],
            )?],
            Change::EnableTwoFactor { profile_id, step } => vec![
                st("UPDATE two_factor SET enabled = 1, last_step = MAX(last_step, ?2) WHERE profile_id = ?1", &[s(profile_id), i(*step)])?,
                st(
                    "UPDATE profiles SET two_factor_enabled = 1 WHERE id = ?1 AND EXISTS (SELECT 1 FROM two_factor WHERE profile_id = ?1)",
                    &[s(profile_id)],
                )?,
            ],
            Change::UseTotpStep { profile_id, step } => vec![st(
                "UPDATE two_factor SET last_step = MAX(last_step, ?2) WHERE profile_id = ?1",
                &[s(profile_id), i(*step)],
            )?],
            Change::DeleteTwoFactor(profile_id) => vec![
                st("DELETE FROM two_factor WHERE profile_id = ?1", &[s(profile_id)])?,
                st("DELETE FROM recovery_codes WHERE profile_id = ?1", &[s(profile_id)])?,
                st("UPDATE profiles SET two_factor_enabled = 0 WHERE id = ?1", &[s(profile_id)])?,
            ],
            Change::ReplaceRecoveryCodes { profile_id, hashes, at } => {
                let mut v = vec![st("DELETE FROM recovery_codes WHERE profile_id = ?1", &[s(profile_id)])?];
                for h in hashes {
                    v.push(st(
                        "INSERT INTO recovery_codes (profile_id, code_hash, created_at) VALUES (?1, ?2, ?3)",
                        &[s(profile_id), s(h), i(*at)],
                    )?);
                }
                v
            }
            Change::UseRecoveryCode { profile_id, code_hash } => vec![st(
                "DELETE FROM recovery_codes WHERE profile_id = ?1 AND code_hash = ?2",
                &[s(profile_id), s(code_hash)],
            )?],
            Change::PutTicket(t) => vec![st(
                &format!("INSERT INTO login_tickets ({TICKET_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)"),
                &[
                    s(&t.ticket_hash),
                    s(&t.profile_id),
                    s(&t.login),
                    s(t.client.as_str()),
                    os(&t.account_id),
                    i(i64::from(t.attempts)),
                    i(t.expires_at),
                    i(t.created_at),
                    s(if t.by_social { "fed" } else { "pwd" }),
                ],
            )?],
            Change::PutSocialState(t) => vec![st(
                &format!("INSERT INTO social_states ({SOCIAL_STATE_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)"),
                &[
                    s(&t.state_hash),
                    s(&t.provider),
                    s(t.mode.as_str()),
                    os(&t.profile_id),
                    s(&t.nonce),
                    s(&t.verifier),
                    s(&t.return_to),
                    s(&t.binding_hash),
                    s(t.client.as_str()),
                    s(t.lang.tag()),
                    i(t.expires_at),
                    i(t.created_at),
                    os(&t.session_hash),
                ],
            )?],
            Change::LinkSocial { profile_id, link } => vec![st(
                "INSERT INTO social_identities (provider, subject, profile_id, email, created_at) VALUES (?1,?2,?3,?4,?5)",
                &[s(&link.provider), s(&link.subject), s(profile_id), os(&link.email), i(link.created_at)],
            )?],
            Change::UnlinkSocial { profile_id, provider, subject } => vec![st(
                "DELETE FROM social_identities WHERE profile_id = ?1 AND provider = ?2 AND subject = ?3",
                &[s(profile_id), s(provider), s(subject)],
            )?],
            Change::DeleteTicket(h) => vec![st("DELETE FROM login_tickets WHERE ticket_hash = ?1", &[s(h)])?],
            Change::DeleteSessionById { profile_id, id } => {
                let by_id = "(SELECT token_hash FROM sessions WHERE profile_id = ?1 AND id = ?3)";
                let mut out = end_app_sessions_where(Some(profile_id), None, Some(id), None, by_id)?;
                out.push(st("DELETE FROM sessions WHERE profile_id = ?1 AND id = ?2", &[s(profile_id), s(id)])?);
                out
            }
            Change::PutApp(a) => vec![st(
                &format!(
                    "INSERT INTO apps ({APP_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12) \
                     ON CONFLICT(client_id) DO UPDATE SET name=?3, redirect_uris=?5, post_logout_redirect_uris=?6, \
                     backchannel_logout_uri=?7, initiate_login_uri=?8, updated_at=?12 WHERE apps.account_id = ?2"
                ),
                &[
                    s(&a.client_id),
                    s(&a.account_id),
                    s(&a.name),
                    s(a.kind.as_str()),
                    s(&serde_json::to_string(&a.redirect_uris).unwrap_or_else(|_| "[]".into())),
                    s(&serde_json::to_string(&a.post_logout_redirect_uris).unwrap_or_else(|_| "[]".into())),
                    os(&a.backchannel_logout_uri),
                    os(&a.initiate_login_uri),
                    os(&a.secret_hash),
                    b(a.disabled),
                    i(a.created_at),
                    i(a.updated_at),
                ],
            )?],
            Change::SetAppSecret { client_id, secret_hash } => vec![st(
                "UPDATE apps SET secret_hash = ?2 WHERE client_id = ?1 AND type = 'confidential'",
                &[s(client_id), s(secret_hash)],
            )?],
            Change::SetAppDisabled { client_id, disabled } => {
                vec![st("UPDATE apps SET disabled = ?2 WHERE client_id = ?1", &[s(client_id), b(*disabled)])?]
            }
            Change::DeleteApp { account_id, client_id } => vec![
                // What it issued goes with it.
                st("DELETE FROM oauth_tokens WHERE account_id = ?1 AND client_id = ?2", &[s(account_id), s(client_id)])?,
                st("DELETE FROM oauth_codes WHERE account_id = ?1 AND client_id = ?2", &[s(account_id), s(client_id)])?,
                st("DELETE FROM apps WHERE account_id = ?1 AND client_id = ?2", &[s(account_id), s(client_id)])?,
            ],
            Change::PutSigningKey { key: k, unless_one_signs_at } => {
                let args = [
                    s(&k.kid),
                    s(&k.public_jwk),
                    s(&k.private_sealed),
                    i(k.created_at),
                    i(k.signs_from),
                    oi(k.retire_at),
                    oi(*unless_one_signs_at),
                ];
                vec![st(
                    &format!(
                        "INSERT INTO signing_keys ({SIGNING_KEY_COLS}) SELECT ?1,?2,?3,?4,?5,?6 WHERE ?7 IS NULL OR NOT EXISTS \
                         (SELECT 1 FROM signing_keys WHERE signs_from <= ?7 AND (retire_at IS NULL OR retire_at > ?7))"
                    ),
                    &args,
                )?]
            }
            Change::RetireSigningKeys { except, at } => vec![st(
                "UPDATE signing_keys SET retire_at = ?2 WHERE kid != ?1 AND (retire_at IS NULL OR retire_at > ?2)",
                &[s(except), i(*at)],
            )?],
            Change::PutAuthCode(c) => vec![st(
                &format!("INSERT INTO oauth_codes ({AUTH_CODE_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)"),
                &[
                    s(&c.code_hash),
                    s(&c.client_id),
                    s(&c.account_id),
                    s(&c.profile_id),
                    s(&c.session_hash),
                    s(&c.sid),
                    s(&c.redirect_uri),
                    os(&c.code_challenge),
                    os(&c.nonce),
                    s(&c.scope),
                    i(c.auth_time),
                    s(&c.amr),
                    i(c.created_at),
                    i(c.expires_at),
                    oi(c.used_at),
                ],
            )?],
            Change::UseAuthCode { code_hash, at } => {
                vec![st("UPDATE oauth_codes SET used_at = ?2 WHERE code_hash = ?1", &[s(code_hash), i(*at)])?]
            }
            Change::PutOauthToken(t) => vec![st(
                &format!(
                    "INSERT INTO oauth_tokens ({OAUTH_TOKEN_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)"
                ),
                &[
                    s(&t.token_hash),
                    s(&t.family_id),
                    s(&t.client_id),
                    s(&t.account_id),
                    s(&t.profile_id),
                    s(&t.session_hash),
                    s(&t.sid),
                    s(&t.scope),
                    i(t.auth_time),
                    s(&t.amr),
                    oi(t.used_at),
                    oi(t.revoked_at),
                    i(t.created_at),
                    i(t.expires_at),
                    s(&t.issuer),
                ],
            )?],
            Change::UseOauthToken { token_hash, at } => {
                vec![st("UPDATE oauth_tokens SET used_at = ?2 WHERE token_hash = ?1", &[s(token_hash), i(*at)])?]
            }
            Change::EndAppSessions { profile_id, account_id, session_hash, except_session } => {
                end_app_sessions(profile_id.as_deref(), account_id.as_deref(), session_hash.as_deref(), except_session.as_deref())?
            }
            Change::RevokeOauthFamily { family_id, at } => vec![st(
                "UPDATE oauth_tokens SET revoked_at = ?2 WHERE family_id = ?1 AND revoked_at IS NULL",
                &[s(family_id), i(*at)],
            )?],
            Change::PurgeExpired { now, idle_timeout, invitations_before, code_ttl, link_ttl, outbox_before } => {
                let expired_inv = "SELECT membership_id FROM invitations WHERE state = 'pending' AND expires_at <= ?1";
                vec![
                    st("DELETE FROM outbox WHERE created_at < ?1", &[i(*outbox_before)])?,
                    st("DELETE FROM send_counters WHERE window_start + 86400 <= ?1", &[i(*now)])?,
                    // Secrets at rest: a code or link that can no longer be used is erased.
                    st(
                        "UPDATE outbox SET code = NULL, token = NULL, link = NULL, body = '', html = '', erased_at = ?1, \
                         status = CASE WHEN status IN ('pending', 'failed') THEN 'expired' ELSE status END \
                         WHERE erased_at IS NULL AND ((code IS NOT NULL AND created_at + ?2 <= ?1) \
                         OR ((token IS NOT NULL OR link IS NOT NULL) AND created_at + ?3 <= ?1) OR delivered_at IS NOT NULL)",
                        &[i(*now), i(*code_ttl), i(*link_ttl)],
                    )?,
                    // A signup's claim stays a day past its code (resend reuses it).
                    st(
                        "DELETE FROM codes WHERE expires_at <= ?1 AND NOT (claim_password_hash IS NOT NULL AND expires_at + 86400 > ?1)",
                        &[i(*now)],
                    )?,
                    st("DELETE FROM login_tickets WHERE expires_at <= ?1", &[i(*now)])?,
                    st("DELETE FROM social_states WHERE expires_at <= ?1", &[i(*now)])?,
                    st("DELETE FROM webauthn_challenges WHERE expires_at <= ?1", &[i(*now)])?,
                    st("DELETE FROM remembered_browsers WHERE expires_at <= ?1", &[i(*now)])?,
                    st(
                        "DELETE FROM sessions WHERE last_seen_at + ?2 <= ?1 OR absolute_expires_at <= ?1",
                        &[i(*now), i(*idle_timeout)],
                    )?,
                    st("DELETE FROM refresh_tokens WHERE expires_at <= ?1", &[i(*now)])?,
                    // A code is kept a day past its minute, so a late second redemption still
                    // finds it and revokes what it issued.
                    st("DELETE FROM oauth_codes WHERE expires_at + 86400 <= ?1", &[i(*now)])?,
                    st("DELETE FROM oauth_tokens WHERE expires_at <= ?1", &[i(*now)])?,
                    st("DELETE FROM throttles WHERE blocked_until <= ?1 AND window_start + 86400 <= ?1", &[i(*now)])?,
                    st(&format!("DELETE FROM membership_groups WHERE membership_id IN ({expired_inv})"), &[i(*invitations_before)])?,
                    st(
                        &format!("DELETE FROM memberships WHERE status = 'invited' AND id IN ({expired_inv})"),
                        &[i(*invitations_before)],
                    )?,
                    st("DELETE FROM invitations WHERE state = 'pending' AND expires_at <= ?1", &[i(*invitations_before)])?,
                ]
            }
        })
    }
}

/// The guard statement: an `INSERT OR REPLACE` into `guards` whose value is 1 when the
/// condition holds; 0 fails the table's CHECK (`netid_guard`), which fails the batch,
/// which rolls the whole commit back. The condition is evaluated inside the transaction,
/// after the statements before it and before the ones after it.
pub fn guard(g: &Guard) -> StoreResult<Statement> {
    let (name, cond, args) = guard_parts(g);
    let sql = format!("INSERT OR REPLACE INTO guards (name, ok) VALUES ('{name}', CASE WHEN {cond} THEN 1 ELSE 0 END)");
    stmt(&sql, &args)
}

/// A guard's name (what its trigger raises, migration 0009), condition and arguments.
pub fn guard_parts(g: &Guard) -> (&'static str, &'static str, Vec<Value>) {
    {
        match g {
            Guard::OtherActiveAdmin { account_id, membership_id } => (
                "other_active_admin",
                "EXISTS (SELECT 1 FROM memberships WHERE account_id = ?1 AND id != ?2 AND role = 'admin' \
                 AND type = 'employee' AND status = 'active')",
                vec![s(account_id), s(membership_id)],
            ),
            Guard::AccountsCreatedBelow { profile_id, max } => (
                "accounts_created_below",
                "(SELECT COUNT(*) FROM accounts WHERE created_by = ?1) < ?2",
                vec![s(profile_id), i(i64::from(*max))],
            ),
            Guard::RenamesLeft { account_id } => (
                "renames_left",
                "EXISTS (SELECT 1 FROM accounts WHERE id = ?1 AND renames_left > 0)",
                vec![s(account_id)],
            ),
            Guard::PaidPlan { account_id } => {
                ("paid_plan", "EXISTS (SELECT 1 FROM accounts WHERE id = ?1 AND plan != 'free')", vec![s(account_id)])
            }
            Guard::CodeUnspent { profile_id, purpose, code_hash } => (
                "code_unspent",
                "EXISTS (SELECT 1 FROM codes WHERE profile_id = ?1 AND purpose = ?2 AND code_hash = ?3)",
                vec![s(profile_id), s(purpose.as_str()), s(code_hash)],
            ),
            Guard::RefreshUnused { token_hash } => (
                "refresh_unused",
                "EXISTS (SELECT 1 FROM refresh_tokens WHERE token_hash = ?1 AND used = 0)",
                vec![s(token_hash)],
            ),
            Guard::InvitationPending { invitation_id, token_hash } => (
                "invitation_pending",
                "EXISTS (SELECT 1 FROM invitations WHERE id = ?1 AND token_hash = ?2 AND state = 'pending')",
                vec![s(invitation_id), s(token_hash)],
            ),
            Guard::TotpStepUnused { profile_id, step } => (
                "totp_step_unused",
                "EXISTS (SELECT 1 FROM two_factor WHERE profile_id = ?1 AND last_step < ?2)",
                vec![s(profile_id), i(*step)],
            ),
            Guard::RecoveryCodeUnused { profile_id, code_hash } => (
                "recovery_code_unused",
                "EXISTS (SELECT 1 FROM recovery_codes WHERE profile_id = ?1 AND code_hash = ?2)",
                vec![s(profile_id), s(code_hash)],
            ),
            Guard::TicketUnspent { ticket_hash } => {
                ("ticket_unspent", "EXISTS (SELECT 1 FROM login_tickets WHERE ticket_hash = ?1)", vec![s(ticket_hash)])
            }
            Guard::NameFree { account_id, group: true, name, except, .. } => (
                "name_free",
                "NOT EXISTS (SELECT 1 FROM groups WHERE account_id = ?1 AND COALESCE(name_key, lower(trim(name))) = ?2 \
                 AND id != COALESCE(?3, ''))",
                vec![s(account_id), s(&name_key(name)), os(except)],
            ),
            Guard::NameFree { account_id, group: false, parent_id, name, except } => (
                "name_free",
                "NOT EXISTS (SELECT 1 FROM departments WHERE account_id = ?1 AND COALESCE(parent_id, '') = COALESCE(?4, '') \
                 AND COALESCE(name_key, lower(trim(name))) = ?2 AND id != COALESCE(?3, ''))",
                vec![s(account_id), s(&name_key(name)), os(except), os(parent_id)],
            ),
            Guard::SocialUnlinked { provider, subject } => (
                "social_unlinked",
                "NOT EXISTS (SELECT 1 FROM social_identities WHERE provider = ?1 AND subject = ?2)",
                vec![s(provider), s(subject)],
            ),
            Guard::SessionAlive { token_hash } => (
                "session_alive",
                "EXISTS (SELECT 1 FROM sessions WHERE token_hash = ?1)",
                vec![s(token_hash)],
            ),
            Guard::PasswordUnchanged { profile_id, hash } => (
                "password_unchanged",
                "EXISTS (SELECT 1 FROM profiles WHERE id = ?1 AND password_hash = ?2)",
                vec![s(profile_id), s(hash)],
            ),
            Guard::SocialLinked { profile_id, provider, subject } => (
                "social_linked",
                "EXISTS (SELECT 1 FROM social_identities WHERE profile_id = ?1 AND provider = ?2 AND subject = ?3)",
                vec![s(profile_id), s(provider), s(subject)],
            ),
            Guard::AppsBelow { account_id, max } => (
                "apps_below",
                "(SELECT COUNT(*) FROM apps WHERE account_id = ?1) < ?2",
                vec![s(account_id), i(i64::from(*max))],
            ),
            Guard::CodeUnused { code_hash, now } => (
                "code_unused",
                "EXISTS (SELECT 1 FROM oauth_codes WHERE code_hash = ?1 AND used_at IS NULL AND expires_at > ?2)",
                vec![s(code_hash), i(*now)],
            ),
            Guard::GrantUnused { token_hash, now } => (
                "grant_unused",
                "EXISTS (SELECT 1 FROM oauth_tokens WHERE token_hash = ?1 AND used_at IS NULL AND revoked_at IS NULL \
                 AND expires_at > ?2)",
                vec![s(token_hash), i(*now)],
            ),
            Guard::OtherLoginMethod { profile_id, provider, subject } => (
                "other_login_method",
                "EXISTS (SELECT 1 FROM profiles WHERE id = ?1 AND password_hash != '' AND (email_confirmed = 1 OR phone_confirmed = 1)) \
                 OR EXISTS (SELECT 1 FROM social_identities WHERE profile_id = ?1 AND NOT (provider = ?2 AND subject = ?3)) \
                 OR EXISTS (SELECT 1 FROM passkeys WHERE profile_id = ?1)",
                vec![s(profile_id), s(provider), s(subject)],
            ),
            Guard::NoPolicyRequiresTwoFactor { profile_id } => (
                "no_policy_requires_two_factor",
                "NOT EXISTS (SELECT 1 FROM memberships m JOIN accounts a ON a.id = m.account_id \
                 WHERE m.profile_id = ?1 AND m.status = 'active' \
                 AND (a.require_two_factor = 'everyone' OR (a.require_two_factor = 'employees' AND m.type = 'employee')))",
                vec![s(profile_id)],
            ),
            Guard::PasskeysBelow { profile_id, max } => (
                "passkeys_below",
                "(SELECT COUNT(*) FROM passkeys WHERE profile_id = ?1) < ?2",
                vec![s(profile_id), i(i64::from(*max))],
            ),
            Guard::CredentialFree { credential_id } => (
                "credential_free",
                "NOT EXISTS (SELECT 1 FROM passkeys WHERE credential_id = ?1)",
                vec![s(credential_id)],
            ),
            Guard::PasskeyUserIs { profile_id, user_handle } => (
                "passkey_user_is",
                "EXISTS (SELECT 1 FROM passkey_users WHERE profile_id = ?1 AND user_handle = ?2)",
                vec![s(profile_id), s(user_handle)],
            ),
            Guard::SignCountBelow { id, count } => (
                "sign_count_below",
                "EXISTS (SELECT 1 FROM passkeys WHERE id = ?1 AND sign_count < ?2)",
                vec![s(id), i(*count)],
            ),
            Guard::PasskeyExists { profile_id, id } => (
                "passkey_exists",
                "EXISTS (SELECT 1 FROM passkeys WHERE profile_id = ?1 AND id = ?2)",
                vec![s(profile_id), s(id)],
            ),
            Guard::OtherThanPasskey { profile_id, id } => (
                "other_login_method",
                "EXISTS (SELECT 1 FROM profiles WHERE id = ?1 AND password_hash != '' AND (email_confirmed = 1 OR phone_confirmed = 1)) \
                 OR EXISTS (SELECT 1 FROM social_identities WHERE profile_id = ?1) \
                 OR EXISTS (SELECT 1 FROM passkeys WHERE profile_id = ?1 AND id != ?2)",
                vec![s(profile_id), s(id)],
            ),
            Guard::BrowserRemembered { token_hash, profile_id, now } => (
                "browser_remembered",
                "EXISTS (SELECT 1 FROM remembered_browsers WHERE token_hash = ?1 AND profile_id = ?2 AND expires_at > ?3) \
                 AND NOT EXISTS (SELECT 1 FROM memberships m JOIN accounts a ON a.id = m.account_id \
                 WHERE m.profile_id = ?2 AND m.status = 'active' AND a.remember_browsers = 0 \
                 AND (a.require_two_factor = 'everyone' OR (a.require_two_factor = 'employees' AND m.type = 'employee')))",
                vec![s(token_hash), s(profile_id), i(*now)],
            ),
        }
    }
}

const OUTBOX_INSERT: &str = "INSERT INTO outbox (id, channel, recipient, kind, lang, subject, body, html, code, link, \
     token, account_id, created_at, next_attempt_at)";

/// An outbox row's values, `?1`..`?13` of [`OUTBOX_INSERT`] (`?13`, the creation time, is
/// also its first attempt's).
fn outbox_values(m: &OutboxMessage) -> [Value; 13] {
    [
        s(&m.id),
        s(m.channel.as_str()),
        s(&m.to),
        s(&m.kind),
        s(m.lang.tag()),
        s(&m.subject),
        s(&m.body),
        s(&m.html),
        os(&m.code),
        os(&m.link),
        os(&m.token),
        os(&m.account_id),
        i(m.created_at),
    ]
}
