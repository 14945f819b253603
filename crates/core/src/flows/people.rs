//! People inside an account: cards (register/add, list, edit, dismiss), departments, groups.

use super::accounts::access;
use super::cards::{address_state, check_placement, is_last_admin, text_field, AddressState};
use super::invitations::{create_invitation, InviteOptions};
use super::{not_found, Env};
use crate::error::{Code, Error, Result};
use crate::mail::MailKind;
use crate::model::{CodeRecord, MemberStatus, MemberType, Membership, Profile, Purpose, Role, SignupClaim};
use crate::store::{Change, Guard, Store};
use crate::tokens::{code_hash, new_code, new_id};
use crate::validate::{Email, Invitee, Login, Name, Password, PersonalInfo};
use serde::Serialize;

/// A card as the API shows it (API.md `User`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UserView {
    pub id: String,
    pub profile_id: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub login_email: Option<String>,
    pub two_factor_enabled: bool,
    pub contact_email: Option<String>,
    pub phone: Option<String>,
    pub photo_url: Option<String>,
    pub position: Option<String>,
    pub department_id: Option<String>,
    pub group_ids: Vec<String>,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub role: &'static str,
    pub status: &'static str,
}

impl UserView {
    pub fn of(m: &Membership) -> UserView {
        UserView {
            id: m.id.clone(),
            profile_id: m.profile_id.clone(),
            first_name: m.first_name.clone(),
            last_name: m.last_name.clone(),
            login_email: m.login_email.clone(),
            two_factor_enabled: m.two_factor_enabled,
            contact_email: m.contact_email.clone(),
            phone: m.phone.clone(),
            photo_url: m.photo_url.clone(),
            position: m.position.clone(),
            department_id: m.department_id.clone(),
            group_ids: m.group_ids.clone(),
            kind: m.kind.as_str(),
            role: m.role.as_str(),
            status: m.status.as_str(),
        }
    }
}

/// The admin's new-person form: "register a user" (no password: a set-password link goes to
/// the email) or "add a user" (login and password set by the admin).
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub position: Option<String>,
    pub department_id: Option<String>,
    pub group_ids: Vec<String>,
    pub login: Option<String>,
    pub password: Option<String>,
    /// Personal data (gender, birthday...) as JSON text.
    pub personal: Option<String>,
}

/// Creates a card. With a password ("add a user"), a profile is created at once, but NOT
/// confirmed: the login details carry a code with which the owner confirms the address, and
/// the admin's password must be changed at the first login. An address held by someone's
/// pending signup is never taken over: the person is registered instead. Without a password
/// ("register a user"), the card is invited and a set-password link is sent.
pub async fn add_user<S: Store>(
    env: &mut Env<'_, S>,
    actor: &str,
    account_id: &str,
    input: NewUser,
    link_base: &str,
) -> Result<UserView> {
    let a = access(env, account_id, actor).await?;
    a.require_admin()?;
    let first = Name::parse(&input.first_name, "first_name")?;
    let last = Name::parse(&input.last_name, "last_name")?;
    let email = Email::parse(&input.email)?;
    let position = text_field(input.position, "position", 100)?;
    check_placement(env, account_id, input.department_id.as_deref(), &input.group_ids).await?;
    if input.personal.as_ref().is_some_and(|p| p.len() > 4096) {
        return Err(Error::field(Code::InvalidRequest, "personal"));
    }
    let cards = env.store.memberships(account_id).await?;
    // What registering (an invited card and a set-password link) would make of the form.
    let template = Membership {
        first_name: first.as_str().to_string(),
        last_name: last.as_str().to_string(),
        position: position.clone(),
        personal: input.personal.clone(),
        ..Membership::default()
    };
    let opts = InviteOptions {
        department_id: input.department_id.clone(),
        group_ids: input.group_ids.clone(),
        extranet: false,
    };
    let Some(password) = input.password else {
        return register_user(env, &a, actor, &cards, &email, template, &opts, link_base).await;
    };
    // Add: the admin sets the login (email or phone; the email by default) and password.
    let login = Login::parse(input.login.as_deref().unwrap_or(email.as_str()), None)?;
    let existing = match &login {
        Login::Email(e) => env.store.profile_by_email(e.as_str()).await?,
        Login::Phone(p) => env.store.profile_by_phone(p.as_str()).await?,
    };
    if existing.as_ref().is_some_and(Profile::is_confirmed) {
        let code = if matches!(login, Login::Email(_)) { Code::EmailTaken } else { Code::PhoneTaken };
        return Err(Error::field(code, "login"));
    }
    if address_state(&cards, None, email.as_str()) != AddressState::Free {
        return Err(Error::field(Code::EmailTaken, "email"));
    }
    let info = PersonalInfo {
        email: Some(email.as_str()),
        phone: match &login {
            Login::Phone(p) => Some(p.as_str()),
            _ => None,
        },
        first_name: Some(first.as_str()),
        last_name: Some(last.as_str()),
    };
    let password = Password::parse(&password, &info)?;
    if existing.is_some() {
        // Someone's pending signup holds the login. It is not the admin's to replace: the
        // person is registered instead, with a set-password link that proves the address.
        return register_user(env, &a, actor, &cards, &email, template, &opts, link_base).await;
    }
    let now = env.now;
    let (login_email, login_phone) = match &login {
        Login::Email(e) => (Some(e.as_str().to_string()), None),
        Login::Phone(p) => (None, Some(p.as_str().to_string())),
    };
    // An admin never proves an address for someone else: the profile is unconfirmed until its
    // owner confirms the login with the code in the login details, and the admin's password
    // must be changed at the first login.
    let profile = super::new_profile(
        env,
        login_email.clone(),
        login_phone.clone(),
        &first,
        &last,
        &password,
        super::Provenance::AdminCreated,
    );
    let card = Membership {
        id: new_id("usr", env.rng),
        account_id: account_id.to_string(),
        profile_id: Some(profile.id.clone()),
        kind: MemberType::Employee,
        role: Role::User,
        status: MemberStatus::Active,
        first_name: profile.first_name.clone(),
        last_name: profile.last_name.clone(),
        login_email: profile.email.clone(),
        contact_email: Some(email.as_str().to_string()),
        phone: login_phone,
        position,
        department_id: input.department_id,
        group_ids: input.group_ids,
        personal: input.personal,
        created_at: now,
        ..Membership::default()
    };
    let link = format!("{link_base}/#/forgot");
    let code = new_code(env.rng);
    let lang = env.lang;
    let vars = [
        ("account", a.account.name.as_str()),
        ("login", login.as_str()),
        ("code", code.as_str()),
        ("link", link.as_str()),
    ];
    let message = env.outbox(MailKind::LoginDetails, lang, login.as_str(), &vars, Some(account_id));
    let mut changes = vec![
        Change::PutProfile(profile.clone()),
        Change::PutMembership(card.clone()),
        Change::PutCode(CodeRecord {
            profile_id: profile.id.clone(),
            purpose: Purpose::Signup,
            target: login.as_str().to_string(),
            code_hash: code_hash(Purpose::Signup.as_str(), &profile.id, &code),
            attempts: 0,
            expires_at: now + env.config.code_ttl,
            created_at: now,
            // Its confirmation keeps the admin's password, still to be changed at first login.
            claim: Some(SignupClaim {
                password_hash: profile.password_hash.clone(),
                first_name: profile.first_name.clone(),
                last_name: profile.last_name.clone(),
                password_change_required: true,
                contested: false,
            }),
        }),
        message,
    ];
    changes.push(env.account_audit(account_id, Some(actor), "user.added", &card.id, email.as_str()));
    env.commit(changes).await?;
    Ok(UserView::of(&card))
}

/// "Register a user": an invited card carrying the admin's form, and an invitation whose
/// set-password link goes to the email.
#[allow(clippy::too_many_arguments)]
async fn register_user<S: Store>(
    env: &mut Env<'_, S>,
    a: &super::accounts::Access,
    actor: &str,
    cards: &[Membership],
    email: &Email,
    template: Membership,
    opts: &InviteOptions,
    link_base: &str,
) -> Result<UserView> {
    let invitee = Invitee::Email(email.clone());
    // No read of the address's owner: the cards carry their profiles' confirmed logins.
    match address_state(cards, None, email.as_str()) {
        AddressState::Free => {}
        AddressState::AlreadyMember => return Err(Error::field(Code::AlreadyMember, "email")),
        AddressState::AlreadyInvited => return Err(Error::field(Code::AlreadyInvited, "email")),
        AddressState::Taken => return Err(Error::field(Code::EmailTaken, "email")),
    }
    let (card, _) = create_invitation(env, a, actor, &invitee, template, opts, link_base).await?;
    Ok(UserView::of(&card))
}

/// The account's cards, filtered by status and type. Extranet members may not list people.
pub async fn list_users<S: Store>(
    env: &Env<'_, S>,
    actor: &str,
    account_id: &str,
    status: Option<&str>,
    kind: Option<&str>,
) -> Result<Vec<UserView>> {
    let a = access(env, account_id, actor).await?;
    a.require_employee()?;
    let status = status
        .map(|s| MemberStatus::parse(s).ok_or_else(|| Error::field(Code::InvalidRequest, "status")))
        .transpose()?;
    let kind =
        kind.map(|s| MemberType::parse(s).ok_or_else(|| Error::field(Code::InvalidRequest, "type"))).transpose()?;
    Ok(env
        .store
        .memberships(account_id)
        .await?
        .iter()
        .filter(|m| status.is_none_or(|s| m.status == s) && kind.is_none_or(|k| m.kind == k))
        .map(UserView::of)
        .collect())
}

/// An admin's edit of a card (also of dismissed cards). `None` leaves a field alone; an
/// empty `contact_email`/`department_id`/`position` clears it.
/// Also the request body of `PATCH /accounts/{id}/users/{uid}`, read straight from the JSON
/// (unknown fields refused).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardEdit {
    pub contact_email: Option<String>,
    pub position: Option<String>,
    pub department_id: Option<String>,
    pub role: Option<String>,
    pub group_ids: Option<Vec<String>>,
}

pub async fn edit_user<S: Store>(
    env: &mut Env<'_, S>,
    actor: &str,
    account_id: &str,
    user_id: &str,
    edit: CardEdit,
) -> Result<UserView> {
    let a = access(env, account_id, actor).await?;
    a.require_admin()?;
    let mut card = env.store.membership(account_id, user_id).await?.ok_or_else(not_found)?;
    if let Some(e) = edit.contact_email {
        card.contact_email = if e.trim().is_empty() {
            None
        } else {
            Some(Email::parse(&e).map_err(|e| e.at("contact_email"))?.as_str().to_string())
        };
    }
    if let Some(p) = edit.position {
        card.position = text_field(Some(p), "position", 100)?;
    }
    if let Some(d) = edit.department_id {
        card.department_id = if d.is_empty() { None } else { Some(d) };
    }
    if let Some(g) = edit.group_ids {
        card.group_ids = g;
    }
    check_placement(env, account_id, card.department_id.as_deref(), &card.group_ids).await?;
    if card.kind == MemberType::Extranet {
        let groups = env.store.groups(account_id).await?;
        if card.group_ids.is_empty() || !card.group_ids.iter().all(|g| groups.iter().any(|x| &x.id == g && x.extranet))
        {
            return Err(Error::field(Code::ExtranetRequiresExtranetGroup, "group_ids"));
        }
    }
    let mut detail = String::new();
    let mut guard = None;
    if let Some(r) = edit.role {
        let role = Role::parse(&r).ok_or_else(|| Error::field(Code::InvalidRequest, "role"))?;
        if role == Role::Admin && card.kind == MemberType::Extranet {
            return Err(Error::field(Code::InvalidRequest, "role"));
        }
        if card.role == Role::Admin && role == Role::User && card.status == MemberStatus::Active {
            if is_last_admin(env, account_id, &card).await? {
                return Err(Error::field(Code::LastAdmin, "role"));
            }
            // Decided again inside the commit: two admins demoting each other at once
            // cannot leave the account without one.
            guard =
                Some(Guard::OtherActiveAdmin { account_id: account_id.to_string(), membership_id: card.id.clone() });
        }
        if role != card.role {
            detail = format!("role {} -> {}", card.role.as_str(), role.as_str());
        }
        card.role = role;
    }
    let mut changes: Vec<Change> = guard.map(Change::Guard).into_iter().collect();
    changes.push(Change::PutMembership(card.clone()));
    if !detail.is_empty() {
        changes.push(env.account_audit(account_id, Some(actor), "user.role", &card.id, &detail));
    }
    env.commit(changes).await?;
    // The card as written (no read after the commit: once it landed, nothing may fail).
    Ok(UserView::of(&card))
}

/// Dismisses a person: access to this account ends at once; the card stays.
pub async fn dismiss_user<S: Store>(
    env: &mut Env<'_, S>,
    actor: &str,
    account_id: &str,
    user_id: &str,
) -> Result<UserView> {
    let a = access(env, account_id, actor).await?;
    a.require_admin()?;
    let mut card = env.store.membership(account_id, user_id).await?.ok_or_else(not_found)?;
    if card.status == MemberStatus::Invited {
        return Err(not_found());
    }
    if card.role == Role::Admin && card.status == MemberStatus::Active && is_last_admin(env, account_id, &card).await? {
        return Err(Error::new(Code::LastAdmin));
    }
    let mut changes = Vec::new();
    if card.role == Role::Admin && card.status == MemberStatus::Active {
        changes.push(Change::Guard(Guard::OtherActiveAdmin {
            account_id: account_id.to_string(),
            membership_id: card.id.clone(),
        }));
    }
    card.status = MemberStatus::Dismissed;
    let audit = env.account_audit(
        account_id,
        Some(actor),
        "user.dismissed",
        &card.id,
        card.contact_email.as_deref().unwrap_or(""),
    );
    changes.push(Change::PutMembership(card.clone()));
    // Dismissal ends the person's sessions in the workspace's apps at once (back-channel
    // logout) in the same commit.
    if card.profile_id.is_some() {
        changes.push(Change::EndAppSessions {
            profile_id: card.profile_id.clone(),
            account_id: Some(account_id.to_string()),
            session_hash: None,
            except_session: None,
        });
    }
    changes.push(audit);
    env.commit(changes).await?;
    Ok(UserView::of(&card))
}
