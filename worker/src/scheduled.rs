//! The daily cron: purges expired codes, sessions, refresh tokens and stale throttles.
//! (Idle free account deletion comes with accounts.) Idempotent: each statement deletes
//! what is expired at the service clock's now, so a second run finds nothing.

use crate::ctx::Ctx;
use crate::store::i;
use netid_core::Error;

pub async fn run(ctx: &Ctx) -> Result<(), Error> {
    let now = ctx.now;
    let idle = ctx.config.idle_timeout;
    let store = &ctx.store;
    let stmts = vec![
        store.stmt("DELETE FROM codes WHERE expires_at <= ?1", &[i(now)])?,
        store.stmt(
            "DELETE FROM sessions WHERE last_seen_at + ?2 <= ?1 OR absolute_expires_at <= ?1",
            &[i(now), i(idle)],
        )?,
        store.stmt("DELETE FROM refresh_tokens WHERE expires_at <= ?1", &[i(now)])?,
        store.stmt("DELETE FROM throttles WHERE blocked_until <= ?1 AND window_start + 86400 <= ?1", &[i(now)])?,
    ];
    store.batch(stmts).await
}
