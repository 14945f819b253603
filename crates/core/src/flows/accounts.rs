//! Accounts (workspaces): create, list, get, rename, enter, delete; the operator's plan and
//! rename grants; the access checks every account endpoint goes through.

use super::{not_found, Env};
use crate::error::{Code, Error, Result};
use crate::model::AuditEntry;
use crate::model::{Account, AccountView, MemberStatus, MemberType, Membership, Plan, Role, Session, TwoFactorPolicy};
use crate::store::{Change, Guard, Store};
use crate::time::rfc3339;
use crate::tokens::new_id;
use crate::validate::AccountName;
use serde::Serialize;

/// At most this many accounts per profile (existing ones it created).
pub const MAX_ACCOUNTS_PER_PROFILE: u32 = 7;

/// The caller's standing in an account.
#[derive(Debug, Clone)]
pub struct Access {
    pub account: Account,
    pub member: Membership,
}

impl Access {
    pub fn view(&self) -> AccountView {
        AccountView::of(&self.account, &self.member)
    }

    pub fn is_admin(&self) -> bool {
        self.member.role == Role::Admin && self.member.kind == MemberType::Employee
    }

    /// Admin-only actions: extranet members do not even see them (404), plain users get 403.
    pub fn require_admin(&self) -> Result<()> {
        self.require_employee()?;
        if self.is_admin() {
            Ok(())
        } else {
            Err(Error::new(Code::NotAccountAdmin))
        }
    }

    /// What extranet members must not see (users, departments...) answers 404 to them.
    pub fn require_employee(&self) -> Result<()> {
        if self.member.kind == MemberType::Extranet {
            Err(not_found())
        } else {
            Ok(())
        }
    }
}

/// The caller's active membership in the account; 404 for anyone else (non-members,
/// dismissed or still-invited cards), so existence does not leak.
pub async fn access<S: Store>(env: &Env<'_, S>, account_id: &str, profile_id: &str) -> Result<Access> {
    let account = env.store.account(account_id).await?.ok_or_else(not_found)?;
    let member = env
        .store
        .membership_of(account_id, profile_id)
        .await?
        .filter(|m| m.status == MemberStatus::Active)
        .ok_or_else(not_found)?;
    Ok(Access { account, member })
}

const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";

fn random_suffix<S: Store>(env: &mut Env<'_, S>, n: usize) -> String {
    let mut b = vec![0u8; n];
    env.rng.fill(&mut b);
    b.iter().map(|x| ALPHABET[(*x as usize) % ALPHABET.len()] as char).collect()
}

/// The address a name gives: its slug, then (when another account holds it) the slug with a
/// random suffix, `n` being the try.
fn address_candidate<S: Store>(env: &mut Env<'_, S>, name: &AccountName, n: usize) -> String {
    let base = match name.slug() {
        s if s.len() >= 3 => s,
        s if !s.is_empty() => format!("ws-{s}"),
        _ => "ws".to_string(),
    };
    if n == 0 {
        base
    } else {
        format!("{base}-{}", random_suffix(env, 4))
    }
}

/// How many addresses a creation or rename tries before it gives up.
const ADDRESS_TRIES: usize = 8;

/// Whether a commit failed because another account holds the address (the UNIQUE index
/// decided: no read before the write, and two creations of one name cannot both take it).
fn address_taken(e: &Error) -> bool {
    e.code == Code::NameTaken && e.field == Some("address")
}

/// Creates an account; the creator becomes its admin. A random name when none is given.
pub async fn create_account<S: Store>(
    env: &mut Env<'_, S>,
    profile_id: &str,
    name: Option<&str>,
) -> Result<AccountView> {
    let profile = env.store.profile(profile_id).await?.ok_or_else(|| Error::new(Code::Unauthenticated))?;
    let name = match name {
        Some(n) => AccountName::parse(n)?,
        None => {
            let generated = format!("ws-{}", random_suffix(env, 6));
            AccountName::parse(&generated)?
        }
    };
    let now = env.now;
    let mut account = Account {
        id: new_id("acc", env.rng),
        name: name.as_str().to_string(),
        address: address_candidate(env, &name, 0),
        plan: Plan::Free,
        renames_left: 1,
        created_by: profile_id.to_string(),
        created_at: now,
        last_activity_at: now,
        warned_at: None,
        require_two_factor: Default::default(),
        remember_browsers: true,
    };
    let member = Membership {
        id: new_id("usr", env.rng),
        account_id: account.id.clone(),
        profile_id: Some(profile_id.to_string()),
        kind: MemberType::Employee,
        role: Role::Admin,
        status: MemberStatus::Active,
        first_name: profile.first_name.clone(),
        last_name: profile.last_name.clone(),
        contact_email: profile.email.clone(),
        phone: profile.phone.clone(),
        photo_url: profile.photo_url.clone(),
        last_login_at: Some(now),
        created_at: now,
        ..Membership::default()
    };
    let audit = env.account_audit(&account.id, Some(profile_id), "account.created", &account.id, &account.name);
    // The limit is decided inside the commit (no count read first), so concurrent creations
    // cannot pass it; the address by the UNIQUE index.
    let guard = Guard::AccountsCreatedBelow { profile_id: profile_id.to_string(), max: MAX_ACCOUNTS_PER_PROFILE };
    for n in 1..=ADDRESS_TRIES {
        let changes = vec![
            Change::Guard(guard.clone()),
            Change::PutAccount(account.clone()),
            Change::PutMembership(member.clone()),
            audit.clone(),
        ];
        match env.commit(changes).await {
            Err(e) if address_taken(&e) => account.address = address_candidate(env, &name, n),
            Err(e) => return Err(e),
            Ok(()) => return Ok(AccountView::of(&account, &member)),
        }
    }
    Err(Error::internal("no free account address"))
}

/// Renames (admins only): once on any plan; paid plans get more renames from the operator.
/// The address follows the new name.
pub async fn rename_account<S: Store>(
    env: &mut Env<'_, S>,
    profile_id: &str,
    account_id: &str,
    name: &str,
) -> Result<AccountView> {
    let mut a = access(env, account_id, profile_id).await?;
    a.require_admin()?;
    let name = AccountName::parse(name)?;
    if a.account.renames_left == 0 {
        return Err(Error::new(Code::RenameLimitReached));
    }
    let old = std::mem::replace(&mut a.account.name, name.as_str().to_string());
    a.account.address = address_candidate(env, &name, 0);
    a.account.renames_left -= 1;
    let audit = env.account_audit(
        account_id,
        Some(profile_id),
        "account.renamed",
        account_id,
        &format!("{old} -> {}", a.account.name),
    );
    // The rename is spent in the statement and the guard decides, so concurrent renames
    // cannot spend one rename twice; the address is decided by the UNIQUE index (the
    // account's own address is no conflict).
    for n in 1..=ADDRESS_TRIES {
        let changes = vec![
            Change::Guard(Guard::RenamesLeft { account_id: account_id.to_string() }),
            Change::RenameAccount {
                account_id: account_id.to_string(),
                name: a.account.name.clone(),
                address: a.account.address.clone(),
            },
            audit.clone(),
        ];
        match env.commit(changes).await {
            Err(e) if address_taken(&e) => a.account.address = address_candidate(env, &name, n),
            Err(e) => return Err(e),
            Ok(()) => return Ok(a.view()),
        }
    }
    Err(Error::internal("no free account address"))
}

/// Makes the account the session's current one; counts as a login to it.
pub async fn enter_account<S: Store>(env: &mut Env<'_, S>, session: &Session, account_id: &str) -> Result<Access> {
    let mut a = access(env, account_id, &session.profile_id).await?;
    require_policy(env, &a, &session.profile_id).await?;
    let changes = vec![
        Change::SetSessionAccount { token_hash: session.token_hash.clone(), account_id: Some(account_id.to_string()) },
        Change::RecordActivity { account_id: account_id.to_string(), membership_id: a.member.id.clone(), at: env.now },
    ];
    env.commit(changes).await?;
    a.account.last_activity_at = env.now;
    a.member.last_login_at = Some(env.now);
    Ok(a)
}

/// The workspace's two-step policy for this member: `two_factor_required` (403) when it
/// applies to their card and their profile has two-step off. Every way into a workspace
/// checks it (entering, a login into it, a sign-in through its apps).
pub(crate) async fn require_policy<S: Store>(env: &Env<'_, S>, a: &Access, profile_id: &str) -> Result<()> {
    if !a.account.require_two_factor.applies_to(a.member.kind) {
        return Ok(());
    }
    match env.store.profile(profile_id).await? {
        Some(p) if p.two_factor_enabled => Ok(()),
        _ => Err(Error::new(Code::TwoFactorRequired)),
    }
}

/// The workspace's security policy as its admins see it: the two-step rule and who does not
/// comply yet (active cards it applies to whose profile has two-step off).
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub struct PolicyView {
    pub require_two_factor: TwoFactorPolicy,
    /// Whether a browser its members chose to remember may skip the second step the rule
    /// asks for.
    #[serde(rename = "allow_remember_browser")]
    pub remember_browsers: bool,
    pub members_without_two_factor: Vec<PolicyMember>,
}

#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub struct PolicyMember {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub login_email: Option<String>,
    #[serde(rename = "type")]
    pub kind: MemberType,
}

async fn policy_view<S: Store>(
    env: &Env<'_, S>,
    account_id: &str,
    policy: TwoFactorPolicy,
    remember_browsers: bool,
) -> Result<PolicyView> {
    let mut without = Vec::new();
    // The cards whose profile has two-step on, looked up per card (an account may hold thousands).
    let on: std::collections::HashSet<String> =
        env.store.card_factors(account_id).await?.into_iter().filter(|(_, on)| *on).map(|(id, _)| id).collect();
    for card in env.store.memberships(account_id).await? {
        if card.status != MemberStatus::Active || !policy.applies_to(card.kind) || card.profile_id.is_none() {
            continue;
        }
        if !on.contains(&card.id) {
            without.push(PolicyMember {
                id: card.id.clone(),
                first_name: card.first_name.clone(),
                last_name: card.last_name.clone(),
                login_email: card.login_email.clone(),
                kind: card.kind,
            });
        }
    }
    Ok(PolicyView { require_two_factor: policy, remember_browsers, members_without_two_factor: without })
}

/// `GET /accounts/{id}/policy` (admins).
pub async fn policy<S: Store>(env: &Env<'_, S>, actor: &str, account_id: &str) -> Result<PolicyView> {
    let a = access(env, account_id, actor).await?;
    a.require_admin()?;
    policy_view(env, account_id, a.account.require_two_factor, a.account.remember_browsers).await
}

/// What `PATCH /accounts/{id}/policy` changes: the two-step rule, whether remembered browsers
/// may skip the second step it asks for, both, or neither (what is absent or null stays).
#[derive(Debug, Clone, Default)]
pub struct PolicyChange<'a> {
    pub require_two_factor: Option<&'a str>,
    pub remember_browsers: Option<bool>,
}

/// `PATCH /accounts/{id}/policy` (admins): the two-step rule and the remembered browsers,
/// each change audited. Members it applies to who have two-step off set it up at their next
/// entry; the admin's own card is no exception (an admin without two-step who requires it is
/// asked to set it up first: 403). Remembered browsers refused: its members give the second
/// step at every sign-in from then on (decided at each one).
pub async fn set_policy<S: Store>(
    env: &mut Env<'_, S>,
    actor: &str,
    account_id: &str,
    change: PolicyChange<'_>,
) -> Result<PolicyView> {
    let a = access(env, account_id, actor).await?;
    a.require_admin()?;
    let before = (a.account.require_two_factor, a.account.remember_browsers);
    if change.require_two_factor.is_none() && change.remember_browsers.is_none() {
        // Nothing asked: the policy as it is (a PATCH of no field changes nothing).
        return policy_view(env, account_id, before.0, before.1).await;
    }
    let policy = match change.require_two_factor {
        Some(p) => TwoFactorPolicy::parse(p).ok_or_else(|| Error::field(Code::InvalidRequest, "require_two_factor"))?,
        None => before.0,
    };
    let remember = change.remember_browsers.unwrap_or(before.1);
    if policy.applies_to(a.member.kind) && !env.store.profile(actor).await?.is_some_and(|p| p.two_factor_enabled) {
        // The admin would lock themselves out of the workspace they are configuring.
        return Err(Error::field(Code::TwoFactorRequired, "require_two_factor"));
    }
    let mut changes =
        vec![Change::SetTwoFactorPolicy { account_id: account_id.to_string(), policy, remember_browsers: remember }];
    if policy != before.0 {
        let detail = format!("{} -> {}", before.0.as_str(), policy.as_str());
        changes.push(env.account_audit(account_id, Some(actor), "policy.two_factor", account_id, &detail));
    }
    if remember != before.1 {
        let word = |on: bool| if on { "allowed" } else { "refused" };
        let detail = format!("{} -> {}", word(before.1), word(remember));
        changes.push(env.account_audit(account_id, Some(actor), "policy.remember_browsers", account_id, &detail));
    }
    // What the answer shows is read before the commit (from what the route read ahead).
    let view = policy_view(env, account_id, policy, remember).await?;
    env.commit(changes).await?;
    Ok(view)
}

/// Deletes the account with everything in it (admins only).
pub async fn delete_account<S: Store>(env: &mut Env<'_, S>, profile_id: &str, account_id: &str) -> Result<()> {
    let a = access(env, account_id, profile_id).await?;
    a.require_admin()?;
    let audit = env.account_audit(account_id, Some(profile_id), "account.deleted", account_id, &a.account.name);
    // Its apps go with it: each one that holds tokens of anybody is told first (back-channel
    // logout, written before the apps' rows are deleted), and the tokens are revoked.
    let ended = Change::EndAppSessions {
        profile_id: None,
        account_id: Some(account_id.to_string()),
        session_hash: None,
        except_session: None,
    };
    env.commit(vec![ended, Change::DeleteAccount(account_id.to_string()), audit]).await
}

/// A page of an audit log: `limit` 1..=100 (50 by default), `before` an event id.
pub(crate) fn audit_page(limit: Option<&str>, before: Option<&str>) -> Result<u32> {
    let limit = match limit {
        None => 50,
        Some(l) => l
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| Error::field(Code::InvalidRequest, "limit"))?,
    };
    if before.is_some_and(|b| b.is_empty() || b.len() > 64) {
        return Err(Error::field(Code::InvalidRequest, "before"));
    }
    Ok(limit)
}

/// One event of `GET /accounts/{id}/audit`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AuditView {
    pub id: String,
    pub at: String,
    pub actor_profile_id: Option<String>,
    pub action: String,
    pub target: String,
    pub detail: String,
}

impl AuditView {
    pub(crate) fn of(a: AuditEntry) -> AuditView {
        AuditView {
            id: a.id,
            at: rfc3339(a.at),
            actor_profile_id: a.actor,
            action: a.action,
            target: a.target,
            detail: a.detail,
        }
    }
}

/// An account's audit events for its admins, newest first; `limit` 1..=100 (50 by default),
/// `before` an event id to page from.
pub async fn audit_log<S: Store>(
    env: &Env<'_, S>,
    actor: &str,
    account_id: &str,
    limit: Option<&str>,
    before: Option<&str>,
) -> Result<Vec<AuditView>> {
    let a = access(env, account_id, actor).await?;
    a.require_admin()?;
    let limit = audit_page(limit, before)?;
    Ok(env.store.audit_of(account_id, limit, before).await?.into_iter().map(AuditView::of).collect())
}
