//! The D1 statements of each `Change` (and the session-cache work it implies).

use super::rows::*;
use super::{b, i, os, s, D1Store};
use netid_core::model::*;
use netid_core::store::{Change, StoreResult};
use netid_core::Error;
use wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

impl D1Store {
    /// The statements of one change (and the session cache work it implies).
    pub(super) async fn statements(
        &self,
        change: &Change,
        evict: &mut Vec<String>,
        cache: &mut Vec<Session>,
    ) -> StoreResult<Vec<D1PreparedStatement>> {
        let st = |sql: &str, args: &[JsValue]| self.stmt(sql, args);
        Ok(match change {
            Change::PutProfile(p) => vec![st(
                &format!(
                    "INSERT INTO profiles ({PROFILE_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13) \
                     ON CONFLICT(id) DO UPDATE SET email=?2, email_confirmed=?3, phone=?4, phone_confirmed=?5, password_hash=?6, \
                     first_name=?7, last_name=?8, photo_url=?9, lang=?10, two_factor_enabled=?11, updated_at=?13"
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
                ],
            )?],
            Change::DeleteProfile(id) => {
                evict.extend(self.session_hashes("SELECT token_hash FROM sessions WHERE profile_id = ?1", &[s(id)]).await?);
                vec![
                    st("DELETE FROM codes WHERE profile_id = ?1", &[s(id)])?,
                    st("DELETE FROM sessions WHERE profile_id = ?1", &[s(id)])?,
                    st("DELETE FROM refresh_tokens WHERE profile_id = ?1", &[s(id)])?,
                    st("DELETE FROM profiles WHERE id = ?1", &[s(id)])?,
                ]
            }
            Change::PutCode(c) => vec![st(
                "INSERT INTO codes (profile_id, purpose, target, code_hash, attempts, expires_at, created_at) VALUES (?1,?2,?3,?4,?5,?6,?7) \
                 ON CONFLICT(profile_id, purpose) DO UPDATE SET target=?3, code_hash=?4, attempts=?5, expires_at=?6, created_at=?7",
                &[s(&c.profile_id), s(c.purpose.as_str()), s(&c.target), s(&c.code_hash), i(i64::from(c.attempts)), i(c.expires_at), i(c.created_at)],
            )?],
            Change::DeleteCode { profile_id, purpose } => {
                vec![st("DELETE FROM codes WHERE profile_id = ?1 AND purpose = ?2", &[s(profile_id), s(purpose.as_str())])?]
            }
            Change::PutSession(x) => {
                cache.push(x.clone());
                vec![st(
                    &format!(
                        "INSERT INTO sessions ({SESSION_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8) \
                         ON CONFLICT(token_hash) DO UPDATE SET account_id=?3, last_seen_at=?6, absolute_expires_at=?7"
                    ),
                    &[
                        s(&x.token_hash),
                        s(&x.profile_id),
                        os(&x.account_id),
                        s(x.client.as_str()),
                        i(x.created_at),
                        i(x.last_seen_at),
                        i(x.absolute_expires_at),
                        os(&x.family_id),
                    ],
                )?]
            }
            Change::DeleteSession(h) => {
                evict.push(h.clone());
                vec![st("DELETE FROM sessions WHERE token_hash = ?1", &[s(h)])?]
            }
            Change::DeleteSessionsOf { profile_id, except } => {
                let ex = os(except);
                evict.extend(
                    self.session_hashes("SELECT token_hash FROM sessions WHERE profile_id = ?1 AND token_hash IS NOT ?2", &[s(profile_id), ex.clone()])
                        .await?,
                );
                vec![st("DELETE FROM sessions WHERE profile_id = ?1 AND token_hash IS NOT ?2", &[s(profile_id), ex])?]
            }
            Change::PutRefreshToken(t) => vec![st(
                "INSERT INTO refresh_tokens (token_hash, family_id, profile_id, session_hash, used, created_at, expires_at) VALUES (?1,?2,?3,?4,?5,?6,?7) \
                 ON CONFLICT(token_hash) DO UPDATE SET used=?5",
                &[s(&t.token_hash), s(&t.family_id), s(&t.profile_id), s(&t.session_hash), b(t.used), i(t.created_at), i(t.expires_at)],
            )?],
            Change::RevokeFamily(f) => {
                evict.extend(self.session_hashes("SELECT token_hash FROM sessions WHERE family_id = ?1", &[s(f)]).await?);
                vec![
                    st("DELETE FROM sessions WHERE family_id = ?1", &[s(f)])?,
                    st("DELETE FROM refresh_tokens WHERE family_id = ?1", &[s(f)])?,
                ]
            }
            Change::DeleteRefreshTokensOf { profile_id, except_family } => {
                let ex = os(except_family);
                evict.extend(
                    self.session_hashes(
                        "SELECT token_hash FROM sessions WHERE profile_id = ?1 AND family_id IS NOT NULL AND family_id IS NOT ?2",
                        &[s(profile_id), ex.clone()],
                    )
                    .await?,
                );
                vec![st("DELETE FROM refresh_tokens WHERE profile_id = ?1 AND family_id IS NOT ?2", &[s(profile_id), ex])?]
            }
            Change::PutThrottle(t) => vec![st(
                "INSERT INTO throttles (key, failures, window_start, blocked_until) VALUES (?1,?2,?3,?4) \
                 ON CONFLICT(key) DO UPDATE SET failures=?2, window_start=?3, blocked_until=?4",
                &[s(&t.key), i(i64::from(t.failures)), i(t.window_start), i(t.blocked_until)],
            )?],
            Change::DeleteThrottle(k) => vec![st("DELETE FROM throttles WHERE key = ?1", &[s(k)])?],
            Change::Outbox(m) => vec![st(
                "INSERT INTO outbox (id, channel, recipient, kind, lang, subject, body, code, link, token, created_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
                &[
                    s(&m.id),
                    s(m.channel.as_str()),
                    s(&m.to),
                    s(&m.kind),
                    s(m.lang.tag()),
                    s(&m.subject),
                    s(&m.body),
                    os(&m.code),
                    os(&m.link),
                    os(&m.token),
                    i(m.created_at),
                ],
            )?],
            // Audit rows are gathered by `commit` into multi-row INSERTs.
            Change::Audit(_) => Vec::new(),
            Change::UpdateCards { profile_id, first_name, last_name, contact_email, phone, photo_url } => vec![st(
                "UPDATE memberships SET first_name = COALESCE(?2, first_name), last_name = COALESCE(?3, last_name), \
                 contact_email = COALESCE(?4, contact_email), phone = COALESCE(?5, phone), photo_url = COALESCE(?6, photo_url) \
                 WHERE profile_id = ?1",
                &[s(profile_id), os(first_name), os(last_name), os(contact_email), os(phone), os(photo_url)],
            )?],
            Change::PutAccount(a) => vec![st(
                &format!(
                    "INSERT INTO accounts ({ACCOUNT_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9) \
                     ON CONFLICT(id) DO UPDATE SET name=?2, address=?3, plan=?4, renames_left=?5, last_activity_at=?8, warned_at=?9"
                ),
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
                ],
            )?],
            Change::DeleteAccount(id) => {
                evict.extend(self.session_hashes("SELECT token_hash FROM sessions WHERE account_id = ?1", &[s(id)]).await?);
                vec![
                    st("DELETE FROM membership_groups WHERE account_id = ?1", &[s(id)])?,
                    st("DELETE FROM memberships WHERE account_id = ?1", &[s(id)])?,
                    st("DELETE FROM invitations WHERE account_id = ?1", &[s(id)])?,
                    st("DELETE FROM departments WHERE account_id = ?1", &[s(id)])?,
                    st("DELETE FROM groups WHERE account_id = ?1", &[s(id)])?,
                    st("UPDATE sessions SET account_id = NULL WHERE account_id = ?1", &[s(id)])?,
                    st("DELETE FROM accounts WHERE id = ?1", &[s(id)])?,
                ]
            }
            Change::DeleteAccounts(ids) => {
                let mut v = Vec::new();
                for chunk in ids.chunks(MAX_IN_LIST) {
                    let marks = (1..=chunk.len()).map(|k| format!("?{k}")).collect::<Vec<_>>().join(",");
                    let args: Vec<JsValue> = chunk.iter().map(|x| s(x)).collect();
                    evict.extend(self.session_hashes(&format!("SELECT token_hash FROM sessions WHERE account_id IN ({marks})"), &args).await?);
                    for sql in [
                        "DELETE FROM membership_groups WHERE account_id IN",
                        "DELETE FROM memberships WHERE account_id IN",
                        "DELETE FROM invitations WHERE account_id IN",
                        "DELETE FROM departments WHERE account_id IN",
                        "DELETE FROM groups WHERE account_id IN",
                        "UPDATE sessions SET account_id = NULL WHERE account_id IN",
                        "DELETE FROM accounts WHERE id IN",
                    ] {
                        v.push(st(&format!("{sql} ({marks})"), &args)?);
                    }
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
                         contact_email=?9, phone=?10, photo_url=?11, position=?12, department_id=?13, personal=?14, last_login_at=?15",
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
                "INSERT INTO departments (id, account_id, name, parent_id, created_at) VALUES (?1,?2,?3,?4,?5) \
                 ON CONFLICT(id) DO UPDATE SET name=?3, parent_id=?4",
                &[s(&d.id), s(&d.account_id), s(&d.name), os(&d.parent_id), i(d.created_at)],
            )?],
            Change::PutGroup(g) => vec![st(
                "INSERT INTO groups (id, account_id, name, extranet, created_at) VALUES (?1,?2,?3,?4,?5) \
                 ON CONFLICT(id) DO UPDATE SET name=?3, extranet=?4",
                &[s(&g.id), s(&g.account_id), s(&g.name), b(g.extranet), i(g.created_at)],
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
                evict.push(token_hash.clone());
                vec![st("UPDATE sessions SET account_id = ?2 WHERE token_hash = ?1", &[s(token_hash), os(account_id)])?]
            }
            Change::PurgeExpired { now, idle_timeout, invitations_before } => {
                let expired_inv = "SELECT membership_id FROM invitations WHERE state = 'pending' AND expires_at <= ?1";
                vec![
                    st("DELETE FROM codes WHERE expires_at <= ?1", &[i(*now)])?,
                    st(
                        "DELETE FROM sessions WHERE last_seen_at + ?2 <= ?1 OR absolute_expires_at <= ?1",
                        &[i(*now), i(*idle_timeout)],
                    )?,
                    st("DELETE FROM refresh_tokens WHERE expires_at <= ?1", &[i(*now)])?,
                    st("DELETE FROM throttles WHERE blocked_until <= ?1 AND window_start + 86400 <= ?1", &[i(*now)])?,
                    st(&format!("DELETE FROM membership_groups WHERE membership_id IN ({expired_inv})"), &[i(*invitations_before)])?,
                    st(
                        &format!("DELETE FROM memberships WHERE status = 'invited' AND id IN ({expired_inv})"),
                        &[i(*invitations_before)],
                    )?,
                    st("DELETE FROM invitations WHERE state = 'pending' AND expires_at <= ?1", &[i(*invitations_before)])?,
                ]
            }
            _ => return Err(Error::internal("unsupported change")),
        })
    }
}
