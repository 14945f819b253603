//! Failure counters in storage (never only in KV): fixed window, then a block.

use super::Env;
use crate::config::ThrottlePolicy;
use crate::error::{Error, Result};
use crate::model::Throttle;
use crate::store::{Change, Store};

/// Refuses with `too_many_attempts` (and Retry-After) while `key` is blocked.
pub(crate) async fn check<S: Store>(env: &Env<'_, S>, key: &str) -> Result<()> {
    if let Some(t) = env.store.throttle(key).await? {
        if t.blocked_until > env.now {
            return Err(Error::throttled((t.blocked_until - env.now) as u64));
        }
    }
    Ok(())
}

/// The same for several keys, read together; the longest wait wins.
pub(crate) async fn check_all<S: Store>(env: &Env<'_, S>, keys: &[String]) -> Result<()> {
    let wait = env.store.throttles(keys).await?.iter().map(|t| t.blocked_until - env.now).max().unwrap_or(0);
    if wait > 0 {
        return Err(Error::throttled(wait as u64));
    }
    Ok(())
}

/// Counts one failure for `key`; the change to commit.
pub(crate) async fn fail<S: Store>(env: &Env<'_, S>, key: &str, policy: ThrottlePolicy) -> Result<Change> {
    let now = env.now;
    let mut t = env.store.throttle(key).await?.unwrap_or(Throttle {
        key: key.to_string(),
        failures: 0,
        window_start: now,
        blocked_until: 0,
    });
    if now - t.window_start >= policy.window_seconds || t.blocked_until > 0 && t.blocked_until <= now {
        t.failures = 0;
        t.window_start = now;
        t.blocked_until = 0;
    }
    t.failures += 1;
    if t.failures >= policy.max_failures {
        t.blocked_until = now + policy.block_seconds;
    }
    Ok(Change::PutThrottle(t))
}
