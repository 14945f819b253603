//! Invitations: up to 5 named invitees, or a mass list; bound to a department and groups;
//! extranet invitations into extranet groups only; per-address results; resend, revoke,
//! 7-day expiry; acceptance by a new person (sets a password) or an existing profile.

use super::accounts::{access, Access};
use super::cards::{address_state, check_placement, owner_of, AddressState};
use super::claims;
use super::claims::Address;
use super::gate::{self, Entry, Proof};
use super::sessions::Grant;
use super::{not_found, Env};
use crate::error::{Code, Error, Result};
use crate::mail::MailKind;
use crate::model::{
    AccountView, ClientKind, Invitation, InvitationState, MemberStatus, MemberType, Membership, Profile, Role, Session,
};
use crate::store::{Change, Guard, Store};
use crate::time::rfc3339;
use crate::tokens::{new_id, new_token, token_hash};
use crate::validate::{parse_mass, Invitee, Name, Password, PersonalInfo};
use serde::Serialize;

/// Invitations expire after 7 days.
pub const INVITATION_TTL: i64 = 7 * 24 * 3600;
/// At most this many named invitees per request.
pub const MAX_INVITEES: usize = 5;

#[derive(Debug, Clone, Default)]
pub struct InviteOptions {
    pub department_id: Option<String>,
    pub group_ids: Vec<String>,
    pub extranet: bool,
}

#[derive(Debug, Clone, Default)]
pub struct InviteeInput {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ResultError {
    pub code: &'static str,
    pub message: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
}

/// What happened to one address.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct InviteResult {
    pub to: String,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invitation_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ResultError>,
}

/// An invitation as admins list it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct InvitationView {
    pub id: String,
    pub to: String,
    pub status: &'static str,
    pub expires_at: String,
    pub department_id: Option<String>,
    pub group_ids: Vec<String>,
    pub extranet: bool,
    pub user_id: String,
    pub created_at: String,
    /// The name on the inviting admin's card in this account (when it still exists).
    pub invited_by: Option<String>,
}

fn view(inv: &Invitation, now: i64) -> InvitationView {
    let status = match inv.state {
        InvitationState::Pending if inv.expires_at <= now => "expired",
        s => s.as_str(),
    };
    InvitationView {
        id: inv.id.clone(),
        to: inv.to.clone(),
        status,
        expires_at: rfc3339(inv.expires_at),
        department_id: inv.department_id.clone(),
        group_ids: inv.group_ids.clone(),
        extranet: inv.extranet,
        user_id: inv.membership_id.clone(),
        created_at: rfc3339(inv.created_at),
        invited_by: None,
    }
}

fn invitation_message<S: Store>(
    env: &mut Env<'_, S>,
    account: &crate::model::Account,
    to: &str,
    token: &str,
    link_base: &str,
) -> Change {
    let link = format!("{link_base}/#/invite/{token}");
    let lang = env.lang;
    let vars = [("account", account.name.as_str()), ("link", link.as_str()), ("token", token)];
    env.outbox(MailKind::Invitation, lang, to, &vars, Some(&account.id))
}

/// An invited card and its invitation (and message), for the caller to commit.
fn prepare<S: Store>(
    env: &mut Env<'_, S>,
    a: &Access,
    actor: &str,
    invitee: &Invitee,
    mut card: Membership,
    opts: &InviteOptions,
    link_base: &str,
) -> (Membership, Invitation, Vec<Change>) {
    let now = env.now;
    card.id = new_id("usr", env.rng);
    card.account_id = a.account.id.clone();
    card.profile_id = None;
    card.kind = if opts.extranet { MemberType::Extranet } else { MemberType::Employee };
    card.role = Role::User;
    card.status = MemberStatus::Invited;
    match invitee {
        Invitee::Email(e) => card.contact_email = Some(e.as_str().to_string()),
        Invitee::Phone(p) => card.phone = Some(p.as_str().to_string()),
    }
    card.department_id = opts.department_id.clone();
    card.group_ids = opts.group_ids.clone();
    card.created_at = now;
    let token = new_token(env.rng);
    let inv = Invitation {
        id: new_id("inv", env.rng),
        account_id: a.account.id.clone(),
        to: invitee.as_str().to_string(),
        first_name: Some(card.first_name.clone()).filter(|s| !s.is_empty()),
        last_name: Some(card.last_name.clone()).filter(|s| !s.is_empty()),
        token_hash: token_hash(&token),
        state: InvitationState::Pending,
        extranet: opts.extranet,
        department_id: opts.department_id.clone(),
        group_ids: opts.group_ids.clone(),
        membership_id: card.id.clone(),
        invited_by: Some(actor.to_string()),
        created_at: now,
        expires_at: now + INVITATION_TTL,
        accepted_at: None,
    };
    let msg = invitation_message(env, &a.account, invitee.as_str(), &token, link_base);
    let changes = vec![Change::PutMembership(card.clone()), Change::PutInvitation(inv.clone()), msg];
    (card, inv, changes)
}

/// One invitation, committed (used by "register a user").
pub(crate) async fn create_invitation<S: Store>(
    env: &mut Env<'_, S>,
    a: &Access,
    actor: &str,
    invitee: &Invitee,
    card: Membership,
    opts: &InviteOptions,
    link_base: &str,
) -> Result<(Membership, Invitation)> {
    let (card, inv, mut changes) = prepare(env, a, actor, invitee, card, opts, link_base);
    changes.push(env.account_audit(&a.account.id, Some(actor), "invitation.sent", &inv.id, &inv.to));
    env.commit(changes).await?;
    Ok((card, inv))
}

async fn check_options<S: Store>(env: &Env<'_, S>, account_id: &str, opts: &InviteOptions) -> Result<()> {
    let groups = check_placement(env, account_id, opts.department_id.as_deref(), &opts.group_ids).await?;
    if opts.extranet && (groups.is_empty() || groups.iter().any(|g| !g.extranet)) {
        return Err(Error::field(Code::ExtranetRequiresExtranetGroup, "group_ids"));
    }
    Ok(())
}

fn failed(to: &str, status: &'static str, e: &Error, lang: crate::Lang) -> InviteResult {
    InviteResult {
        to: to.to_string(),
        status,
        invitation_id: None,
        error: Some(ResultError { code: e.code.code(), message: e.message(lang), field: e.field }),
    }
}

/// Per-address invitation: one bad address never sinks the rest.
async fn invite_each<S: Store>(
    env: &mut Env<'_, S>,
    a: &Access,
    actor: &str,
    entries: Vec<(String, Result<(Invitee, Membership)>)>,
    opts: &InviteOptions,
    link_base: &str,
) -> Result<Vec<InviteResult>> {
    let mut cards = env.store.memberships(&a.account.id).await?;
    // No read of the addresses' owners: each card carries its profile's confirmed logins, so
    // the account's cards say what every address already is here.
    let mut results = Vec::new();
    let mut changes = Vec::new();
    for (input, parsed) in entries {
        let (invitee, card) = match parsed {
            Ok(x) => x,
            Err(e) => {
                results.push(failed(&input, "invalid", &e, env.lang));
                continue;
            }
        };
        let to = invitee.as_str().to_string();
        let state = address_state(&cards, None, &to);
        let (status, code) = match state {
            AddressState::Free => ("sent", None),
            AddressState::AlreadyMember => ("already_member", Some(Code::AlreadyMember)),
            AddressState::AlreadyInvited => ("already_invited", Some(Code::AlreadyInvited)),
            AddressState::Taken => ("email_taken", Some(Code::EmailTaken)),
        };
        if let Some(code) = code {
            results.push(failed(&to, status, &Error::new(code), env.lang));
            continue;
        }
        let (card, inv, c) = prepare(env, a, actor, &invitee, card, opts, link_base);
        changes.extend(c);
        changes.push(env.account_audit(&a.account.id, Some(actor), "invitation.sent", &inv.id, &inv.to));
        cards.push(card);
        results.push(InviteResult { to, status: "sent", invitation_id: Some(inv.id), error: None });
    }
    env.commit(changes).await?;
    Ok(results)
}

/// Invites up to 5 people by email or phone, with names.
pub async fn invite<S: Store>(
    env: &mut Env<'_, S>,
    actor: &str,
    account_id: &str,
    invitees: Vec<InviteeInput>,
    opts: InviteOptions,
    link_base: &str,
) -> Result<Vec<InviteResult>> {
    let a = access(env, account_id, actor).await?;
    a.require_admin()?;
    if invitees.len() > MAX_INVITEES {
        return Err(Error::field(Code::TooManyInvitees, "invitees"));
    }
    if invitees.is_empty() {
        return Err(Error::field(Code::InvalidRequest, "invitees"));
    }
    check_options(env, account_id, &opts).await?;
    let entries = invitees
        .into_iter()
        .map(|i| {
            let input = i.email.clone().or(i.phone.clone()).unwrap_or_default();
            let parsed = (|| {
                let invitee = match (&i.email, &i.phone) {
                    (Some(e), None) => Invitee::Email(crate::validate::Email::parse(e)?),
                    (None, Some(p)) => Invitee::Phone(crate::validate::Phone::parse(p, None)?),
                    _ => return Err(Error::field(Code::InvalidRequest, "email")),
                };
                let first = i
                    .first_name
                    .as_deref()
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| Name::parse(s, "first_name"))
                    .transpose()?;
                let last = i
                    .last_name
                    .as_deref()
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| Name::parse(s, "last_name"))
                    .transpose()?;
                let card = Membership {
                    first_name: first.map(|n| n.as_str().to_string()).unwrap_or_default(),
                    last_name: last.map(|n| n.as_str().to_string()).unwrap_or_default(),
                    ..Membership::default()
                };
                Ok((invitee, card))
            })();
            (input, parsed)
        })
        .collect();
    invite_each(env, &a, actor, dedupe(entries), &opts, link_base).await
}

/// The same address twice in one request is invited once.
fn dedupe(entries: Vec<(String, Result<(Invitee, Membership)>)>) -> Vec<(String, Result<(Invitee, Membership)>)> {
    let mut seen: Vec<String> = Vec::new();
    entries
        .into_iter()
        .filter(|(input, parsed)| {
            let key = parsed.as_ref().map(|(i, _)| i.as_str().to_string()).unwrap_or_else(|_| input.to_lowercase());
            let fresh = !seen.contains(&key);
            seen.push(key);
            fresh
        })
        .collect()
}

/// Invites every distinct address of a text (spaces, commas or new lines between them);
/// each invitee fills in their own name on joining.
pub async fn invite_mass<S: Store>(
    env: &mut Env<'_, S>,
    actor: &str,
    account_id: &str,
    text: &str,
    opts: InviteOptions,
    link_base: &str,
) -> Result<Vec<InviteResult>> {
    let a = access(env, account_id, actor).await?;
    a.require_admin()?;
    let parsed = parse_mass(text)?;
    if parsed.is_empty() {
        return Err(Error::field(Code::InvalidEmail, "emails"));
    }
    check_options(env, account_id, &opts).await?;
    let entries = parsed.into_iter().map(|e| (e.input, e.parsed.map(|i| (i, Membership::default())))).collect();
    invite_each(env, &a, actor, entries, &opts, link_base).await
}

pub async fn list_invitations<S: Store>(
    env: &Env<'_, S>,
    actor: &str,
    account_id: &str,
) -> Result<Vec<InvitationView>> {
    let a = access(env, account_id, actor).await?;
    a.require_admin()?;
    let cards = env.store.memberships(account_id).await?;
    let name_of = |profile: &str| {
        cards
            .iter()
            .find(|c| c.profile_id.as_deref() == Some(profile))
            .map(|c| format!("{} {}", c.first_name, c.last_name).trim().to_string())
            .filter(|n| !n.is_empty())
    };
    Ok(env
        .store
        .invitations(account_id)
        .await?
        .iter()
        .map(|i| InvitationView { invited_by: i.invited_by.as_deref().and_then(name_of), ..view(i, env.now) })
        .collect())
}

async fn admin_invitation<S: Store>(
    env: &Env<'_, S>,
    actor: &str,
    account_id: &str,
    id: &str,
) -> Result<(Access, Invitation)> {
    let a = access(env, account_id, actor).await?;
    a.require_admin()?;
    let inv = env.store.invitations(account_id).await?.into_iter().find(|i| i.id == id).ok_or_else(not_found)?;
    match inv.state {
        InvitationState::Pending => Ok((a, inv)),
        InvitationState::Accepted => Err(Error::new(Code::AlreadyMember)),
        InvitationState::Revoked => Err(not_found()),
    }
}

/// Sends the invitation again with a new token (the old link dies) and a new 7-day expiry.
pub async fn resend_invitation<S: Store>(
    env: &mut Env<'_, S>,
    actor: &str,
    account_id: &str,
    id: &str,
    link_base: &str,
) -> Result<InvitationView> {
    let (a, mut inv) = admin_invitation(env, actor, account_id, id).await?;
    let token = new_token(env.rng);
    inv.token_hash = token_hash(&token);
    inv.expires_at = env.now + INVITATION_TTL;
    let msg = invitation_message(env, &a.account, &inv.to, &token, link_base);
    let audit = env.account_audit(account_id, Some(actor), "invitation.resent", &inv.id, &inv.to);
    env.commit(vec![Change::PutInvitation(inv.clone()), msg, audit]).await?;
    Ok(view(&inv, env.now))
}

/// Revokes a pending invitation; its invited card goes with it.
pub async fn revoke_invitation<S: Store>(env: &mut Env<'_, S>, actor: &str, account_id: &str, id: &str) -> Result<()> {
    let (_, mut inv) = admin_invitation(env, actor, account_id, id).await?;
    inv.state = InvitationState::Revoked;
    let audit = env.account_audit(account_id, Some(actor), "invitation.revoked", &inv.id, &inv.to);
    env.commit(vec![Change::DeleteMembership(inv.membership_id.clone()), Change::PutInvitation(inv), audit]).await
}

/// What the acceptance page shows.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct InvitationInfo {
    pub account: AccountRef,
    pub to: String,
    pub needs_registration: bool,
    pub expires_at: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub extranet: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AccountRef {
    pub id: String,
    pub name: String,
}

struct Live {
    inv: Invitation,
    account: crate::model::Account,
    card: Membership,
    invitee: Invitee,
    owner: Option<Profile>,
}

async fn live<S: Store>(env: &Env<'_, S>, token: &str) -> Result<Live> {
    if token.is_empty() || token.len() > 256 {
        return Err(not_found());
    }
    let inv = env.store.invitation_by_token(&token_hash(token)).await?.ok_or_else(not_found)?;
    if inv.state != InvitationState::Pending {
        return Err(not_found());
    }
    if inv.expires_at <= env.now {
        return Err(Error::new(Code::InvitationExpired));
    }
    let account = env.store.account(&inv.account_id).await?.ok_or_else(not_found)?;
    let card = env
        .store
        .membership(&inv.account_id, &inv.membership_id)
        .await?
        .filter(|m| m.status == MemberStatus::Invited)
        .ok_or_else(not_found)?;
    let invitee = Invitee::parse(&inv.to).map_err(|_| not_found())?;
    let owner = owner_of(env, &invitee).await?;
    Ok(Live { inv, account, card, invitee, owner })
}

pub async fn invitation_info<S: Store>(env: &Env<'_, S>, token: &str) -> Result<InvitationInfo> {
    let l = live(env, token).await?;
    Ok(InvitationInfo {
        account: AccountRef { id: l.account.id.clone(), name: l.account.name.clone() },
        to: l.inv.to.clone(),
        needs_registration: l.owner.is_none(),
        expires_at: rfc3339(l.inv.expires_at),
        first_name: l.inv.first_name.clone(),
        last_name: l.inv.last_name.clone(),
        extranet: l.inv.extranet,
    })
}

/// Also the route's request body, read straight from the JSON (API.md's shape; unknown
/// fields refused).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptInput {
    pub password: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

#[derive(Debug)]
pub struct Accepted {
    /// A new session when the acceptance created the profile.
    pub grant: Option<Grant>,
    pub account: AccountView,
}

/// Accepts an invitation. With no profile for the address, a password creates one (the
/// address counts as confirmed: the link reached it); with a profile, the caller must be
/// logged in as it.
pub async fn accept_invitation<S: Store>(
    env: &mut Env<'_, S>,
    token: &str,
    caller: Option<&Session>,
    input: AcceptInput,
) -> Result<Accepted> {
    let Live { mut inv, account, mut card, invitee, owner } = live(env, token).await?;
    let now = env.now;
    // An invitation is accepted once, even by concurrent requests: the commit requires it
    // to be still pending with this token.
    let mut changes = vec![Change::Guard(Guard::InvitationPending {
        invitation_id: inv.id.clone(),
        token_hash: inv.token_hash.clone(),
    })];
    inv.state = InvitationState::Accepted;
    inv.accepted_at = Some(now);
    let address = match &invitee {
        Invitee::Email(e) => Address::Email(e.clone()),
        Invitee::Phone(p) => Address::Phone(p.clone()),
    };
    // No owner: a claim on the address, if any, meets the proof the invitation link is.
    let claim = match owner {
        Some(_) => None,
        None => match &invitee {
            Invitee::Email(e) => env.store.profile_by_email(e.as_str()).await?,
            Invitee::Phone(p) => env.store.profile_by_phone(p.as_str()).await?,
        },
    };
    // Who joins with the profile they have: the owner (logged in as it), or a claim's own
    // author (logged in as the claim: the link reached them, so the address is theirs and the
    // claim becomes their profile as it is).
    let joining = match (owner, &claim) {
        (Some(profile), _) => {
            let session = caller.ok_or_else(|| Error::new(Code::Unauthenticated))?;
            if session.profile_id != profile.id {
                return Err(Error::new(Code::Forbidden));
            }
            Some(profile)
        }
        (None, Some(u)) if claims::Prover::of(u, caller) == claims::Prover::Author => {
            let mut profile = u.clone();
            changes.extend(claims::prove(&mut profile, &address, claims::Prover::Author));
            profile.updated_at = now;
            changes.push(Change::PutProfile(profile.clone()));
            Some(profile)
        }
        (None, _) => None,
    };
    if let Some(profile) = joining {
        if let Some(mut existing) = env.store.membership_of(&account.id, &profile.id).await? {
            if existing.status == MemberStatus::Active {
                return Err(Error::new(Code::AlreadyMember));
            }
            // A returning person: their old card comes back with the invitation's terms.
            existing.status = MemberStatus::Active;
            existing.kind = card.kind;
            existing.role = Role::User;
            existing.group_ids = card.group_ids.clone();
            existing.department_id = card.department_id.clone();
            changes.push(Change::DeleteMembership(card.id.clone()));
            inv.membership_id = existing.id.clone();
            card = existing;
        } else {
            card.profile_id = Some(profile.id.clone());
            card.status = MemberStatus::Active;
            if card.first_name.is_empty() {
                card.first_name = profile.first_name.clone();
            }
            if card.last_name.is_empty() {
                card.last_name = profile.last_name.clone();
            }
        }
        changes.push(Change::PutMembership(card.clone()));
        changes.push(Change::PutInvitation(inv.clone()));
        changes.push(Change::RecordActivity {
            account_id: account.id.clone(),
            membership_id: card.id.clone(),
            at: now,
        });
        changes.push(env.account_audit(&account.id, Some(&profile.id), "invitation.accepted", &inv.id, &inv.to));
        env.commit(changes).await?;
        return Ok(Accepted { grant: None, account: AccountView::of(&account, &card) });
    }
    // A new person: names and a password make their profile.
    let first = input.first_name.as_deref().filter(|s| !s.trim().is_empty()).unwrap_or(&card.first_name).to_string();
    let last = input.last_name.as_deref().filter(|s| !s.trim().is_empty()).unwrap_or(&card.last_name).to_string();
    let first = Name::parse(&first, "first_name")?;
    let last = Name::parse(&last, "last_name")?;
    let (email, phone) = match &invitee {
        Invitee::Email(e) => (Some(e.as_str().to_string()), None),
        Invitee::Phone(p) => (None, Some(p.as_str().to_string())),
    };
    let info = PersonalInfo {
        email: email.as_deref(),
        phone: phone.as_deref(),
        first_name: Some(first.as_str()),
        last_name: Some(last.as_str()),
    };
    let password = Password::parse(input.password.as_deref().unwrap_or(""), &info)?;
    let mut profile = super::new_profile(env, email, phone, &first, &last, &password, super::Provenance::Proven);
    let had_profile = claim.is_some();
    if let Some(mut u) = claim {
        // Someone else's claim (an abandoned signup, a social sign-up the provider did not
        // verify, a profile an admin made): the link proved the address, so the claim ends
        // and the person gets a clean profile under its id (cards bound to it stay).
        changes.extend(claims::prove(&mut u, &address, claims::Prover::Other));
        profile.id = u.id;
        profile.created_at = u.created_at;
    }
    changes.push(Change::SetPassword {
        profile_id: profile.id.clone(),
        hash: profile.password_hash.clone(),
        replaces: None,
        change_required: false,
    });
    card.profile_id = Some(profile.id.clone());
    card.status = MemberStatus::Active;
    card.first_name = profile.first_name.clone();
    card.last_name = profile.last_name.clone();
    card.last_login_at = Some(now);
    changes.push(Change::PutProfile(profile.clone()));
    changes.push(Change::PutMembership(card.clone()));
    changes.push(Change::PutInvitation(inv.clone()));
    changes.push(Change::RecordActivity { account_id: account.id.clone(), membership_id: card.id.clone(), at: now });
    changes.push(env.account_audit(&account.id, Some(&profile.id), "invitation.accepted", &inv.id, &inv.to));
    let view = AccountView::of(&account, &card);
    // The session's accounts, as they will be once the commit landed (read before it: after
    // it, nothing may fail the request): any the profile already had, and this one.
    // A profile made now has none.
    let mut accounts = if had_profile { env.store.accounts_of(&profile.id).await? } else { Vec::new() };
    accounts.retain(|a| a.id != view.id);
    accounts.push(view.clone());
    accounts.sort_by(|a, b| (&a.created_at, &a.id).cmp(&(&b.created_at, &b.id)));
    // A workspace that requires two-step of this card is not entered yet (the gate decides):
    // the person sets it up first.
    let entry = Entry {
        account_id: Some(account.id.clone()),
        client: ClientKind::Browser,
        accounts: Some(accounts),
        login: None,
    };
    let grant = gate::admit(env, profile, Proof::Address, entry, changes).await?;
    Ok(Accepted { grant: Some(grant), account: view })
}
