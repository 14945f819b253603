//! The scheduled cleanup: free accounts nobody has logged into for more than 50 days are
//! deleted (admins are warned 7 days before); paid accounts never. Expired codes, sessions,
//! refresh tokens and invitations are purged. Idempotent and resumable: each run takes the
//! oldest accounts still needing work, so a cut-short run is finished by the next.

use super::Env;
use crate::error::Result;
use crate::mail::MailKind;
use crate::model::{Account, MemberStatus, Role};
use crate::store::{Change, Store};

const DAY: i64 = 24 * 3600;
/// Free accounts with no login for more than this are deleted.
pub const INACTIVITY_LIMIT: i64 = 50 * DAY;
/// Admins are warned this long before.
pub const WARNING_AHEAD: i64 = 7 * DAY;
/// Expired invitations stay listed (and can be resent) this long before they are purged.
pub const EXPIRED_INVITATION_GRACE: i64 = 30 * DAY;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Keep,
    Warn,
    Delete,
}

/// The rule for one account at `now`.
pub fn decide(now: i64, account: &Account) -> Decision {
    if account.plan.is_paid() {
        return Decision::Keep;
    }
    let idle = now - account.last_activity_at;
    if idle > INACTIVITY_LIMIT {
        Decision::Delete
    } else if idle >= INACTIVITY_LIMIT - WARNING_AHEAD && account.warned_at.is_none_or(|w| w < account.last_activity_at)
    {
        Decision::Warn
    } else {
        Decision::Keep
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CleanupReport {
    pub deleted: u32,
    pub warned: u32,
    /// More accounts need work than this run took: run again.
    pub more: bool,
}

/// Purges expired rows (once per run, `purge`), then handles up to `max_accounts` accounts,
/// committing every `chunk` of them together.
pub async fn run_cleanup<S: Store>(
    env: &mut Env<'_, S>,
    max_accounts: u32,
    chunk: usize,
    purge: bool,
) -> Result<CleanupReport> {
    let now = env.now;
    if purge {
        env.commit(vec![Change::PurgeExpired {
            now,
            idle_timeout: env.config.idle_timeout,
            invitations_before: now - EXPIRED_INVITATION_GRACE,
            code_ttl: env.config.code_ttl,
            link_ttl: env.config.link_ttl,
            outbox_before: now - env.config.outbox_retention,
        }])
        .await?;
    }
    let mut report = CleanupReport::default();
    let warn_before = now - (INACTIVITY_LIMIT - WARNING_AHEAD) + 1;
    let delete_before = now - INACTIVITY_LIMIT;
    let mut candidates = env.store.cleanup_candidates(warn_before, delete_before, max_accounts + 1).await?;
    if candidates.len() > max_accounts as usize {
        report.more = true;
        candidates.truncate(max_accounts as usize);
    }
    for group in candidates.chunks(chunk.max(1)) {
        let mut changes = Vec::new();
        let mut doomed = Vec::new();
        for account in group {
            match decide(now, account) {
                Decision::Delete => {
                    doomed.push(account.id.clone());
                    changes.push(env.audit(None, "account.deleted_inactive", &account.id, &account.name));
                    report.deleted += 1;
                }
                Decision::Warn => {
                    for card in env.store.memberships(&account.id).await? {
                        if card.role != Role::Admin || card.status != MemberStatus::Active {
                            continue;
                        }
                        let Some(to) = card.login_email.clone().or(card.contact_email.clone()) else { continue };
                        let lang = match &card.profile_id {
                            Some(p) => env.store.profile(p).await?.map(|p| p.lang).unwrap_or_default(),
                            None => crate::Lang::En,
                        };
                        let vars = [("account", account.name.as_str())];
                        changes.push(env.outbox(MailKind::InactivityWarning, lang, &to, &vars, Some(&account.id)));
                    }
                    changes.push(Change::MarkWarned { account_id: account.id.clone(), at: now });
                    report.warned += 1;
                }
                Decision::Keep => {}
            }
        }
        if !doomed.is_empty() {
            // The rule is applied again in the statements: an account upgraded or logged into
            // since it was read is not deleted.
            changes.insert(0, Change::DeleteAccounts { ids: doomed, idle_before: delete_before });
        }
        env.commit(changes).await?;
    }
    Ok(report)
}
