//! Editing the network profile: names, photo, email, phone, password, deletion.

use super::claims::Address;
use super::codes::{self, Disclosure};
use super::sessions::reauthenticate;
use super::{not_found, throttle, Env, Me};
use crate::error::{Code, Error, Result};
use crate::hashing::{hash_password, verify_password};
use crate::mail::MailKind;
use crate::model::{Profile, Purpose, Session};
use crate::store::{Change, Read, Store};
use crate::validate::{ConfirmationCode, Email, Name, Password, PersonalInfo, Phone};

async fn load<S: Store>(env: &Env<'_, S>, profile_id: &str) -> Result<Profile> {
    env.store.profile(profile_id).await?.ok_or_else(|| Error::new(Code::Unauthenticated))
}

#[derive(Debug, Clone, Default)]
pub struct NamesInput {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub apply_to_all_accounts: bool,
}

/// Changes first and/or last name; with the flag, the person's card in every account too.
pub async fn update_names<S: Store>(env: &mut Env<'_, S>, profile_id: &str, input: NamesInput) -> Result<Me> {
    let mut profile = load(env, profile_id).await?;
    let first = input.first_name.as_deref().map(|s| Name::parse(s, "first_name")).transpose()?;
    let last = input.last_name.as_deref().map(|s| Name::parse(s, "last_name")).transpose()?;
    if let Some(f) = &first {
        profile.first_name = f.as_str().to_string();
    }
    if let Some(l) = &last {
        profile.last_name = l.as_str().to_string();
    }
    profile.updated_at = env.now;
    let mut changes = vec![Change::PutProfile(profile.clone())];
    if input.apply_to_all_accounts {
        changes.push(Change::UpdateCards {
            profile_id: profile.id.clone(),
            first_name: Some(profile.first_name.clone()),
            last_name: Some(profile.last_name.clone()),
            contact_email: None,
            phone: None,
            photo_url: None,
        });
    }
    // Everything the answer needs is read before the commit: once it landed, nothing may
    // fail the request (a 500 must mean "nothing happened").
    let accounts = env.store.accounts_of(&profile.id).await?;
    env.commit(changes).await?;
    Ok(super::me::me_of(&profile, accounts))
}

/// Records a new photo URL (the bytes are stored by the caller).
pub async fn set_photo<S: Store>(
    env: &mut Env<'_, S>,
    profile_id: &str,
    url: &str,
    apply_to_all_accounts: bool,
) -> Result<Me> {
    let mut profile = load(env, profile_id).await?;
    profile.photo_url = Some(url.to_string());
    profile.updated_at = env.now;
    let mut changes = vec![Change::PutProfile(profile.clone())];
    if apply_to_all_accounts {
        changes.push(Change::UpdateCards {
            profile_id: profile.id.clone(),
            first_name: None,
            last_name: None,
            contact_email: None,
            phone: None,
            photo_url: Some(url.to_string()),
        });
    }
    // Everything the answer needs is read before the commit: once it landed, nothing may
    // fail the request (a 500 must mean "nothing happened").
    let accounts = env.store.accounts_of(&profile.id).await?;
    env.commit(changes).await?;
    Ok(super::me::me_of(&profile, accounts))
}

/// Removes the photo; the cards that show it (copied by "apply to all accounts") lose it too,
/// since its bytes go. Answers the URL that was removed, for the caller to delete the bytes.
pub async fn remove_photo<S: Store>(env: &mut Env<'_, S>, profile_id: &str) -> Result<(Me, Option<String>)> {
    let mut profile = load(env, profile_id).await?;
    let Some(old) = profile.photo_url.take() else {
        let accounts = env.store.accounts_of(&profile.id).await?;
        return Ok((super::me::me_of(&profile, accounts), None));
    };
    profile.updated_at = env.now;
    let changes = vec![
        Change::PutProfile(profile.clone()),
        Change::ClearCardPhotos { profile_id: profile.id.clone(), url: old.clone() },
    ];
    let accounts = env.store.accounts_of(&profile.id).await?;
    env.commit(changes).await?;
    Ok((super::me::me_of(&profile, accounts), Some(old)))
}

async fn request_change<S: Store>(
    env: &mut Env<'_, S>,
    profile_id: &str,
    address: Address,
    password: &str,
) -> Result<()> {
    let profile = load(env, profile_id).await?;
    let (current, purpose, kind) = match &address {
        Address::Email(_) => (profile.email.as_deref(), Purpose::EmailChange, MailKind::EmailChangeCode),
        Address::Phone(_) => (profile.phone.as_deref(), Purpose::PhoneChange, MailKind::PhoneChangeCode),
    };
    if current == Some(address.as_str()) {
        let field = match address {
            Address::Email(_) => "email",
            Address::Phone(_) => "phone",
        };
        return Err(Error::field(Code::ValueUnchanged, field));
    }
    // The password's attempt counted, and the address's owner read, in one round trip.
    let refunds = reauthenticate(env, &profile, password, "password", &[Read::Login(address.key())]).await?;
    let outcome = async {
        if let Some(owner) = address.owner(env.store).await? {
            if owner.id != profile.id && owner.is_confirmed() {
                return Err(address.taken());
            }
        }
        // The send is counted only once the password is right (a wrong one cannot spend
        // the address's budget).
        throttle::reserve(env, &[(throttle::send_key(address.as_str()), env.config.send_throttle)]).await
    }
    .await;
    env.settle(refunds.clone(), outcome).await?;
    let mut changes = codes::issue(env, &profile, purpose, address.as_str(), kind);
    changes.extend(refunds);
    env.commit(changes).await
}

/// Sends a code to the NEW email, with the current password; `email_taken` when a confirmed
/// profile owns it.
pub async fn request_email_change<S: Store>(
    env: &mut Env<'_, S>,
    profile_id: &str,
    email: &str,
    password: &str,
) -> Result<()> {
    let address = Address::Email(Email::parse(email)?);
    request_change(env, profile_id, address, password).await
}

/// Sends an SMS code to the new phone; `phone_taken` when a confirmed profile owns it.
pub async fn request_phone_change<S: Store>(
    env: &mut Env<'_, S>,
    profile_id: &str,
    phone: &str,
    region: Option<&str>,
    password: &str,
) -> Result<()> {
    let address = Address::Phone(Phone::parse(phone, region)?);
    request_change(env, profile_id, address, password).await
}

async fn confirm_change<S: Store>(
    env: &mut Env<'_, S>,
    profile_id: &str,
    address: Address,
    code: &str,
    apply_to_all_accounts: bool,
) -> Result<Me> {
    let code = ConfirmationCode::parse(code)?;
    let mut profile = load(env, profile_id).await?;
    let purpose = match address {
        Address::Email(_) => Purpose::EmailChange,
        Address::Phone(_) => Purpose::PhoneChange,
    };
    // The guess counted, the code and the address's owner read, in one round trip.
    let keys = env.code_keys(address.as_str());
    codes::count(env, &keys, &[Read::CodeOf(&profile.id, purpose), Read::Login(address.key())]).await?;
    let accepted =
        codes::verify_counted(env, &keys, Some(&profile.id), purpose, address.as_str(), &code, Disclosure::Detailed)
            .await?;
    let mut changes = accepted.spend;
    if let Some(owner) = address.owner(env.store).await? {
        if owner.id != profile.id {
            if owner.is_confirmed() {
                return Err(address.taken());
            }
            // A claim holding the address (an abandoned signup, an unverified social sign-up)
            // gives way when nothing else hangs on it; a claim with cards (an admin bound
            // them to the address, or it made an account) is ended by a proof that becomes
            // its profile (a signup, a reset, an invitation), not by another profile's change.
            if env.store.linked_account_count(&owner.id).await? != 0 {
                return Err(address.taken());
            }
            changes.push(Change::DeleteProfile(owner.id));
        }
    }
    let old_confirmed = match &address {
        Address::Email(_) => profile.email_confirmed,
        Address::Phone(_) => profile.phone_confirmed,
    };
    let old = match &address {
        Address::Email(e) => {
            let old = profile.email.replace(e.as_str().to_string());
            profile.email_confirmed = true;
            old
        }
        Address::Phone(p) => {
            let old = profile.phone.replace(p.as_str().to_string());
            profile.phone_confirmed = true;
            old
        }
    };
    // An owned profile holds only proven logins: a claim that proves another login of its own
    // lets go of the unproven one, which stays free for whoever proves it.
    match &address {
        Address::Email(_) if !profile.phone_confirmed => profile.phone = None,
        Address::Phone(_) if !profile.email_confirmed => profile.email = None,
        _ => {}
    }
    profile.updated_at = env.now;
    changes.push(Change::PutProfile(profile.clone()));
    // The old address is told: a stolen session must not turn silently into a takeover.
    if let (Address::Email(_), Some(old)) = (&address, old.as_deref()) {
        let masked = mask(address.as_str());
        changes.push(env.outbox(MailKind::EmailChanged, profile.lang, old, &[("email", &masked)], None));
    }
    if let (Address::Phone(_), Some(old), true) = (&address, old.as_deref(), old_confirmed) {
        changes.push(env.outbox(MailKind::PhoneChanged, profile.lang, old, &[], None));
    }
    if apply_to_all_accounts {
        let (contact_email, phone) = match &address {
            Address::Email(e) => (Some(e.as_str().to_string()), None),
            Address::Phone(p) => (None, Some(p.as_str().to_string())),
        };
        changes.push(Change::UpdateCards {
            profile_id: profile.id.clone(),
            first_name: None,
            last_name: None,
            contact_email,
            phone,
            photo_url: None,
        });
    }
    let detail = format!("{} -> {}", old.as_deref().unwrap_or("-"), address.as_str());
    let audit = env.audit(Some(&profile.id), purpose.as_str(), &profile.id, &detail);
    changes.push(audit);
    // Everything the answer needs is read before the commit: once it landed, nothing may
    // fail the request (a 500 must mean "nothing happened").
    let accounts = env.store.accounts_of(&profile.id).await?;
    env.commit(changes).await?;
    Ok(super::me::me_of(&profile, accounts))
}

/// Confirms the new email; the old one is free from now on.
pub async fn confirm_email_change<S: Store>(
    env: &mut Env<'_, S>,
    profile_id: &str,
    email: &str,
    code: &str,
    apply_to_all_accounts: bool,
) -> Result<Me> {
    let address = Address::Email(Email::parse(email)?);
    confirm_change(env, profile_id, address, code, apply_to_all_accounts).await
}

/// Confirms the new phone.
pub async fn confirm_phone_change<S: Store>(
    env: &mut Env<'_, S>,
    profile_id: &str,
    phone: &str,
    region: Option<&str>,
    code: &str,
    apply_to_all_accounts: bool,
) -> Result<Me> {
    let address = Address::Phone(Phone::parse(phone, region)?);
    confirm_change(env, profile_id, address, code, apply_to_all_accounts).await
}

/// Changes the password with the current one (checked like a login attempt); every other
/// session of the profile ends, and the person is told.
pub async fn change_password<S: Store>(
    env: &mut Env<'_, S>,
    session: &Session,
    current: Option<&str>,
    new: &str,
) -> Result<()> {
    let profile = load(env, &session.profile_id).await?;
    // A profile without a password sets its first one with `new_password` only (from a
    // session younger than 10 minutes); any other needs the current one.
    let refunds = match (profile.has_password(), current) {
        (true, None) => return Err(Error::field(Code::InvalidCredentials, "current_password")),
        (_, current) => reauthenticate(env, &profile, current.unwrap_or(""), "current_password", &[]).await?,
    };
    let info = PersonalInfo {
        email: profile.email.as_deref(),
        phone: profile.phone.as_deref(),
        first_name: Some(&profile.first_name),
        last_name: Some(&profile.last_name),
    };
    let new = match Password::parse(new, &info) {
        Ok(p) => p,
        Err(e) => return env.settle(refunds, Err(e.at("new_password"))).await,
    };
    if profile.password_change_required
        && verify_password(new.as_str(), &profile.password_hash, env.config.hash, env.config.pepper.as_deref()).ok
    {
        return env.settle(refunds, Err(Error::field(Code::ValueUnchanged, "new_password"))).await;
    }
    let mut changes = refunds;
    changes.extend([
        Change::SetPassword {
            profile_id: profile.id.clone(),
            hash: hash_password(new.as_str(), env.config.hash, env.config.pepper.as_deref(), env.rng),
            replaces: None,
            change_required: false,
        },
        Change::ClearPasswordChangeRequired(profile.id.clone()),
        Change::DeleteSessionsOf { profile_id: profile.id.clone(), except: Some(session.token_hash.clone()) },
        // The apps' sessions made from this one end too: a new password signs in again
        // everywhere but here (back-channel logout).
        Change::EndAppSessions {
            profile_id: Some(profile.id.clone()),
            account_id: None,
            session_hash: None,
            except_session: None,
        },
        Change::DeleteRefreshTokensOf { profile_id: profile.id.clone(), except_family: session.family_id.clone() },
        Change::DeleteTicketsOf(profile.id.clone()),
    ]);
    if let Some(to) = notice_address(&profile) {
        changes.push(env.message(MailKind::PasswordChanged, profile.lang, &to, None));
    }
    changes.push(env.audit(Some(&profile.id), "password.changed", &profile.id, ""));
    env.commit(changes).await
}

pub(crate) use super::me::notice_address;

/// `m***@example.com`: enough for the owner to recognise, not a new address handed to whoever
/// reads the old mailbox.
fn mask(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => address.to_string(),
    }
}

/// Deletes the profile, with the password (checked like a login attempt), only when no
/// account is linked to it.
pub async fn delete_profile<S: Store>(env: &mut Env<'_, S>, profile_id: &str, password: &str) -> Result<()> {
    let profile = env.store.profile(profile_id).await?.ok_or_else(not_found)?;
    let refunds = reauthenticate(env, &profile, password, "password", &[]).await?;
    // Decided again by the commit's guard: a card linked meanwhile keeps the profile.
    if env.store.linked_account_count(profile_id).await? > 0 {
        return env.settle(refunds, Err(Error::new(Code::ProfileHasAccounts))).await;
    }
    let audit = env.audit(Some(profile_id), "profile.deleted", profile_id, "");
    let mut changes = refunds;
    changes.extend([Change::DeleteProfile(profile_id.to_string()), audit]);
    env.commit(changes).await
}
