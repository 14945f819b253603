//! The statements of a commit (one batch: audit rows grouped at its end), the errors a failed
//! commit answers (a guard's, a send limit's, a login taken meanwhile), and the atomic
//! counters of `Store::hit`.

use super::*;

/// A counter as `Store::hit` answers it (no row: not counted).
pub fn throttle_of<D: Database>(r: &D::Result) -> StoreResult<Option<Throttle>> {
    Ok(D::rows::<ThrottleRow>(r)?.into_iter().next().map(Into::into))
}

/// A commit's statements, in order, as one batch (a transaction).
pub fn commit_statements(changes: &[Change]) -> StoreResult<Vec<Statement>> {
    let mut stmts = Vec::new();
    let mut audits = Vec::new();
    for c in changes {
        match c {
            // Audit rows go together, as multi-row INSERTs at the end of the batch.
            Change::Audit(a) => audits.push(a),
            other => stmts.extend(statements(other)?),
        }
    }
    for chunk in audits.chunks(AUDIT_ROWS) {
        const N: usize = 7;
        let marks = (0..chunk.len())
            .map(|k| format!("({})", (1..=N).map(|c| format!("?{}", N * k + c)).collect::<Vec<_>>().join(",")))
            .collect::<Vec<_>>()
            .join(",");
        let args: Vec<Value> = chunk
            .iter()
            .flat_map(|a| {
                [s(&a.id), os(&a.account_id), i(a.at), os(&a.actor), s(&a.action), s(&a.target), s(&a.detail)]
            })
            .collect();
        stmts.push(stmt(&format!("INSERT INTO audit_log ({AUDIT_COLS}) VALUES {marks}"), &args)?);
    }
    Ok(stmts)
}

/// What a failed commit answers: the error of the guard that did not hold, a send limit
/// reached, a login or identity taken meanwhile (the UNIQUE index decided), or the storage
/// failure itself (`internal_error`).
pub fn commit_error(e: Error, changes: &[Change]) -> Error {
    let detail = e.detail.as_deref().unwrap_or("");
    if detail.contains("netid_send_limit") {
        return Error::new(Code::SendLimitReached);
    }
    if detail.contains("netid_guard") || detail.contains("CHECK constraint failed") {
        let guards: Vec<&Guard> = changes
            .iter()
            .filter_map(|c| match c {
                Change::Guard(g) => Some(g),
                _ => None,
            })
            .collect();
        return failed_guard(detail, &guards).map_or(e, |g| g.error());
    }
    taken(detail).unwrap_or(e)
}

/// A login taken between a flow's read and its commit (two signups for one new address at
/// once): the UNIQUE index decided, and the loser hears what the address's state is, not 500.
fn taken(detail: &str) -> Option<Error> {
    if !detail.contains("UNIQUE constraint failed") {
        return None;
    }
    if detail.contains("profiles.email") {
        Some(Error::field(Code::EmailTaken, "email"))
    } else if detail.contains("profiles.phone") {
        Some(Error::field(Code::PhoneTaken, "phone"))
    } else if detail.contains("social_identities") {
        Some(Error::new(Code::SocialAlreadyLinked))
    } else if detail.contains("accounts.address") {
        // Another account holds the address: the flow tries the next candidate.
        Some(Error::field(Code::NameTaken, "address"))
    } else if detail.contains("memberships.account_id, memberships.profile_id") {
        // One person, two cards in one account (an email and a phone invitation accepted at
        // once): the index decided, the second acceptance finds the person a member.
        Some(Error::new(Code::AlreadyMember))
    } else {
        None
    }
}

/// The statements of `Store::hit`, to run alone or at the head of a batch.
pub fn hit_statements(keys: &[(String, ThrottlePolicy)], now: i64) -> StoreResult<Vec<Statement>> {
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
            stmts.push(stmt(&first, &args)?);
        } else {
            args.extend([s(&keys[0].0), i(i64::from(keys[0].1.max_failures))]);
            stmts.push(stmt(&rest, &args)?);
        }
    }
    Ok(stmts)
}

/// The guard of `guards` that did not hold: the one whose name its trigger raised (migration
/// 0009), else the first (a database without the triggers says only that a CHECK failed).
fn failed_guard<'a>(detail: &str, guards: &[&'a Guard]) -> Option<&'a Guard> {
    guards
        .iter()
        .copied()
        .find(|g| detail.contains(&format!("netid_guard:{}", guard_parts(g).0)))
        .or_else(|| guards.first().copied())
}
