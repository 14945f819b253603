//! D1 implementation of core's `Store` (KV holds the profile photos).
//!
//! Every `commit` is one D1 `batch()`: a transaction. Sessions are read from D1 on every
//! request, not from a KV copy: KV is eventually consistent (a deleted key can be served for
//! 60 s or more elsewhere) and has no compare-and-set, so a cached copy could outlive a
//! logout or be re-written by a racing request. D1 decides, and a revoked session is refused
//! everywhere at once.

use crate::faults::{Fault, Mode, Target};
use netid_core::config::ThrottlePolicy;
use netid_core::model::*;
use netid_core::store::{Change, Guard, LoginKey, SessionWithMe, Store, StoreResult};
use netid_core::Error;
use serde::Deserialize;
use std::cell::{Cell, RefCell};
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, KvStore};

pub struct D1Store {
    pub db: D1Database,
    pub kv: KvStore,
    /// Counters for the benchmarks and the dev tests (`X-Netid-Queries`, `Server-Timing`):
    /// D1 statements, D1 round trips (a batch is one), KV operations, and the milliseconds
    /// spent waiting on storage.
    pub d1_queries: Cell<u32>,
    pub d1_round_trips: Cell<u32>,
    /// Round trips that wrote (or may write): they must reach the primary database.
    pub d1_write_round_trips: Cell<u32>,
    pub kv_ops: Cell<u32>,
    pub storage_ms: Cell<f64>,
    /// A development fault armed for this request (`faults.rs`), and whether it fired.
    pub fault: Option<Fault>,
    pub fault_fired: Cell<bool>,
    /// How long one storage operation may take before the request gives up on it.
    pub timeout_ms: u32,
    /// The outbox messages this request committed, for the delivery queue.
    pub committed_messages: RefCell<Vec<(String, Channel)>>,
}

/// A storage operation, as the counters see it.
#[derive(Debug, Clone, Copy)]
pub enum Op {
    Kv,
    D1 { statements: u32, write: bool },
}

impl Op {
    /// One statement: a write unless it is a plain SELECT.
    fn sql(sql: &str) -> Op {
        let read = sql.trim_start().get(..6).is_some_and(|w| w.eq_ignore_ascii_case("select"));
        Op::D1 { statements: 1, write: !read }
    }
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

mod batch;
mod changes;
mod rows;
#[cfg(test)]
mod tests;

use batch::throttle_of;
use rows::*;

impl D1Store {
    pub fn new(db: D1Database, kv: KvStore) -> Self {
        D1Store {
            db,
            kv,
            d1_queries: Cell::new(0),
            d1_round_trips: Cell::new(0),
            d1_write_round_trips: Cell::new(0),
            kv_ops: Cell::new(0),
            storage_ms: Cell::new(0.0),
            fault: None,
            fault_fired: Cell::new(false),
            timeout_ms: 20_000,
            committed_messages: RefCell::new(Vec::new()),
        }
    }

    /// Awaits one storage operation, counting it and the time spent waiting. It fails as
    /// `internal_error` when the platform does, when it takes longer than the storage timeout
    /// (it is then abandoned: a write may still land, which is why every write is a single
    /// idempotent-on-retry batch), or when a development fault was armed for it.
    pub async fn timed<T, E: std::fmt::Display>(
        &self,
        op: Op,
        op_future: impl std::future::Future<Output = Result<T, E>>,
    ) -> StoreResult<T> {
        let nth = match op {
            Op::Kv => {
                self.kv_ops.set(self.kv_ops.get() + 1);
                self.kv_ops.get()
            }
            Op::D1 { statements, write } => {
                self.d1_queries.set(self.d1_queries.get() + statements);
                self.d1_round_trips.set(self.d1_round_trips.get() + 1);
                if write {
                    self.d1_write_round_trips.set(self.d1_write_round_trips.get() + 1);
                }
                self.d1_round_trips.get()
            }
        };
        let target = if matches!(op, Op::Kv) { Target::Kv } else { Target::D1 };
        if let Some(f) = self.fault.filter(|f| f.target == target && f.nth == nth) {
            self.fault_fired.set(true);
            if f.mode == Mode::Hang {
                worker::Delay::from(std::time::Duration::from_millis(u64::from(f.timeout_ms))).await;
                return Err(Error::internal(format!("storage timeout (injected hang at {target:?} #{nth})")));
            }
            return Err(Error::internal(format!("injected storage failure at {target:?} #{nth}")));
        }
        let start = js_sys::Date::now();
        let timeout = worker::Delay::from(std::time::Duration::from_millis(u64::from(self.timeout_ms)));
        let (op_future, timeout) = (std::pin::pin!(op_future), std::pin::pin!(timeout));
        let outcome = match futures_util::future::select(op_future, timeout).await {
            futures_util::future::Either::Left((r, _)) => r.map_err(err),
            futures_util::future::Either::Right(_) => {
                Err(Error::internal(format!("storage timeout after {} ms", self.timeout_ms)))
            }
        };
        self.storage_ms.set(self.storage_ms.get() + (js_sys::Date::now() - start));
        outcome
    }

    pub fn stmt(&self, sql: &str, args: &[JsValue]) -> StoreResult<D1PreparedStatement> {
        self.db.prepare(sql).bind(args).map_err(err)
    }

    pub async fn first<T: for<'de> Deserialize<'de>>(&self, sql: &str, args: &[JsValue]) -> StoreResult<Option<T>> {
        let stmt = self.stmt(sql, args)?;
        self.timed(Op::sql(sql), stmt.first::<T>(None)).await
    }

    pub async fn all<T: for<'de> Deserialize<'de>>(&self, sql: &str, args: &[JsValue]) -> StoreResult<Vec<T>> {
        let stmt = self.stmt(sql, args)?;
        self.timed(Op::sql(sql), stmt.all()).await?.results::<T>().map_err(err)
    }

    /// Runs statements as one transaction and answers each one's result (`write`: whether
    /// any of them writes).
    pub async fn batch_results(
        &self,
        stmts: Vec<D1PreparedStatement>,
        write: bool,
    ) -> StoreResult<Vec<worker::D1Result>> {
        if stmts.is_empty() {
            return Ok(Vec::new());
        }
        let op = Op::D1 { statements: stmts.len() as u32, write };
        let results = self.timed(op, self.db.batch(stmts)).await?;
        if let Some(e) = results.iter().find_map(|r| r.error()) {
            return Err(err(e));
        }
        Ok(results)
    }

    pub async fn batch(&self, stmts: Vec<D1PreparedStatement>) -> StoreResult<()> {
        self.batch_results(stmts, true).await.map(|_| ())
    }
}

/// Whether a storage error is a guard's CHECK failing (see `changes.rs`).
fn is_guard_failure(e: &Error) -> bool {
    e.detail.as_deref().is_some_and(|d| d.contains("netid_guard") || d.contains("CHECK constraint failed"))
}

/// A login taken between a flow's read and its commit (two signups for one new address at
/// once): the UNIQUE index decided, and the loser hears what the address's state is, not 500.
fn taken_login(e: &Error) -> Option<Error> {
    let d = e.detail.as_deref()?;
    if !d.contains("UNIQUE constraint failed") {
        return None;
    }
    if d.contains("profiles.email") {
        Some(Error::field(netid_core::Code::EmailTaken, "email"))
    } else if d.contains("profiles.phone") {
        Some(Error::field(netid_core::Code::PhoneTaken, "phone"))
    } else if d.contains("social_identities") {
        Some(Error::new(netid_core::Code::SocialAlreadyLinked))
    } else {
        None
    }
}

impl Store for D1Store {
    async fn profile(&self, id: &str) -> StoreResult<Option<Profile>> {
        Ok(self
            .first::<ProfileRow>(&format!("SELECT {PROFILE_SELECT} FROM profiles WHERE id = ?1"), &[s(id)])
            .await?
            .map(Into::into))
    }

    async fn profile_by_email(&self, email: &str) -> StoreResult<Option<Profile>> {
        Ok(self
            .first::<ProfileRow>(&format!("SELECT {PROFILE_SELECT} FROM profiles WHERE email = ?1"), &[s(email)])
            .await?
            .map(Into::into))
    }

    async fn profile_by_phone(&self, phone: &str) -> StoreResult<Option<Profile>> {
        Ok(self
            .first::<ProfileRow>(&format!("SELECT {PROFILE_SELECT} FROM profiles WHERE phone = ?1"), &[s(phone)])
            .await?
            .map(Into::into))
    }

    async fn code(&self, profile_id: &str, purpose: Purpose) -> StoreResult<Option<CodeRecord>> {
        let row = self
            .first::<CodeRow>(
                "SELECT profile_id, purpose, target, code_hash, attempts, expires_at, created_at, claim_password_hash, \
                 claim_first_name, claim_last_name, claim_change_required, claim_contested FROM codes WHERE profile_id = ?1 AND purpose = ?2",
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
                claim: r.claim_password_hash.map(|password_hash| SignupClaim {
                    password_hash,
                    first_name: r.claim_first_name.unwrap_or_default(),
                    last_name: r.claim_last_name.unwrap_or_default(),
                    password_change_required: r.claim_change_required.unwrap_or(0) != 0,
                    contested: r.claim_contested.unwrap_or(0) != 0,
                }),
            })
        }))
    }

    async fn session(&self, token_hash: &str) -> StoreResult<Option<Session>> {
        let sql = format!("SELECT {SESSION_COLS} FROM sessions WHERE token_hash = ?1");
        Ok(self.first::<SessionRow>(&sql, &[s(token_hash)]).await?.map(Into::into))
    }

    async fn profile_by_social(&self, provider: &str, subject: &str) -> StoreResult<Option<Profile>> {
        let sql = format!(
            "SELECT {PROFILE_SELECT} FROM profiles WHERE id = \
             (SELECT profile_id FROM social_identities WHERE provider = ?1 AND subject = ?2)"
        );
        Ok(self.first::<ProfileRow>(&sql, &[s(provider), s(subject)]).await?.map(Into::into))
    }

    /// The linked profile and its active accounts in one batch (the profile found through
    /// the identity inside the statements): a social login's one read.
    async fn social_owner(&self, provider: &str, subject: &str) -> StoreResult<Option<(Profile, Vec<AccountView>)>> {
        const OWNER: &str = "(SELECT profile_id FROM social_identities WHERE provider = ?1 AND subject = ?2)";
        let args = [s(provider), s(subject)];
        let results = self
            .batch_results(
                vec![
                    self.stmt(&format!("SELECT {PROFILE_SELECT} FROM profiles WHERE id = {OWNER}"), &args)?,
                    self.stmt(&ACCOUNTS_OF.replace("?1", OWNER), &args)?,
                ],
                false,
            )
            .await?;
        let [pr, ar] = results.as_slice() else {
            return Err(Error::internal("batch answered too few results"));
        };
        Ok(match pr.results::<ProfileRow>().map_err(err)?.into_iter().next() {
            Some(p) => {
                Some((p.into(), ar.results::<AccountRow>().map_err(err)?.into_iter().map(account_view).collect()))
            }
            None => None,
        })
    }

    async fn take_social_state(&self, state_hash: &str, now: i64) -> StoreResult<Option<SocialState>> {
        // Deleted and answered by one statement: of two callbacks with one state, one gets it.
        // An expired one is deleted too, and answers nothing.
        let sql = format!("DELETE FROM social_states WHERE state_hash = ?1 RETURNING {SOCIAL_STATE_COLS}");
        let rows = self.all::<SocialStateRow>(&sql, &[s(state_hash)]).await?;
        Ok(rows.into_iter().next().and_then(SocialStateRow::into_state).filter(|st| st.expires_at > now))
    }

    async fn two_factor(&self, profile_id: &str) -> StoreResult<Option<TwoFactor>> {
        let row = self
            .first::<TwoFactorRow>(
                "SELECT profile_id, secret_sealed, enabled, last_step, created_at FROM two_factor WHERE profile_id = ?1",
                &[s(profile_id)],
            )
            .await?;
        Ok(row.map(|r| TwoFactor {
            profile_id: r.profile_id,
            secret_sealed: r.secret_sealed,
            enabled: r.enabled != 0,
            last_step: r.last_step,
            created_at: r.created_at,
        }))
    }

    async fn attempt_ticket(&self, ticket_hash: &str, now: i64, max: u32) -> StoreResult<Option<LoginTicket>> {
        // The try is counted in the statement; an expired or used-up ticket answers nothing.
        let sql = format!(
            "UPDATE login_tickets SET attempts = attempts + 1 WHERE ticket_hash = ?1 AND expires_at > ?2 AND attempts < ?3 \
             RETURNING {TICKET_COLS}"
        );
        let rows = self.all::<TicketRow>(&sql, &[s(ticket_hash), i(now), i(i64::from(max))]).await?;
        Ok(rows.into_iter().next().map(Into::into))
    }

    async fn sessions_of(&self, profile_id: &str) -> StoreResult<Vec<Session>> {
        let sql = format!("SELECT {SESSION_COLS} FROM sessions WHERE profile_id = ?1 ORDER BY created_at DESC, id");
        Ok(self.all::<SessionRow>(&sql, &[s(profile_id)]).await?.into_iter().map(Into::into).collect())
    }

    /// Newest first by time, then by insertion (`rowid`: the audit log is append-only).
    async fn audit_of(&self, account_id: &str, limit: u32, before: Option<&str>) -> StoreResult<Vec<AuditEntry>> {
        let rows = match before {
            None => {
                let sql = format!(
                    "SELECT {AUDIT_COLS} FROM audit_log WHERE account_id = ?1 ORDER BY at DESC, rowid DESC LIMIT ?2"
                );
                self.all::<AuditRow>(&sql, &[s(account_id), i(i64::from(limit))]).await?
            }
            Some(b) => {
                let sql = format!(
                    "SELECT {AUDIT_COLS} FROM audit_log WHERE account_id = ?1 AND (at, rowid) < \
                     (SELECT at, rowid FROM audit_log WHERE id = ?3 AND account_id = ?1) ORDER BY at DESC, rowid DESC LIMIT ?2"
                );
                self.all::<AuditRow>(&sql, &[s(account_id), i(i64::from(limit)), s(b)]).await?
            }
        };
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn touch_session(&self, token_hash: &str, at: i64) -> StoreResult<bool> {
        // Update only: a session deleted meanwhile stays deleted, and the answer says so.
        let rows = self
            .all::<HashRow>(
                "UPDATE sessions SET last_seen_at = MAX(last_seen_at, ?2) WHERE token_hash = ?1 RETURNING token_hash",
                &[s(token_hash), i(at)],
            )
            .await?;
        Ok(rows.iter().any(|r| r.token_hash == token_hash))
    }

    async fn hit(&self, keys: &[(String, ThrottlePolicy)], now: i64) -> StoreResult<Vec<Option<Throttle>>> {
        self.batch_results(self.hit_statements(keys, now)?, true).await?.iter().map(throttle_of).collect()
    }

    /// The counting and the profile's read in one batch: one round trip for a login's reads.
    async fn hit_and_find(
        &self,
        keys: &[(String, ThrottlePolicy)],
        now: i64,
        login: LoginKey<'_>,
    ) -> StoreResult<(Vec<Option<Throttle>>, Option<(Profile, Vec<AccountView>)>)> {
        let mut stmts = self.hit_statements(keys, now)?;
        let (column, value) = match login {
            LoginKey::Email(e) => ("email", e),
            LoginKey::Phone(p) => ("phone", p),
        };
        let owner = format!("(SELECT id FROM profiles WHERE {column} = ?1)");
        stmts.push(self.stmt(&format!("SELECT {PROFILE_SELECT} FROM profiles WHERE {column} = ?1"), &[s(value)])?);
        stmts.push(self.stmt(&ACCOUNTS_OF.replace("?1", &owner), &[s(value)])?);
        let results = self.batch_results(stmts, true).await?;
        let (counted, read) = results.split_at(results.len().saturating_sub(2));
        let after = counted.iter().map(throttle_of).collect::<StoreResult<Vec<_>>>()?;
        let [pr, ar] = read else {
            return Err(Error::internal("batch answered too few results"));
        };
        let found = match pr.results::<ProfileRow>().map_err(err)?.into_iter().next() {
            Some(p) => {
                Some((p.into(), ar.results::<AccountRow>().map_err(err)?.into_iter().map(account_view).collect()))
            }
            None => None,
        };
        Ok((after, found))
    }

    /// The session, its profile and the profile's active accounts in one batch (the profile
    /// is found through the session inside the statements): one round trip for GET /me.
    async fn session_with_me(&self, token_hash: &str) -> StoreResult<Option<SessionWithMe>> {
        const OWNER: &str = "(SELECT profile_id FROM sessions WHERE token_hash = ?1)";
        let results = self
            .batch_results(
                vec![
                    self.stmt(&format!("SELECT {SESSION_COLS} FROM sessions WHERE token_hash = ?1"), &[s(token_hash)])?,
                    self.stmt(&format!("SELECT {PROFILE_SELECT} FROM profiles WHERE id = {OWNER}"), &[s(token_hash)])?,
                    self.stmt(&ACCOUNTS_OF.replace("?1", OWNER), &[s(token_hash)])?,
                ],
                false,
            )
            .await?;
        let [sr, pr, ar] = results.as_slice() else {
            return Err(Error::internal("batch answered too few results"));
        };
        let Some(session) = sr.results::<SessionRow>().map_err(err)?.into_iter().next() else {
            return Ok(None);
        };
        let me = match pr.results::<ProfileRow>().map_err(err)?.into_iter().next() {
            Some(p) => {
                Some((p.into(), ar.results::<AccountRow>().map_err(err)?.into_iter().map(account_view).collect()))
            }
            None => None,
        };
        Ok(Some((session.into(), me)))
    }

    async fn refresh_token(&self, token_hash: &str) -> StoreResult<Option<RefreshToken>> {
        let row = self
            .first::<RefreshRow>(
                &format!("SELECT {REFRESH_COLS} FROM refresh_tokens WHERE token_hash = ?1"),
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
            family_expires_at: r.family_expires_at,
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

    async fn accounts_of(&self, profile_id: &str) -> StoreResult<Vec<AccountView>> {
        let rows = self.all::<AccountRow>(ACCOUNTS_OF, &[s(profile_id)]).await?;
        Ok(rows.into_iter().map(account_view).collect())
    }

    /// Both reads in one D1 batch: one round trip.
    async fn profile_with_accounts(&self, id: &str) -> StoreResult<Option<(Profile, Vec<AccountView>)>> {
        let results = self
            .batch_results(
                vec![
                    self.stmt(&format!("SELECT {PROFILE_SELECT} FROM profiles WHERE id = ?1"), &[s(id)])?,
                    self.stmt(ACCOUNTS_OF, &[s(id)])?,
                ],
                false,
            )
            .await?;
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
        // This isolate's GET /me cache forgets what the commit may change, before it is sent
        // and again once it landed (a read in between could have seen the old rows).
        crate::me_cache::invalidate(&changes);
        let outcome = self.send(&changes).await;
        crate::me_cache::invalidate(&changes);
        outcome
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
