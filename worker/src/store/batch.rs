//! The statements of the D1 store's writes: a commit as one batch (audit rows grouped at its
//! end, guards mapped to their errors), and the atomic counters of `Store::hit`.

use super::*;

/// A counter as `Store::hit` answers it (no row: not counted).
pub(super) fn throttle_of(r: &worker::D1Result) -> StoreResult<Option<Throttle>> {
    let row = r.results::<ThrottleRow>().map_err(err)?.into_iter().next();
    Ok(row.map(|row| Throttle {
        key: row.key,
        failures: row.failures.clamp(0, i64::from(u32::MAX)) as u32,
        window_start: row.window_start,
        blocked_until: row.blocked_until,
    }))
}

impl D1Store {
    /// A commit's statements as one batch: a transaction.
    pub(super) async fn send(&self, changes: &[Change]) -> StoreResult<()> {
        let mut stmts = Vec::new();
        let mut audits = Vec::new();
        let guards: Vec<Guard> = changes
            .iter()
            .filter_map(|c| match c {
                Change::Guard(g) => Some(g.clone()),
                _ => None,
            })
            .collect();
        for c in changes {
            match c {
                // Audit rows go together, as multi-row INSERTs at the end of the batch.
                Change::Audit(a) => audits.push(a),
                other => stmts.extend(self.statements(other)?),
            }
        }
        for chunk in audits.chunks(AUDIT_ROWS) {
            const N: usize = 7;
            let marks = (0..chunk.len())
                .map(|k| format!("({})", (1..=N).map(|c| format!("?{}", N * k + c)).collect::<Vec<_>>().join(",")))
                .collect::<Vec<_>>()
                .join(",");
            let args: Vec<JsValue> = chunk
                .iter()
                .flat_map(|a| {
                    [s(&a.id), os(&a.account_id), i(a.at), os(&a.actor), s(&a.action), s(&a.target), s(&a.detail)]
                })
                .collect();
            stmts.push(self.stmt(&format!("INSERT INTO audit_log ({AUDIT_COLS}) VALUES {marks}"), &args)?);
        }
        let sent: Vec<(String, Channel)> = changes
            .iter()
            .filter_map(|c| match c {
                Change::Outbox(m) => Some((m.id.clone(), m.channel)),
                _ => None,
            })
            .collect();
        match self.batch(stmts).await {
            Ok(()) => {
                // Handed to the delivery queue once the request is answered (lib.rs).
                self.committed_messages.borrow_mut().extend(sent);
                Ok(())
            }
            Err(e) if e.detail.as_deref().is_some_and(|d| d.contains("netid_send_limit")) => {
                Err(Error::new(netid_core::Code::SendLimitReached))
            }
            Err(e) if is_guard_failure(&e) => Err(failed_guard(&e, &guards).map_or(e, Guard::error)),
            Err(e) => Err(taken_login(&e).unwrap_or(e)),
        }
    }

    /// The statements of `Store::hit`, to run alone or at the head of a batch.
    pub(super) fn hit_statements(
        &self,
        keys: &[(String, ThrottlePolicy)],
        now: i64,
    ) -> StoreResult<Vec<D1PreparedStatement>> {
        // One upsert per key, each incrementing in the statement and answering the counter
        // after it (RETURNING); all keys in one batch, one round trip. The rule is
        // `Throttle::after_hit`, written as SQL (old values on the right of every SET).
        // The first key counts unconditionally; the others only when the first allowed the
        // attempt, decided by a WHERE on the first key's row as it is after its statement.
        const UPSERT: &str = "ON CONFLICT(key) DO UPDATE SET \
               failures = CASE WHEN blocked_until > ?2 THEN ?3 + 1 \
                               WHEN blocked_until = 0 AND ?2 - window_start < ?4 THEN failures + 1 \
                               ELSE 1 END, \
               blocked_until = CASE WHEN blocked_until > ?2 THEN blocked_until \
                               WHEN blocked_until = 0 AND ?2 - window_start < ?4 \
                                 THEN CASE WHEN failures + 1 >= ?3 THEN ?2 + ?5 ELSE 0 END \
                               ELSE CASE WHEN 1 >= ?3 THEN ?2 + ?5 ELSE 0 END END, \
               window_start = CASE WHEN blocked_until > ?2 THEN window_start \
                               WHEN blocked_until = 0 AND ?2 - window_start < ?4 THEN window_start \
                               ELSE ?2 END \
             RETURNING key, failures, window_start, blocked_until";
        let first = format!(
            "INSERT INTO throttles (key, failures, window_start, blocked_until) \
             VALUES (?1, 1, ?2, CASE WHEN 1 >= ?3 THEN ?2 + ?5 ELSE 0 END) {UPSERT}"
        );
        let rest = format!(
            "INSERT INTO throttles (key, failures, window_start, blocked_until) \
             SELECT ?1, 1, ?2, CASE WHEN 1 >= ?3 THEN ?2 + ?5 ELSE 0 END \
             WHERE (SELECT failures FROM throttles WHERE key = ?6) <= ?7 {UPSERT}"
        );
        let mut stmts = Vec::new();
        for (n, (k, p)) in keys.iter().enumerate() {
            let mut args = vec![s(k), i(now), i(i64::from(p.max_failures)), i(p.window_seconds), i(p.block_seconds)];
            if n == 0 {
                stmts.push(self.stmt(&first, &args)?);
            } else {
                args.extend([s(&keys[0].0), i(i64::from(keys[0].1.max_failures))]);
                stmts.push(self.stmt(&rest, &args)?);
            }
        }
        Ok(stmts)
    }
}

/// The guard of `guards` that did not hold: the one whose name its trigger raised (migration
/// 0009), else the first (a database without the triggers says only that a CHECK failed).
fn failed_guard<'a>(e: &Error, guards: &'a [Guard]) -> Option<&'a Guard> {
    let detail = e.detail.as_deref().unwrap_or("");
    guards
        .iter()
        .find(|g| {
            super::changes::guard_parts(g).is_ok_and(|(name, _, _)| detail.contains(&format!("netid_guard:{name}")))
        })
        .or_else(|| guards.first())
}
