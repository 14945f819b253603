//! The one storage implementation: every read, the commit batch, the atomic counters and the
//! guards, written once as SQL statements with bound parameters over the schema of
//! `worker/migrations`. A [`Database`] runs them: D1 in the Worker, SQLite (D1's engine) in
//! the native tests, over the same migrations. Core stays free of I/O: this module only
//! builds statements and reads rows.
//!
//! Every `commit` is one batch: a transaction. Counters are incremented and conditions decided
//! in the statements themselves (D1 has no interactive transactions), so no statement writes a
//! value that the caller read, changed and wrote back.

use crate::config::ThrottlePolicy;
use crate::error::{Code, Error};
use crate::model::*;
use crate::store::{Change, GrantContext, Grantable, Guard, LoginKey, Read, SessionWithMe, Store, StoreResult};
use serde::de::DeserializeOwned;

mod ahead;
mod batch;
mod changes;
pub mod rows;

use ahead::ReadAhead;
pub use ahead::{Ahead, Keys};
use std::cell::RefCell;

pub use batch::{commit_error, commit_statements, hit_statements, throttle_of};
pub use changes::{guard, guard_parts, statements};
use rows::*;

/// A bound parameter. D1 binds numbers as JavaScript numbers: every integer stored here is
/// within 2^53 (seconds, counters, flags).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
}

/// One SQL statement with its parameters (`?1`, `?2`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub sql: String,
    pub params: Vec<Value>,
}

impl Statement {
    /// Whether the statement only reads (a plain SELECT).
    pub fn reads(&self) -> bool {
        self.sql.trim_start().get(..6).is_some_and(|w| w.eq_ignore_ascii_case("select"))
    }
}

/// D1 allows at most 100 bound parameters per statement; the statements here stay below.
pub const MAX_PARAMS: usize = 100;

pub fn stmt(sql: &str, args: &[Value]) -> StoreResult<Statement> {
    if args.len() > MAX_PARAMS {
        return Err(Error::internal(format!("statement with {} parameters", args.len())));
    }
    Ok(Statement { sql: sql.to_string(), params: args.to_vec() })
}

pub fn s(v: &str) -> Value {
    Value::Text(v.to_string())
}
pub fn os(v: &Option<String>) -> Value {
    v.as_deref().map_or(Value::Null, s)
}
pub fn i(v: i64) -> Value {
    Value::Int(v)
}
pub fn oi(v: Option<i64>) -> Value {
    v.map_or(Value::Null, i)
}

pub fn b(v: bool) -> Value {
    Value::Int(i64::from(v))
}

/// What a round trip is for: the Worker counts them (`X-Netid-Queries`) and sends the ones
/// that write to the primary; the test database injects faults into commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Round {
    /// Only reads.
    Read,
    /// A counter or a one-statement decision outside a flow's commit (`Store::hit`, a
    /// session's touch, a ticket's try, a social state's spending).
    Count,
    /// A flow's commit.
    Commit,
}

/// Runs statements. Implemented over D1 in the Worker and over SQLite in the native tests.
#[allow(async_fn_in_trait)]
pub trait Database {
    /// One statement's result as the platform hands it over.
    type Result;
    /// Runs the statements as one transaction (all or nothing) in one round trip, and
    /// answers each one's result, in order. A failed statement fails the whole batch with an
    /// `internal_error` whose detail carries the database's message (the guards' names,
    /// `UNIQUE constraint failed: ...`).
    async fn run(&self, round: Round, stmts: Vec<Statement>) -> StoreResult<Vec<Self::Result>>;
    /// The rows of one result, decoded.
    fn rows<T: DeserializeOwned>(result: &Self::Result) -> StoreResult<Vec<T>>;
    /// Called before a commit is sent (the Worker's GET /me cache forgets what it may change).
    fn committing(&self, _changes: &[Change]) {}
    /// Called once a commit landed or failed (the Worker hands its messages to the queue).
    fn committed(&self, _changes: &[Change], _ok: bool) {}
}

/// [`Store`] over a [`Database`].
pub struct SqlStore<D> {
    pub db: D,
    /// What this request read ahead (`read_ahead`), until it commits.
    ahead: RefCell<ReadAhead>,
}

impl<D> std::ops::Deref for SqlStore<D> {
    type Target = D;
    fn deref(&self) -> &D {
        &self.db
    }
}

impl<D> std::ops::DerefMut for SqlStore<D> {
    fn deref_mut(&mut self) -> &mut D {
        &mut self.db
    }
}

impl<D: Database> SqlStore<D> {
    pub fn new(db: D) -> Self {
        SqlStore { db, ahead: RefCell::new(ReadAhead::default()) }
    }

    /// Runs statements as one batch.
    pub async fn batch(&self, round: Round, stmts: Vec<Statement>) -> StoreResult<Vec<D::Result>> {
        if stmts.is_empty() {
            return Ok(Vec::new());
        }
        let n = stmts.len();
        let results = self.db.run(round, stmts).await?;
        if results.len() != n {
            return Err(Error::internal("batch answered too few results"));
        }
        Ok(results)
    }

    /// The rows one statement answers (a read, or a write with RETURNING).
    pub async fn all<T: DeserializeOwned>(&self, sql: &str, args: &[Value]) -> StoreResult<Vec<T>> {
        let st = stmt(sql, args)?;
        let round = if st.reads() { Round::Read } else { Round::Count };
        let results = self.batch(round, vec![st]).await?;
        match results.first() {
            Some(r) => D::rows::<T>(r),
            None => Ok(Vec::new()),
        }
    }

    /// The first row one statement answers.
    pub async fn first<T: DeserializeOwned>(&self, sql: &str, args: &[Value]) -> StoreResult<Option<T>> {
        Ok(self.all::<T>(sql, args).await?.into_iter().next())
    }
}

impl<D: Database> Store for SqlStore<D> {
    async fn profile(&self, id: &str) -> StoreResult<Option<Profile>> {
        if let Some(hit) = self.ahead.borrow().profile.get(id) {
            return Ok(hit.clone());
        }
        Ok(self
            .first::<ProfileRow>(&format!("SELECT {PROFILE_SELECT} FROM profiles WHERE id = ?1"), &[s(id)])
            .await?
            .map(Into::into))
    }

    async fn profile_by_email(&self, email: &str) -> StoreResult<Option<Profile>> {
        if let Some(hit) = self.ahead.borrow().profile_by_email.get(email) {
            return Ok(hit.clone());
        }
        Ok(self
            .first::<ProfileRow>(&format!("SELECT {PROFILE_SELECT} FROM profiles WHERE email = ?1"), &[s(email)])
            .await?
            .map(Into::into))
    }

    async fn profile_by_phone(&self, phone: &str) -> StoreResult<Option<Profile>> {
        if let Some(hit) = self.ahead.borrow().profile_by_phone.get(phone) {
            return Ok(hit.clone());
        }
        Ok(self
            .first::<ProfileRow>(&format!("SELECT {PROFILE_SELECT} FROM profiles WHERE phone = ?1"), &[s(phone)])
            .await?
            .map(Into::into))
    }

    async fn prefetch(&self, reads: &[Read<'_>]) -> StoreResult<()> {
        self.prefetch_reads(reads).await
    }

    async fn hit_and_prefetch(
        &self,
        keys: &[(String, ThrottlePolicy)],
        now: i64,
        reads: &[Read<'_>],
    ) -> StoreResult<Vec<Option<Throttle>>> {
        self.hit_and_prefetch_reads(keys, now, reads).await
    }

    async fn code(&self, profile_id: &str, purpose: Purpose) -> StoreResult<Option<CodeRecord>> {
        if let Some(hit) = self.ahead.borrow().code.get(&(profile_id.to_string(), purpose)) {
            return Ok(hit.clone());
        }
        let row = self
            .first::<CodeRow>(
                "SELECT profile_id, purpose, target, code_hash, attempts, expires_at, created_at, claim_password_hash, \
                 claim_first_name, claim_last_name, claim_change_required, claim_contested FROM codes WHERE profile_id = ?1 AND purpose = ?2",
                &[s(profile_id), s(purpose.as_str())],
            )
            .await?;
        Ok(row.and_then(CodeRow::into_record))
    }

    async fn session(&self, token_hash: &str) -> StoreResult<Option<Session>> {
        if let Some(hit) = self.ahead.borrow().session.get(token_hash) {
            return Ok(hit.clone());
        }
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
        if let Some(hit) = self.ahead.borrow().social_owner.get(&(provider.to_string(), subject.to_string())) {
            return Ok(hit.clone());
        }
        const OWNER: &str = "(SELECT profile_id FROM social_identities WHERE provider = ?1 AND subject = ?2)";
        let args = [s(provider), s(subject)];
        let results = self
            .batch(
                Round::Read,
                vec![
                    stmt(&format!("SELECT {PROFILE_SELECT} FROM profiles WHERE id = {OWNER}"), &args)?,
                    stmt(&ACCOUNTS_OF.replace("?1", OWNER), &args)?,
                ],
            )
            .await?;
        let [pr, ar] = results.as_slice() else {
            return Err(Error::internal("batch answered too few results"));
        };
        Ok(match D::rows::<ProfileRow>(pr)?.into_iter().next() {
            Some(p) => Some((p.into(), D::rows::<AccountRow>(ar)?.into_iter().map(account_view).collect())),
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

    async fn passkeys_of(&self, profile_id: &str) -> StoreResult<Vec<Passkey>> {
        if let Some(hit) = self.ahead.borrow().passkeys.get(profile_id) {
            return Ok(hit.clone());
        }
        let sql = format!("SELECT {PASSKEY_COLS} FROM passkeys WHERE profile_id = ?1 ORDER BY created_at, id");
        Ok(self.all::<PasskeyRow>(&sql, &[s(profile_id)]).await?.into_iter().map(Into::into).collect())
    }

    async fn remembered_browser(&self, token_hash: &str) -> StoreResult<Option<RememberedBrowser>> {
        let sql = format!("SELECT {BROWSER_COLS} FROM remembered_browsers WHERE token_hash = ?1");
        self.first::<RememberedBrowser>(&sql, &[s(token_hash)]).await
    }

    async fn remembered_browsers_of(&self, profile_id: &str) -> StoreResult<Vec<RememberedBrowser>> {
        if let Some(hit) = self.ahead.borrow().browsers.get(profile_id) {
            return Ok(hit.clone());
        }
        let sql = format!(
            "SELECT {BROWSER_COLS} FROM remembered_browsers WHERE profile_id = ?1 ORDER BY created_at DESC, id DESC"
        );
        self.all::<RememberedBrowser>(&sql, &[s(profile_id)]).await
    }

    async fn passkey_by_credential(&self, credential_id: &str) -> StoreResult<Option<Passkey>> {
        let sql = format!("SELECT {PASSKEY_COLS} FROM passkeys WHERE credential_id = ?1");
        Ok(self.first::<PasskeyRow>(&sql, &[s(credential_id)]).await?.map(Into::into))
    }

    async fn passkey_user(&self, profile_id: &str) -> StoreResult<Option<String>> {
        if let Some(hit) = self.ahead.borrow().passkey_user.get(profile_id) {
            return Ok(hit.clone());
        }
        let sql = "SELECT user_handle FROM passkey_users WHERE profile_id = ?1";
        Ok(self.first::<HandleRow>(sql, &[s(profile_id)]).await?.map(|r| r.user_handle))
    }

    async fn passkey_login_read(
        &self,
        keys: &[(String, ThrottlePolicy)],
        now: i64,
        challenge_hash: &str,
        credential_id: &str,
    ) -> StoreResult<crate::store::PasskeyLoginRead> {
        // The count first, then the challenge spent and the credential read, in one batch.
        let mut stmts = hit_statements(keys, now)?;
        let counted = stmts.len();
        const OWNER: &str = "(SELECT profile_id FROM passkeys WHERE credential_id = ?1)";
        let id = [s(credential_id)];
        stmts.push(stmt(
            &format!("DELETE FROM webauthn_challenges WHERE challenge_hash = ?1 RETURNING {CEREMONY_COLS}"),
            &[s(challenge_hash)],
        )?);
        stmts.push(stmt(&format!("SELECT {PASSKEY_COLS} FROM passkeys WHERE credential_id = ?1"), &id)?);
        stmts.push(stmt(&format!("SELECT {PROFILE_SELECT} FROM profiles WHERE id = {OWNER}"), &id)?);
        stmts.push(stmt(&ACCOUNTS_OF.replace("?1", OWNER), &id)?);
        let results = self.batch(Round::Count, stmts).await?;
        let (hits, rest) = results.split_at(counted.min(results.len()));
        let throttles = hits.iter().map(throttle_of::<D>).collect::<StoreResult<Vec<_>>>()?;
        let [cr, kr, pr, ar] = rest else {
            return Err(Error::internal("batch answered too few results"));
        };
        let ceremony = D::rows::<CeremonyRow>(cr)?
            .into_iter()
            .next()
            .and_then(CeremonyRow::into_ceremony)
            .filter(|c| c.expires_at > now);
        let passkey = D::rows::<PasskeyRow>(kr)?.into_iter().next().map(Into::into);
        let owner = match D::rows::<ProfileRow>(pr)?.into_iter().next() {
            Some(p) => Some((p.into(), D::rows::<AccountRow>(ar)?.into_iter().map(account_view).collect())),
            None => None,
        };
        Ok(crate::store::PasskeyLoginRead { throttles, ceremony, passkey, owner })
    }

    async fn card_factors(&self, account_id: &str) -> StoreResult<Vec<(String, bool)>> {
        if let Some(hit) = self.ahead.borrow().card_factors.get(account_id) {
            return Ok(hit.clone());
        }
        let sql = "SELECT m.id AS card_id, p.two_factor_enabled AS on_ FROM memberships m \
                   JOIN profiles p ON p.id = m.profile_id WHERE m.account_id = ?1";
        Ok(self
            .all::<CardFactorRow>(sql, &[s(account_id)])
            .await?
            .into_iter()
            .map(|r| (r.card_id, r.on_ != 0))
            .collect())
    }

    async fn take_ceremony(&self, challenge_hash: &str, now: i64) -> StoreResult<Option<Ceremony>> {
        // Deleted and answered by one statement: of two answers with one challenge, one gets
        // it. An expired one is deleted too, and answers nothing.
        let sql = format!("DELETE FROM webauthn_challenges WHERE challenge_hash = ?1 RETURNING {CEREMONY_COLS}");
        let rows = self.all::<CeremonyRow>(&sql, &[s(challenge_hash)]).await?;
        Ok(rows.into_iter().next().and_then(CeremonyRow::into_ceremony).filter(|c| c.expires_at > now))
    }

    async fn two_factor(&self, profile_id: &str) -> StoreResult<Option<TwoFactor>> {
        if let Some(hit) = self.ahead.borrow().two_factor.get(profile_id) {
            return Ok(hit.clone());
        }
        let row = self
            .first::<TwoFactorRow>(
                "SELECT profile_id, secret_sealed, enabled, last_step, created_at FROM two_factor WHERE profile_id = ?1",
                &[s(profile_id)],
            )
            .await?;
        Ok(row.map(Into::into))
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
        if let Some(hit) = self.ahead.borrow().sessions_of.get(profile_id) {
            return Ok(hit.clone());
        }
        let sql = format!("SELECT {SESSION_COLS} FROM sessions WHERE profile_id = ?1 ORDER BY created_at DESC, id");
        Ok(self.all::<SessionRow>(&sql, &[s(profile_id)]).await?.into_iter().map(Into::into).collect())
    }

    /// Newest first by time, then by insertion (`rowid`: the audit log is append-only).
    async fn audit_of(&self, account_id: &str, limit: u32, before: Option<&str>) -> StoreResult<Vec<AuditEntry>> {
        if before.is_none() && limit <= ahead::AUDIT_PAGE {
            if let Some(hit) = self.ahead.borrow().audit.get(account_id) {
                return Ok(hit.iter().take(limit as usize).cloned().collect());
            }
        }
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

    async fn operator_audit(&self, limit: u32, before: Option<&str>) -> StoreResult<Vec<AuditEntry>> {
        let actions = crate::flows::operators::ACTIONS.map(|a| format!("'{a}'")).join(", ");
        let rows = match before {
            None => {
                let sql = format!(
                    "SELECT {AUDIT_COLS} FROM audit_log WHERE action IN ({actions}) ORDER BY at DESC, rowid DESC LIMIT ?1"
                );
                self.all::<AuditRow>(&sql, &[i(i64::from(limit))]).await?
            }
            Some(b) => {
                let sql = format!(
                    "SELECT {AUDIT_COLS} FROM audit_log WHERE action IN ({actions}) AND (at, rowid) < \
                     (SELECT at, rowid FROM audit_log WHERE id = ?2) ORDER BY at DESC, rowid DESC LIMIT ?1"
                );
                self.all::<AuditRow>(&sql, &[i(i64::from(limit)), s(b)]).await?
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
        let alive = rows.iter().any(|r| r.token_hash == token_hash);
        // What was read ahead follows the touch (or forgets a session found gone).
        let mut ahead = self.ahead.borrow_mut();
        if let Some(Some(s)) = ahead.session.get_mut(token_hash) {
            s.last_seen_at = s.last_seen_at.max(at);
        }
        if !alive {
            ahead.session.insert(token_hash.to_string(), None);
        }
        Ok(alive)
    }

    async fn hit(&self, keys: &[(String, ThrottlePolicy)], now: i64) -> StoreResult<Vec<Option<Throttle>>> {
        self.batch(Round::Count, hit_statements(keys, now)?).await?.iter().map(throttle_of::<D>).collect()
    }

    /// The counting and the profile's read in one batch: one round trip for a login's reads.
    async fn hit_and_find(
        &self,
        keys: &[(String, ThrottlePolicy)],
        now: i64,
        login: LoginKey<'_>,
    ) -> StoreResult<(Vec<Option<Throttle>>, Option<(Profile, Vec<AccountView>)>)> {
        let mut stmts = hit_statements(keys, now)?;
        let (column, value) = match login {
            LoginKey::Email(e) => ("email", e),
            LoginKey::Phone(p) => ("phone", p),
        };
        let owner = format!("(SELECT id FROM profiles WHERE {column} = ?1)");
        stmts.push(stmt(&format!("SELECT {PROFILE_SELECT} FROM profiles WHERE {column} = ?1"), &[s(value)])?);
        stmts.push(stmt(&ACCOUNTS_OF.replace("?1", &owner), &[s(value)])?);
        let results = self.batch(Round::Count, stmts).await?;
        let (counted, read) = results.split_at(results.len().saturating_sub(2));
        let after = counted.iter().map(throttle_of::<D>).collect::<StoreResult<Vec<_>>>()?;
        let [pr, ar] = read else {
            return Err(Error::internal("batch answered too few results"));
        };
        let found = match D::rows::<ProfileRow>(pr)?.into_iter().next() {
            Some(p) => Some((p.into(), D::rows::<AccountRow>(ar)?.into_iter().map(account_view).collect())),
            None => None,
        };
        Ok((after, found))
    }

    /// The session, its profile and the profile's active accounts in one batch (the profile
    /// is found through the session inside the statements): one round trip for GET /me.
    async fn session_with_me(&self, token_hash: &str) -> StoreResult<Option<SessionWithMe>> {
        const OWNER: &str = "(SELECT profile_id FROM sessions WHERE token_hash = ?1)";
        let results = self
            .batch(
                Round::Read,
                vec![
                    stmt(&format!("SELECT {SESSION_COLS} FROM sessions WHERE token_hash = ?1"), &[s(token_hash)])?,
                    stmt(&format!("SELECT {PROFILE_SELECT} FROM profiles WHERE id = {OWNER}"), &[s(token_hash)])?,
                    stmt(&ACCOUNTS_OF.replace("?1", OWNER), &[s(token_hash)])?,
                ],
            )
            .await?;
        let [sr, pr, ar] = results.as_slice() else {
            return Err(Error::internal("batch answered too few results"));
        };
        let Some(session) = D::rows::<SessionRow>(sr)?.into_iter().next() else {
            return Ok(None);
        };
        let me = match D::rows::<ProfileRow>(pr)?.into_iter().next() {
            Some(p) => Some((p.into(), D::rows::<AccountRow>(ar)?.into_iter().map(account_view).collect())),
            None => None,
        };
        Ok(Some((session.into(), me)))
    }

    async fn refresh_token(&self, token_hash: &str) -> StoreResult<Option<RefreshToken>> {
        if let Some(hit) = self.ahead.borrow().refresh_token.get(token_hash) {
            return Ok(hit.clone());
        }
        let row = self
            .first::<RefreshRow>(
                &format!("SELECT {REFRESH_COLS} FROM refresh_tokens WHERE token_hash = ?1"),
                &[s(token_hash)],
            )
            .await?;
        Ok(row.map(Into::into))
    }

    async fn throttle(&self, key: &str) -> StoreResult<Option<Throttle>> {
        let row = self
            .first::<ThrottleRow>(
                "SELECT key, failures, window_start, blocked_until FROM throttles WHERE key = ?1",
                &[s(key)],
            )
            .await?;
        Ok(row.map(Into::into))
    }

    async fn accounts_of(&self, profile_id: &str) -> StoreResult<Vec<AccountView>> {
        if let Some(hit) = self.ahead.borrow().accounts_of.get(profile_id) {
            return Ok(hit.clone());
        }
        let rows = self.all::<AccountRow>(ACCOUNTS_OF, &[s(profile_id)]).await?;
        Ok(rows.into_iter().map(account_view).collect())
    }

    /// Both reads in one D1 batch: one round trip.
    async fn profile_with_accounts(&self, id: &str) -> StoreResult<Option<(Profile, Vec<AccountView>)>> {
        {
            let ahead = self.ahead.borrow();
            if let (Some(p), Some(a)) = (ahead.profile.get(id), ahead.accounts_of.get(id)) {
                return Ok(p.clone().map(|p| (p, a.clone())));
            }
        }
        let results = self
            .batch(
                Round::Read,
                vec![
                    stmt(&format!("SELECT {PROFILE_SELECT} FROM profiles WHERE id = ?1"), &[s(id)])?,
                    stmt(ACCOUNTS_OF, &[s(id)])?,
                ],
            )
            .await?;
        let (Some(p), Some(a)) = (results.first(), results.get(1)) else {
            return Err(Error::internal("batch answered too few results"));
        };
        let Some(profile) = D::rows::<ProfileRow>(p)?.into_iter().next() else {
            return Ok(None);
        };
        let accounts = D::rows::<AccountRow>(a)?.into_iter().map(account_view).collect();
        Ok(Some((profile.into(), accounts)))
    }

    async fn linked_account_count(&self, profile_id: &str) -> StoreResult<u32> {
        if let Some(hit) = self.ahead.borrow().links.get(profile_id) {
            return Ok(*hit);
        }
        let row = self
            .first::<CountRow>(
                "SELECT COUNT(*) AS n FROM memberships WHERE profile_id = ?1 AND status != 'dismissed'",
                &[s(profile_id)],
            )
            .await?;
        Ok(row.map_or(0, |r| r.n.max(0) as u32))
    }

    async fn commit(&self, changes: Vec<Change>) -> StoreResult<()> {
        // What was read ahead described the rows before this commit.
        self.forget_read_ahead();
        let stmts = commit_statements(&changes)?;
        self.db.committing(&changes);
        let outcome = match self.batch(Round::Commit, stmts).await {
            Ok(_) => Ok(()),
            Err(e) => Err(commit_error(e, &changes)),
        };
        self.db.committed(&changes, outcome.is_ok());
        outcome
    }

    async fn account(&self, id: &str) -> StoreResult<Option<Account>> {
        if let Some(hit) = self.ahead.borrow().account.get(id) {
            return Ok(hit.clone());
        }
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
        {
            let ahead = self.ahead.borrow();
            if let Some(hit) = ahead.membership_of.get(&(account_id.to_string(), profile_id.to_string())) {
                return Ok(hit.clone());
            }
            if let Some(hit) = ahead.card(account_id, |m| m.profile_id.as_deref() == Some(profile_id)) {
                return Ok(hit);
            }
        }
        let sql = format!("{MEMBERSHIP_SELECT} WHERE m.account_id = ?1 AND m.profile_id = ?2");
        Ok(self.first::<MembershipRow>(&sql, &[s(account_id), s(profile_id)]).await?.map(Into::into))
    }

    async fn membership(&self, account_id: &str, id: &str) -> StoreResult<Option<Membership>> {
        {
            let ahead = self.ahead.borrow();
            if let Some(hit) = ahead.membership.get(&(account_id.to_string(), id.to_string())) {
                return Ok(hit.clone());
            }
            if let Some(hit) = ahead.card(account_id, |m| m.id == id) {
                return Ok(hit);
            }
        }
        let sql = format!("{MEMBERSHIP_SELECT} WHERE m.account_id = ?1 AND m.id = ?2");
        Ok(self.first::<MembershipRow>(&sql, &[s(account_id), s(id)]).await?.map(Into::into))
    }

    async fn memberships(&self, account_id: &str) -> StoreResult<Vec<Membership>> {
        if let Some(hit) = self.ahead.borrow().memberships.get(account_id) {
            return Ok(hit.clone());
        }
        let sql = format!("{MEMBERSHIP_SELECT} WHERE m.account_id = ?1 ORDER BY m.created_at, m.id");
        Ok(self.all::<MembershipRow>(&sql, &[s(account_id)]).await?.into_iter().map(Into::into).collect())
    }

    async fn departments(&self, account_id: &str) -> StoreResult<Vec<Department>> {
        if let Some(hit) = self.ahead.borrow().departments.get(account_id) {
            return Ok(hit.clone());
        }
        let rows = self
            .all::<DepartmentRow>(
                "SELECT id, account_id, name, parent_id, created_at FROM departments WHERE account_id = ?1 ORDER BY created_at, id",
                &[s(account_id)],
            )
            .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn groups(&self, account_id: &str) -> StoreResult<Vec<Group>> {
        if let Some(hit) = self.ahead.borrow().groups.get(account_id) {
            return Ok(hit.clone());
        }
        let rows = self
            .all::<GroupRow>(
                "SELECT id, account_id, name, extranet, created_at FROM groups WHERE account_id = ?1 ORDER BY created_at, id",
                &[s(account_id)],
            )
            .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn invitations(&self, account_id: &str) -> StoreResult<Vec<Invitation>> {
        if let Some(hit) = self.ahead.borrow().invitations.get(account_id) {
            return Ok(hit.clone());
        }
        let sql =
            format!("SELECT {INVITATION_COLS} FROM invitations WHERE account_id = ?1 ORDER BY created_at DESC, id");
        Ok(self.all::<InvitationRow>(&sql, &[s(account_id)]).await?.into_iter().map(Into::into).collect())
    }

    async fn invitation_by_token(&self, token_hash: &str) -> StoreResult<Option<Invitation>> {
        if let Some(hit) = self.ahead.borrow().invitation_by_token.get(token_hash) {
            return Ok(hit.clone());
        }
        let sql = format!("SELECT {INVITATION_COLS} FROM invitations WHERE token_hash = ?1");
        Ok(self.first::<InvitationRow>(&sql, &[s(token_hash)]).await?.map(Into::into))
    }

    async fn apps(&self, account_id: &str) -> StoreResult<Vec<App>> {
        if let Some(hit) = self.ahead.borrow().apps.get(account_id) {
            return Ok(hit.clone());
        }
        let sql = format!("SELECT {APP_COLS} FROM apps WHERE account_id = ?1 ORDER BY created_at, rowid");
        Ok(self.all::<AppRow>(&sql, &[s(account_id)]).await?.into_iter().map(Into::into).collect())
    }

    async fn app(&self, client_id: &str) -> StoreResult<Option<App>> {
        let sql = format!("SELECT {APP_COLS} FROM apps WHERE client_id = ?1");
        Ok(self.first::<AppRow>(&sql, &[s(client_id)]).await?.map(Into::into))
    }

    async fn all_apps(&self, account_id: Option<&str>, limit: u32) -> StoreResult<Vec<App>> {
        let sql = format!(
            "SELECT {APP_COLS} FROM apps WHERE (?1 IS NULL OR account_id = ?1) \
             ORDER BY created_at DESC, rowid DESC LIMIT ?2"
        );
        let args = [account_id.map_or(Value::Null, s), i(i64::from(limit))];
        Ok(self.all::<AppRow>(&sql, &args).await?.into_iter().map(Into::into).collect())
    }

    async fn grant_context(&self, key: Grantable<'_>) -> StoreResult<GrantContext> {
        // Each read names its row through the key inside the statement, so the five reads are
        // one batch whatever the key is. Each statement binds exactly the values it uses.
        let mut stmts = Vec::new();
        let first = match key {
            Grantable::Request { session_hash, client_id } => {
                let sh = [session_hash.map_or(Value::Null, s)];
                let app = [s(client_id)];
                let account = "(SELECT account_id FROM apps WHERE client_id = ?1)";
                let profile = "(SELECT profile_id FROM sessions WHERE token_hash = ?2)";
                stmts.push(stmt(&format!("SELECT {SESSION_COLS} FROM sessions WHERE token_hash = ?1"), &sh)?);
                stmts.push(stmt(&format!("SELECT {APP_COLS} FROM apps WHERE client_id = ?1"), &app)?);
                stmts.push(stmt(&format!("SELECT {ACCOUNT_COLS} FROM accounts WHERE id = {account}"), &app)?);
                stmts.push(stmt(
                    &format!("{MEMBERSHIP_SELECT} WHERE m.account_id = {account} AND m.profile_id = {profile}"),
                    &[s(client_id), sh[0].clone()],
                )?);
                let profile = "(SELECT profile_id FROM sessions WHERE token_hash = ?1)";
                stmts.push(stmt(&format!("SELECT {PROFILE_SELECT} FROM profiles WHERE id = {profile}"), &sh)?);
                false
            }
            Grantable::Code(h) | Grantable::Token(h) | Grantable::Family(h) => {
                let (head, table, by) = match key {
                    Grantable::Code(_) => (
                        format!("SELECT {AUTH_CODE_COLS} FROM oauth_codes WHERE code_hash = ?1"),
                        "oauth_codes",
                        "code_hash = ?1",
                    ),
                    Grantable::Token(_) => (
                        format!("SELECT {OAUTH_TOKEN_COLS} FROM oauth_tokens WHERE token_hash = ?1"),
                        "oauth_tokens",
                        "token_hash = ?1",
                    ),
                    _ => (
                        format!(
                            "SELECT {OAUTH_TOKEN_COLS} FROM oauth_tokens WHERE family_id = ?1 \
                             ORDER BY created_at DESC, rowid DESC LIMIT 1"
                        ),
                        "oauth_tokens",
                        "family_id = ?1",
                    ),
                };
                let of = |col: &str| format!("(SELECT {col} FROM {table} WHERE {by} LIMIT 1)");
                let a = [s(h)];
                stmts.push(stmt(&head, &a)?);
                stmts.push(stmt(
                    &format!("SELECT {SESSION_COLS} FROM sessions WHERE token_hash = {}", of("session_hash")),
                    &a,
                )?);
                stmts.push(stmt(&format!("SELECT {APP_COLS} FROM apps WHERE client_id = {}", of("client_id")), &a)?);
                stmts.push(stmt(&format!("SELECT {ACCOUNT_COLS} FROM accounts WHERE id = {}", of("account_id")), &a)?);
                stmts.push(stmt(
                    &format!(
                        "{MEMBERSHIP_SELECT} WHERE m.account_id = {} AND m.profile_id = {}",
                        of("account_id"),
                        of("profile_id")
                    ),
                    &a,
                )?);
                stmts
                    .push(stmt(&format!("SELECT {PROFILE_SELECT} FROM profiles WHERE id = {}", of("profile_id")), &a)?);
                true
            }
        };
        let results = self.batch(Round::Read, stmts).await?;
        let (head, rest) = results.split_at(usize::from(first));
        let [sr, apr, acr, mr, pr] = rest else {
            return Err(Error::internal("batch answered too few results"));
        };
        let mut out = GrantContext {
            session: D::rows::<SessionRow>(sr)?.into_iter().next().map(Into::into),
            app: D::rows::<AppRow>(apr)?.into_iter().next().map(Into::into),
            account: D::rows::<AccountRecordRow>(acr)?.into_iter().next().map(Into::into),
            card: D::rows::<MembershipRow>(mr)?.into_iter().next().map(Into::into),
            profile: D::rows::<ProfileRow>(pr)?.into_iter().next().map(Into::into),
            ..GrantContext::default()
        };
        if let Some(r) = head.first() {
            match key {
                Grantable::Code(_) => out.code = D::rows::<AuthCode>(r)?.into_iter().next(),
                _ => out.token = D::rows::<OauthToken>(r)?.into_iter().next(),
            }
        }
        Ok(out)
    }

    async fn signing_keys(&self) -> StoreResult<Vec<SigningKey>> {
        let sql = format!("SELECT {SIGNING_KEY_COLS} FROM signing_keys ORDER BY signs_from DESC, created_at DESC, kid");
        self.all::<SigningKey>(&sql, &[]).await
    }

    async fn auth_code(&self, code_hash: &str) -> StoreResult<Option<AuthCode>> {
        let sql = format!("SELECT {AUTH_CODE_COLS} FROM oauth_codes WHERE code_hash = ?1");
        self.first::<AuthCode>(&sql, &[s(code_hash)]).await
    }

    async fn oauth_token(&self, token_hash: &str) -> StoreResult<Option<OauthToken>> {
        let sql = format!("SELECT {OAUTH_TOKEN_COLS} FROM oauth_tokens WHERE token_hash = ?1");
        self.first::<OauthToken>(&sql, &[s(token_hash)]).await
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
