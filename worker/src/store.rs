//! D1 (system of record) + KV (session cache) implementation of core's `Store`.
//!
//! Every `commit` is one D1 `batch()`: a transaction. The session cache is read-through
//! (KV first, then D1) and written on every session write; deletions evict the cached
//! copies after the batch commits, so a revoked session is refused at once in this
//! location (other locations see KV's eventual consistency, up to about 60 s).

use netid_core::model::*;
use netid_core::store::{Change, Store, StoreResult};
use netid_core::{Error, Lang};
use serde::Deserialize;
use std::cell::Cell;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, KvStore};

pub struct D1Store {
    pub db: D1Database,
    pub kv: KvStore,
    /// The session cache's TTL (KV's minimum is 60 s).
    pub session_ttl: u64,
    /// Counters for the benchmarks (`X-Netid-Queries`).
    pub d1_queries: Cell<u32>,
    pub kv_ops: Cell<u32>,
}

fn err(e: impl std::fmt::Display) -> Error {
    Error::internal(format!("storage: {e}"))
}

pub fn s(v: &str) -> JsValue {
    JsValue::from_str(v)
}
pub fn os(v: &Option<String>) -> JsValue {
    v.as_deref().map_or(JsValue::NULL, JsValue::from_str)
}
pub fn i(v: i64) -> JsValue {
    JsValue::from_f64(v as f64)
}
pub fn b(v: bool) -> JsValue {
    JsValue::from_f64(if v { 1.0 } else { 0.0 })
}

#[derive(Deserialize)]
struct ProfileRow {
    id: String,
    email: Option<String>,
    email_confirmed: i64,
    phone: Option<String>,
    phone_confirmed: i64,
    password_hash: String,
    first_name: String,
    last_name: String,
    photo_url: Option<String>,
    lang: String,
    two_factor_enabled: i64,
    created_at: i64,
    updated_at: i64,
}

impl From<ProfileRow> for Profile {
    fn from(r: ProfileRow) -> Self {
        Profile {
            id: r.id,
            email: r.email,
            email_confirmed: r.email_confirmed != 0,
            phone: r.phone,
            phone_confirmed: r.phone_confirmed != 0,
            password_hash: r.password_hash,
            first_name: r.first_name,
            last_name: r.last_name,
            photo_url: r.photo_url,
            lang: Lang::from_tag(&r.lang).unwrap_or_default(),
            two_factor_enabled: r.two_factor_enabled != 0,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Deserialize)]
struct CodeRow {
    profile_id: String,
    purpose: String,
    target: String,
    code_hash: String,
    attempts: i64,
    expires_at: i64,
    created_at: i64,
}

#[derive(Deserialize)]
struct SessionRow {
    token_hash: String,
    profile_id: String,
    account_id: Option<String>,
    client: String,
    created_at: i64,
    last_seen_at: i64,
    absolute_expires_at: i64,
    family_id: Option<String>,
}

impl From<SessionRow> for Session {
    fn from(r: SessionRow) -> Self {
        Session {
            token_hash: r.token_hash,
            profile_id: r.profile_id,
            account_id: r.account_id,
            client: ClientKind::parse(&r.client).unwrap_or_default(),
            created_at: r.created_at,
            last_seen_at: r.last_seen_at,
            absolute_expires_at: r.absolute_expires_at,
            family_id: r.family_id,
        }
    }
}

#[derive(Deserialize)]
struct RefreshRow {
    token_hash: String,
    family_id: String,
    profile_id: String,
    session_hash: String,
    used: i64,
    created_at: i64,
    expires_at: i64,
}

#[derive(Deserialize)]
struct ThrottleRow {
    key: String,
    failures: i64,
    window_start: i64,
    blocked_until: i64,
}

#[derive(Deserialize)]
struct AccountRow {
    id: String,
    name: String,
    address: String,
    plan: String,
    role: String,
    kind: String,
    renames_left: i64,
    created_at: i64,
}

#[derive(Deserialize)]
struct HashRow {
    token_hash: String,
}

#[derive(Deserialize)]
struct CountRow {
    n: i64,
}

#[derive(Deserialize)]
struct AccountRecordRow {
    id: String,
    name: String,
    address: String,
    plan: String,
    renames_left: i64,
    created_by: String,
    created_at: i64,
    last_activity_at: i64,
    warned_at: Option<i64>,
}

impl From<AccountRecordRow> for Account {
    fn from(r: AccountRecordRow) -> Self {
        Account {
            id: r.id,
            name: r.name,
            address: r.address,
            plan: Plan::parse(&r.plan).unwrap_or_default(),
            renames_left: r.renames_left.clamp(0, i64::from(u32::MAX)) as u32,
            created_by: r.created_by,
            created_at: r.created_at,
            last_activity_at: r.last_activity_at,
            warned_at: r.warned_at,
        }
    }
}

#[derive(Deserialize)]
struct MembershipRow {
    id: String,
    account_id: String,
    profile_id: Option<String>,
    kind: String,
    role: String,
    status: String,
    first_name: String,
    last_name: String,
    login_email: Option<String>,
    contact_email: Option<String>,
    phone: Option<String>,
    photo_url: Option<String>,
    position: Option<String>,
    department_id: Option<String>,
    group_ids: Option<String>,
    personal: Option<String>,
    last_login_at: Option<i64>,
    created_at: i64,
}

impl From<MembershipRow> for Membership {
    fn from(r: MembershipRow) -> Self {
        let mut group_ids: Vec<String> =
            r.group_ids.unwrap_or_default().split(',').filter(|g| !g.is_empty()).map(str::to_string).collect();
        group_ids.sort();
        Membership {
            id: r.id,
            account_id: r.account_id,
            profile_id: r.profile_id,
            kind: MemberType::parse(&r.kind).unwrap_or_default(),
            role: Role::parse(&r.role).unwrap_or_default(),
            status: MemberStatus::parse(&r.status).unwrap_or_default(),
            first_name: r.first_name,
            last_name: r.last_name,
            login_email: r.login_email,
            contact_email: r.contact_email,
            phone: r.phone,
            photo_url: r.photo_url,
            position: r.position,
            department_id: r.department_id,
            group_ids,
            personal: r.personal,
            last_login_at: r.last_login_at,
            created_at: r.created_at,
        }
    }
}

#[derive(Deserialize)]
struct DepartmentRow {
    id: String,
    account_id: String,
    name: String,
    parent_id: Option<String>,
    created_at: i64,
}

#[derive(Deserialize)]
struct GroupRow {
    id: String,
    account_id: String,
    name: String,
    extranet: i64,
    created_at: i64,
}

#[derive(Deserialize)]
struct InvitationRow {
    id: String,
    account_id: String,
    recipient: String,
    first_name: Option<String>,
    last_name: Option<String>,
    token_hash: String,
    state: String,
    extranet: i64,
    department_id: Option<String>,
    group_ids: String,
    membership_id: String,
    invited_by: Option<String>,
    created_at: i64,
    expires_at: i64,
    accepted_at: Option<i64>,
}

impl From<InvitationRow> for Invitation {
    fn from(r: InvitationRow) -> Self {
        Invitation {
            id: r.id,
            account_id: r.account_id,
            to: r.recipient,
            first_name: r.first_name,
            last_name: r.last_name,
            token_hash: r.token_hash,
            state: InvitationState::parse(&r.state).unwrap_or(InvitationState::Revoked),
            extranet: r.extranet != 0,
            department_id: r.department_id,
            group_ids: serde_json::from_str(&r.group_ids).unwrap_or_default(),
            membership_id: r.membership_id,
            invited_by: r.invited_by,
            created_at: r.created_at,
            expires_at: r.expires_at,
            accepted_at: r.accepted_at,
        }
    }
}

const ACCOUNT_COLS: &str = "id, name, address, plan, renames_left, created_by, created_at, last_activity_at, warned_at";
const MEMBERSHIP_SELECT: &str =
    "SELECT m.id, m.account_id, m.profile_id, m.type AS kind, m.role, m.status, m.first_name, m.last_name, \
     p.email AS login_email, m.contact_email, m.phone, m.photo_url, m.position, m.department_id, \
     (SELECT group_concat(g.group_id) FROM membership_groups g WHERE g.membership_id = m.id) AS group_ids, \
     m.personal, m.last_login_at, m.created_at FROM memberships m LEFT JOIN profiles p ON p.id = m.profile_id";
const INVITATION_COLS: &str =
    "id, account_id, recipient, first_name, last_name, token_hash, state, extranet, department_id, group_ids, \
     membership_id, invited_by, created_at, expires_at, accepted_at";

fn oi(v: Option<i64>) -> JsValue {
    v.map_or(JsValue::NULL, i)
}

/// D1 allows at most 100 bound parameters per statement.
const MAX_IN_LIST: usize = 90;
/// Audit rows per multi-row INSERT (6 parameters each).
const AUDIT_ROWS: usize = 16;

const ACCOUNTS_OF: &str =
    "SELECT a.id, a.name, a.address, a.plan, m.role, m.type AS kind, a.renames_left, a.created_at \
     FROM memberships m JOIN accounts a ON a.id = m.account_id \
     WHERE m.profile_id = ?1 AND m.status = 'active' ORDER BY a.created_at, a.id";

fn account_view(r: AccountRow) -> AccountView {
    AccountView {
        id: r.id,
        name: r.name,
        address: r.address,
        plan: r.plan,
        role: r.role,
        kind: r.kind,
        renames_left: r.renames_left.clamp(0, i64::from(u32::MAX)) as u32,
        created_at: netid_core::time::rfc3339(r.created_at),
    }
}

const PROFILE_COLS: &str = "id, email, email_confirmed, phone, phone_confirmed, password_hash, first_name, last_name, photo_url, lang, two_factor_enabled, created_at, updated_at";
const SESSION_COLS: &str =
    "token_hash, profile_id, account_id, client, created_at, last_seen_at, absolute_expires_at, family_id";

fn cache_key(token_hash: &str) -> String {
    format!("session:{token_hash}")
}

impl D1Store {
    pub fn new(db: D1Database, kv: KvStore, idle_timeout: i64) -> Self {
        D1Store {
            db,
            kv,
            session_ttl: (idle_timeout.max(0) as u64 + 60).max(60),
            d1_queries: Cell::new(0),
            kv_ops: Cell::new(0),
        }
    }

    pub fn stmt(&self, sql: &str, args: &[JsValue]) -> StoreResult<D1PreparedStatement> {
        self.db.prepare(sql).bind(args).map_err(err)
    }

    pub async fn first<T: for<'de> Deserialize<'de>>(&self, sql: &str, args: &[JsValue]) -> StoreResult<Option<T>> {
        self.d1_queries.set(self.d1_queries.get() + 1);
        self.stmt(sql, args)?.first::<T>(None).await.map_err(err)
    }

    pub async fn all<T: for<'de> Deserialize<'de>>(&self, sql: &str, args: &[JsValue]) -> StoreResult<Vec<T>> {
        self.d1_queries.set(self.d1_queries.get() + 1);
        self.stmt(sql, args)?.all().await.map_err(err)?.results::<T>().map_err(err)
    }

    pub async fn batch(&self, stmts: Vec<D1PreparedStatement>) -> StoreResult<()> {
        if stmts.is_empty() {
            return Ok(());
        }
        self.d1_queries.set(self.d1_queries.get() + stmts.len() as u32);
        let results = self.db.batch(stmts).await.map_err(err)?;
        if let Some(e) = results.iter().find_map(|r| r.error()) {
            return Err(err(e));
        }
        Ok(())
    }

    async fn cache_put(&self, session: &Session) {
        self.kv_ops.set(self.kv_ops.get() + 1);
        if let Ok(text) = serde_json::to_string(session) {
            if let Ok(put) = self.kv.put(&cache_key(&session.token_hash), text) {
                let _ = put.expiration_ttl(self.session_ttl).execute().await;
            }
        }
    }

    async fn cache_evict(&self, hashes: &[String]) {
        for h in hashes {
            self.kv_ops.set(self.kv_ops.get() + 1);
            let _ = self.kv.delete(&cache_key(h)).await;
        }
    }

    async fn session_hashes(&self, sql: &str, args: &[JsValue]) -> StoreResult<Vec<String>> {
        Ok(self.all::<HashRow>(sql, args).await?.into_iter().map(|r| r.token_hash).collect())
    }

    /// The statements of one change (and the session cache work it implies).
    async fn statements(
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
            Change::Audit(a) => vec![st(
                "INSERT INTO audit_log (id, at, actor, action, target, detail) VALUES (?1,?2,?3,?4,?5,?6)",
                &[s(&a.id), i(a.at), os(&a.actor), s(&a.action), s(&a.target), s(&a.detail)],
            )?],
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

impl Store for D1Store {
    async fn profile(&self, id: &str) -> StoreResult<Option<Profile>> {
        Ok(self
            .first::<ProfileRow>(&format!("SELECT {PROFILE_COLS} FROM profiles WHERE id = ?1"), &[s(id)])
            .await?
            .map(Into::into))
    }

    async fn profile_by_email(&self, email: &str) -> StoreResult<Option<Profile>> {
        Ok(self
            .first::<ProfileRow>(&format!("SELECT {PROFILE_COLS} FROM profiles WHERE email = ?1"), &[s(email)])
            .await?
            .map(Into::into))
    }

    async fn profile_by_phone(&self, phone: &str) -> StoreResult<Option<Profile>> {
        Ok(self
            .first::<ProfileRow>(&format!("SELECT {PROFILE_COLS} FROM profiles WHERE phone = ?1"), &[s(phone)])
            .await?
            .map(Into::into))
    }

    async fn code(&self, profile_id: &str, purpose: Purpose) -> StoreResult<Option<CodeRecord>> {
        let row = self
            .first::<CodeRow>(
                "SELECT profile_id, purpose, target, code_hash, attempts, expires_at, created_at FROM codes WHERE profile_id = ?1 AND purpose = ?2",
                &[s(profile_id), s(purpose.as_str())],
            )
            .await?;
        Ok(row.and_then(|r| {
            Some(CodeRecord {
                profile_id: r.profile_id,
                purpose: Purpose::parse(&r.purpose)?,
                target: r.target,
                code_hash: r.code_hash,
                attempts: r.attempts.clamp(0, i64::from(u32::MAX)) as u32,
                expires_at: r.expires_at,
                created_at: r.created_at,
            })
        }))
    }

    async fn session(&self, token_hash: &str) -> StoreResult<Option<Session>> {
        self.kv_ops.set(self.kv_ops.get() + 1);
        if let Ok(Some(text)) = self.kv.get(&cache_key(token_hash)).text().await {
            if let Ok(session) = serde_json::from_str::<Session>(&text) {
                return Ok(Some(session));
            }
        }
        let row = self
            .first::<SessionRow>(
                &format!("SELECT {SESSION_COLS} FROM sessions WHERE token_hash = ?1"),
                &[s(token_hash)],
            )
            .await?;
        let session: Option<Session> = row.map(Into::into);
        if let Some(x) = &session {
            self.cache_put(x).await;
        }
        Ok(session)
    }

    async fn refresh_token(&self, token_hash: &str) -> StoreResult<Option<RefreshToken>> {
        let row = self
            .first::<RefreshRow>(
                "SELECT token_hash, family_id, profile_id, session_hash, used, created_at, expires_at FROM refresh_tokens WHERE token_hash = ?1",
                &[s(token_hash)],
            )
            .await?;
        Ok(row.map(|r| RefreshToken {
            token_hash: r.token_hash,
            family_id: r.family_id,
            profile_id: r.profile_id,
            session_hash: r.session_hash,
            used: r.used != 0,
            created_at: r.created_at,
            expires_at: r.expires_at,
        }))
    }

    async fn throttle(&self, key: &str) -> StoreResult<Option<Throttle>> {
        let row = self
            .first::<ThrottleRow>(
                "SELECT key, failures, window_start, blocked_until FROM throttles WHERE key = ?1",
                &[s(key)],
            )
            .await?;
        Ok(row.map(|r| Throttle {
            key: r.key,
            failures: r.failures.clamp(0, i64::from(u32::MAX)) as u32,
            window_start: r.window_start,
            blocked_until: r.blocked_until,
        }))
    }

    async fn throttles(&self, keys: &[String]) -> StoreResult<Vec<Throttle>> {
        let keys = &keys[..keys.len().min(MAX_IN_LIST)];
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let marks = (1..=keys.len()).map(|k| format!("?{k}")).collect::<Vec<_>>().join(",");
        let args: Vec<JsValue> = keys.iter().map(|k| s(k)).collect();
        let sql = format!("SELECT key, failures, window_start, blocked_until FROM throttles WHERE key IN ({marks})");
        Ok(self
            .all::<ThrottleRow>(&sql, &args)
            .await?
            .into_iter()
            .map(|r| Throttle {
                key: r.key,
                failures: r.failures.clamp(0, i64::from(u32::MAX)) as u32,
                window_start: r.window_start,
                blocked_until: r.blocked_until,
            })
            .collect())
    }

    async fn accounts_of(&self, profile_id: &str) -> StoreResult<Vec<AccountView>> {
        let rows = self.all::<AccountRow>(ACCOUNTS_OF, &[s(profile_id)]).await?;
        Ok(rows.into_iter().map(account_view).collect())
    }

    /// Both reads in one D1 batch: one round trip.
    async fn profile_with_accounts(&self, id: &str) -> StoreResult<Option<(Profile, Vec<AccountView>)>> {
        self.d1_queries.set(self.d1_queries.get() + 2);
        let results = self
            .db
            .batch(vec![
                self.stmt(&format!("SELECT {PROFILE_COLS} FROM profiles WHERE id = ?1"), &[s(id)])?,
                self.stmt(ACCOUNTS_OF, &[s(id)])?,
            ])
            .await
            .map_err(err)?;
        let (Some(p), Some(a)) = (results.first(), results.get(1)) else {
            return Err(Error::internal("batch answered too few results"));
        };
        let Some(profile) = p.results::<ProfileRow>().map_err(err)?.into_iter().next() else {
            return Ok(None);
        };
        let accounts = a.results::<AccountRow>().map_err(err)?.into_iter().map(account_view).collect();
        Ok(Some((profile.into(), accounts)))
    }

    async fn linked_account_count(&self, profile_id: &str) -> StoreResult<u32> {
        let row = self
            .first::<CountRow>(
                "SELECT COUNT(*) AS n FROM memberships WHERE profile_id = ?1 AND status != 'dismissed'",
                &[s(profile_id)],
            )
            .await?;
        Ok(row.map_or(0, |r| r.n.max(0) as u32))
    }

    async fn commit(&self, changes: Vec<Change>) -> StoreResult<()> {
        let mut stmts = Vec::new();
        let mut evict = Vec::new();
        let mut cache = Vec::new();
        let mut audits = Vec::new();
        for c in &changes {
            match c {
                // Audit rows go together, as multi-row INSERTs at the end of the batch.
                Change::Audit(a) => audits.push(a),
                other => stmts.extend(self.statements(other, &mut evict, &mut cache).await?),
            }
        }
        for chunk in audits.chunks(AUDIT_ROWS) {
            let marks = (0..chunk.len())
                .map(|k| {
                    format!(
                        "(?{},?{},?{},?{},?{},?{})",
                        6 * k + 1,
                        6 * k + 2,
                        6 * k + 3,
                        6 * k + 4,
                        6 * k + 5,
                        6 * k + 6
                    )
                })
                .collect::<Vec<_>>()
                .join(",");
            let args: Vec<JsValue> = chunk
                .iter()
                .flat_map(|a| [s(&a.id), i(a.at), os(&a.actor), s(&a.action), s(&a.target), s(&a.detail)])
                .collect();
            stmts.push(self.stmt(
                &format!("INSERT INTO audit_log (id, at, actor, action, target, detail) VALUES {marks}"),
                &args,
            )?);
        }
        self.batch(stmts).await?;
        self.cache_evict(&evict).await;
        for x in cache.iter().filter(|x| !evict.contains(&x.token_hash)) {
            self.cache_put(x).await;
        }
        Ok(())
    }

    async fn account(&self, id: &str) -> StoreResult<Option<Account>> {
        Ok(self
            .first::<AccountRecordRow>(&format!("SELECT {ACCOUNT_COLS} FROM accounts WHERE id = ?1"), &[s(id)])
            .await?
            .map(Into::into))
    }

    async fn account_by_address(&self, address: &str) -> StoreResult<Option<Account>> {
        let sql = format!("SELECT {ACCOUNT_COLS} FROM accounts WHERE address = ?1");
        Ok(self.first::<AccountRecordRow>(&sql, &[s(address)]).await?.map(Into::into))
    }

    async fn accounts_created_by(&self, profile_id: &str) -> StoreResult<u32> {
        let row = self
            .first::<CountRow>("SELECT COUNT(*) AS n FROM accounts WHERE created_by = ?1", &[s(profile_id)])
            .await?;
        Ok(row.map_or(0, |r| r.n.max(0) as u32))
    }

    async fn membership_of(&self, account_id: &str, profile_id: &str) -> StoreResult<Option<Membership>> {
        let sql = format!("{MEMBERSHIP_SELECT} WHERE m.account_id = ?1 AND m.profile_id = ?2");
        Ok(self.first::<MembershipRow>(&sql, &[s(account_id), s(profile_id)]).await?.map(Into::into))
    }

    async fn membership(&self, account_id: &str, id: &str) -> StoreResult<Option<Membership>> {
        let sql = format!("{MEMBERSHIP_SELECT} WHERE m.account_id = ?1 AND m.id = ?2");
        Ok(self.first::<MembershipRow>(&sql, &[s(account_id), s(id)]).await?.map(Into::into))
    }

    async fn memberships(&self, account_id: &str) -> StoreResult<Vec<Membership>> {
        let sql = format!("{MEMBERSHIP_SELECT} WHERE m.account_id = ?1 ORDER BY m.created_at, m.id");
        Ok(self.all::<MembershipRow>(&sql, &[s(account_id)]).await?.into_iter().map(Into::into).collect())
    }

    async fn departments(&self, account_id: &str) -> StoreResult<Vec<Department>> {
        let rows = self
            .all::<DepartmentRow>(
                "SELECT id, account_id, name, parent_id, created_at FROM departments WHERE account_id = ?1 ORDER BY created_at, id",
                &[s(account_id)],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| Department {
                id: r.id,
                account_id: r.account_id,
                name: r.name,
                parent_id: r.parent_id,
                created_at: r.created_at,
            })
            .collect())
    }

    async fn groups(&self, account_id: &str) -> StoreResult<Vec<Group>> {
        let rows = self
            .all::<GroupRow>(
                "SELECT id, account_id, name, extranet, created_at FROM groups WHERE account_id = ?1 ORDER BY created_at, id",
                &[s(account_id)],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| Group {
                id: r.id,
                account_id: r.account_id,
                name: r.name,
                extranet: r.extranet != 0,
                created_at: r.created_at,
            })
            .collect())
    }

    async fn invitations(&self, account_id: &str) -> StoreResult<Vec<Invitation>> {
        let sql =
            format!("SELECT {INVITATION_COLS} FROM invitations WHERE account_id = ?1 ORDER BY created_at DESC, id");
        Ok(self.all::<InvitationRow>(&sql, &[s(account_id)]).await?.into_iter().map(Into::into).collect())
    }

    async fn invitation_by_token(&self, token_hash: &str) -> StoreResult<Option<Invitation>> {
        let sql = format!("SELECT {INVITATION_COLS} FROM invitations WHERE token_hash = ?1");
        Ok(self.first::<InvitationRow>(&sql, &[s(token_hash)]).await?.map(Into::into))
    }

    async fn cleanup_candidates(&self, warn_before: i64, delete_before: i64, limit: u32) -> StoreResult<Vec<Account>> {
        let sql = format!(
            "SELECT {ACCOUNT_COLS} FROM accounts WHERE plan = 'free' AND (last_activity_at < ?2 \
             OR (last_activity_at < ?1 AND (warned_at IS NULL OR warned_at < last_activity_at))) \
             ORDER BY last_activity_at, id LIMIT ?3"
        );
        let rows = self.all::<AccountRecordRow>(&sql, &[i(warn_before), i(delete_before), i(i64::from(limit))]).await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }
}

#[cfg(test)]
mod tests {
    //! The schema the code expects, checked against the migrations (applied for real to
    //! SQLite by the end-to-end tests, which exercise every statement here).
    #[allow(unused_imports)]
    use super::{ACCOUNT_COLS, INVITATION_COLS};
    use super::{PROFILE_COLS, SESSION_COLS};
    use std::collections::{BTreeMap, BTreeSet};

    const MIGRATIONS: &[&str] =
        &[include_str!("../migrations/0001_profiles.sql"), include_str!("../migrations/0002_accounts.sql")];

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
            ("refresh_tokens", "token_hash, family_id, profile_id, session_hash, used, created_at, expires_at"),
            ("throttles", "key, failures, window_start, blocked_until"),
            ("outbox", "id, channel, recipient, kind, lang, subject, body, code, link, token, created_at"),
            ("audit_log", "id, at, actor, action, target, detail"),
            ("accounts", "id, name, address, plan, renames_left, created_at"),
            (
                "memberships",
                "account_id, profile_id, type, role, status, first_name, last_name, contact_email, phone, photo_url",
            ),
            ("settings", "key, value"),
        ];
        for (table, cols) in expect {
            let have = s.get(*table).unwrap_or_else(|| panic!("no table {table}"));
            for col in cols.split(',').map(str::trim) {
                assert!(have.contains(col), "{table}.{col} is missing from the migrations");
            }
        }
    }
}
