//! D1 (system of record) + KV (session cache) implementation of core's `Store`.
//!
//! Every `commit` is one D1 `batch()`: a transaction. The session cache is read-through
//! (KV first, then D1) and written on every session write; deletions evict the cached
//! copies after the batch commits, so a revoked session is refused at once in this
//! location (other locations see KV's eventual consistency, up to about 60 s).

use netid_core::model::*;
use netid_core::store::{Change, Store, StoreResult};
use netid_core::Error;
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

mod changes;
mod rows;
#[cfg(test)]
mod tests;

use rows::*;

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
