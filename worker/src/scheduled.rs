//! The cron: core's cleanup (inactive free accounts, warnings, expired rows) run in rounds
//! until the work is done or the invocation's D1 query budget is nearly spent; what is left
//! is taken by the next run (the cleanup is idempotent and picks the oldest work first).

use crate::ctx::Ctx;
use netid_core::flows::cleanup::{run_cleanup, CleanupReport};
use netid_core::Error;

/// The schedule that runs only the delivery sweep (wrangler.toml `[triggers]`).
pub const SWEEP_CRON: &str = "* * * * *";

/// D1 allows 1,000 queries per invocation (Paid); stop well before.
const QUERY_BUDGET: u32 = 800;
/// Accounts per round, deleted together: 7 statements with 90-id IN lists, one evicting
/// read and 6 multi-row audit inserts, about 15 queries for 90 accounts.
const ROUND: u32 = 90;
/// At most this many accounts per invocation, to bound its wall time.
const MAX_PER_RUN: u32 = 2_700;

pub async fn run(ctx: &mut Ctx) -> Result<CleanupReport, Error> {
    let mut total = CleanupReport::default();
    let mut first = true;
    loop {
        let r = run_cleanup(&mut ctx.env(), ROUND, ROUND as usize, first).await?;
        first = false;
        total.deleted += r.deleted;
        total.warned += r.warned;
        total.more = r.more;
        let handled = total.deleted + total.warned;
        if !r.more || ctx.store.d1_queries.get() + 40 > QUERY_BUDGET || handled + ROUND > MAX_PER_RUN {
            break;
        }
    }
    worker::console_log!(
        "cleanup: deleted {} warned {} more {} queries {}",
        total.deleted,
        total.warned,
        total.more,
        ctx.store.d1_queries.get()
    );
    Ok(total)
}
