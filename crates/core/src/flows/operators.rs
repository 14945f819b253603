//! The operator (support) role. Operators are people: a netid profile whose confirmed email or
//! phone is on the deploy-time list (`Config::operators`, the Worker's `OPERATORS` var), using
//! an ordinary session that was signed in with a second factor (an authenticator code or a
//! passkey). Nothing in the API grants the role, and no shared secret opens it. Every operator
//! action is audited with the operator's profile as its actor.

use super::{not_found, Env};
use crate::error::{Code, Error, Result};
use crate::model::{Account, Plan, Session};
use crate::store::{Change, Guard, Store};
use crate::validate::Login;

/// Every audit action an operator's request writes: the operator log (`GET /operator/audit`).
pub const ACTIONS: [&str; 6] = [
    "operator.plan",
    "operator.renames",
    "operator.signing_key",
    "operator.outbox_retry",
    "app.disabled",
    "app.enabled",
];

/// A person acting as operator, as [`authorize`] found them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    pub profile_id: String,
    /// The listed login that made them one.
    pub login: String,
}

/// Parses the deploy-time list: logins separated by commas, semicolons or new lines (a phone
/// number may be written with spaces).
/// Answers the normalized logins and the entries that are no login (the Worker logs them;
/// they grant nothing).
pub fn parse_list(raw: &str) -> (Vec<String>, Vec<String>) {
    let mut logins = Vec::new();
    let mut rejected = Vec::new();
    for entry in raw.split([',', ';', '\n']).map(str::trim).filter(|e| !e.is_empty()) {
        match Login::parse(entry, None) {
            Ok(l) => {
                let l = l.as_str().to_string();
                if !logins.contains(&l) {
                    logins.push(l);
                }
            }
            Err(_) => rejected.push(entry.to_string()),
        }
    }
    (logins, rejected)
}

/// Whether a session's `amr` includes a second factor: a code (`otp`) or a passkey (`hwk`).
fn second_factor(amr: &str) -> bool {
    amr.split(' ').any(|a| a == "otp" || a == "hwk")
}

/// The caller as an operator: their profile's confirmed email or phone is on the list (else
/// 403 `forbidden`, also when the list is empty), and their session was signed in with a
/// second factor (else 403 `operator_second_factor_required`). An unconfirmed address (a
/// social sign-up's claim, a pending change) never counts.
pub async fn authorize<S: Store>(env: &Env<'_, S>, session: &Session) -> Result<Operator> {
    if env.config.operators.is_empty() {
        return Err(Error::new(Code::Forbidden));
    }
    let profile = env.store.profile(&session.profile_id).await?.ok_or_else(|| Error::new(Code::Unauthenticated))?;
    let confirmed = [
        profile.email.as_deref().filter(|_| profile.email_confirmed),
        profile.phone.as_deref().filter(|_| profile.phone_confirmed),
    ];
    let login = confirmed
        .into_iter()
        .flatten()
        .find(|l| env.config.operators.iter().any(|o| o == l))
        .ok_or_else(|| Error::new(Code::Forbidden))?;
    if !second_factor(&session.amr) {
        return Err(Error::new(Code::OperatorSecondFactorRequired));
    }
    Ok(Operator { profile_id: profile.id.clone(), login: login.to_string() })
}

/// The operator log, newest first: `limit` 1..=100 (50 by default), before the event `before`.
pub async fn log<S: Store>(
    env: &Env<'_, S>,
    _op: &Operator,
    limit: Option<&str>,
    before: Option<&str>,
) -> Result<Vec<crate::flows::accounts::AuditView>> {
    let limit = super::accounts::audit_page(limit, before)?;
    Ok(env.store.operator_audit(limit, before).await?.into_iter().map(crate::flows::accounts::AuditView::of).collect())
}

/// Operator: changes the plan.
pub async fn set_plan<S: Store>(env: &mut Env<'_, S>, op: &Operator, account_id: &str, plan: &str) -> Result<Account> {
    let plan = Plan::parse(plan).ok_or_else(|| Error::field(Code::InvalidRequest, "plan"))?;
    let mut account = env.store.account(account_id).await?.ok_or_else(not_found)?;
    let old = account.plan;
    account.plan = plan;
    let audit = env.operator_audit(
        op,
        Some(account_id),
        "operator.plan",
        account_id,
        &format!("{} -> {}", old.as_str(), plan.as_str()),
    );
    env.commit(vec![Change::SetPlan { account_id: account_id.to_string(), plan }, audit]).await?;
    Ok(account)
}

/// Operator: grants extra renames; paid plans only.
pub async fn grant_renames<S: Store>(
    env: &mut Env<'_, S>,
    op: &Operator,
    account_id: &str,
    grant: i64,
) -> Result<Account> {
    if !(1..=100).contains(&grant) {
        return Err(Error::field(Code::InvalidRequest, "grant"));
    }
    let account = env.store.account(account_id).await?.ok_or_else(not_found)?;
    if !account.plan.is_paid() {
        return Err(Error::new(Code::PlanRequired));
    }
    let audit = env.operator_audit(op, Some(account_id), "operator.renames", account_id, &format!("+{grant}"));
    env.commit(vec![
        Change::Guard(Guard::PaidPlan { account_id: account_id.to_string() }),
        Change::GrantRenames { account_id: account_id.to_string(), n: grant as u32 },
        audit,
    ])
    .await?;
    // The account as the grant left it, without a read after the commit.
    let mut account = account;
    account.renames_left = account.renames_left.saturating_add(grant as u32);
    Ok(account)
}

impl<S: Store> Env<'_, S> {
    /// An audit row of an operator action: the operator's profile is its actor, their login is
    /// in the detail; `account` puts it in that account's log too.
    pub fn operator_audit(
        &mut self,
        op: &Operator,
        account: Option<&str>,
        action: &str,
        target: &str,
        detail: &str,
    ) -> Change {
        let detail = if detail.is_empty() { format!("by {}", op.login) } else { format!("{detail} (by {})", op.login) };
        match account {
            Some(a) => self.account_audit(a, Some(&op.profile_id), action, target, &detail),
            None => self.audit(Some(&op.profile_id), action, target, &detail),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_normalized_and_rejects_what_is_no_login() {
        let (logins, rejected) = parse_list(" Ops@Example.com, +33 6 12 34 56 78;ops@example.com\n nope@ ");
        assert_eq!(logins, vec!["ops@example.com".to_string(), "+33612345678".to_string()]);
        assert_eq!(rejected, vec!["nope@".to_string()]);
        assert_eq!(parse_list(""), (vec![], vec![]));
    }

    #[test]
    fn a_second_factor_is_a_code_or_a_passkey() {
        for (amr, yes) in
            [("pwd otp", true), ("hwk user", true), ("fed hwk", true), ("pwd", false), ("fed", false), ("", false)]
        {
            assert_eq!(second_factor(amr), yes, "{amr}");
        }
    }
}
