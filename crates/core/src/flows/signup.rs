//! Sign up and confirm.

use super::codes::{self, Disclosure};
use super::sessions::{start_session, Grant};
use super::{throttle, Env};
use crate::error::{Code, Error, Result};
use crate::hashing::hash_password;
use crate::mail::MailKind;
use crate::model::{ClientKind, Profile, Purpose};
use crate::store::{Change, Store};
use crate::validate::{ConfirmationCode, Email, Name, Password, PersonalInfo, Phone};

/// The signup form. Exactly one of `email` and `phone`.
#[derive(Debug, Clone, Default)]
pub struct SignupInput {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub password: String,
    pub first_name: String,
    pub last_name: String,
    /// ISO region for national phone numbers.
    pub region: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignupOutcome {
    pub profile_id: String,
    pub channel: &'static str,
    pub to: String,
}

/// The address a form names: exactly one of email and phone.
pub(crate) enum Address {
    Email(Email),
    Phone(Phone),
}

impl Address {
    pub(crate) fn parse(email: Option<&str>, phone: Option<&str>, region: Option<&str>) -> Result<Address> {
        match (email, phone) {
            (Some(e), None) => Email::parse(e).map(Address::Email),
            (None, Some(p)) => Phone::parse(p, region).map(Address::Phone),
            (Some(_), Some(_)) => Err(Error::field(Code::InvalidRequest, "phone")),
            (None, None) => Err(Error::field(Code::InvalidEmail, "email")),
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        match self {
            Address::Email(e) => e.as_str(),
            Address::Phone(p) => p.as_str(),
        }
    }

    pub(crate) async fn owner<S: Store>(&self, store: &S) -> Result<Option<Profile>> {
        match self {
            Address::Email(e) => store.profile_by_email(e.as_str()).await,
            Address::Phone(p) => store.profile_by_phone(p.as_str()).await,
        }
    }

    /// Whether `profile` holds this address confirmed.
    pub(crate) fn confirmed_by(&self, profile: &Profile) -> bool {
        match self {
            Address::Email(e) => profile.email_confirmed && profile.email.as_deref() == Some(e.as_str()),
            Address::Phone(p) => profile.phone_confirmed && profile.phone.as_deref() == Some(p.as_str()),
        }
    }

    pub(crate) fn taken(&self) -> Error {
        match self {
            Address::Email(_) => Error::field(Code::EmailTaken, "email"),
            Address::Phone(_) => Error::field(Code::PhoneTaken, "phone"),
        }
    }
}

/// Sends a new confirmation code to an address whose profile is not confirmed yet (the
/// confirmation page's "resend"). Counted against the address's send limit first, and
/// answered alike whether or not such a profile exists (no way to probe for addresses).
pub async fn resend_signup_code<S: Store>(
    env: &mut Env<'_, S>,
    email: Option<&str>,
    phone: Option<&str>,
    region: Option<&str>,
) -> Result<()> {
    let address = Address::parse(email, phone, region)?;
    throttle::reserve(env, &[(throttle::send_key(address.as_str()), env.config.send_throttle)]).await?;
    match address.owner(env.store).await? {
        Some(profile) if !profile.is_confirmed() => {
            let changes = codes::issue(env, &profile, Purpose::Signup, address.as_str(), MailKind::SignupCode);
            env.commit(changes).await
        }
        _ => Ok(()),
    }
}

/// Creates an unconfirmed profile (or refreshes an unconfirmed one holding the same address)
/// and sends a confirmation code. A confirmed owner answers `email_taken`/`phone_taken`.
pub async fn signup<S: Store>(env: &mut Env<'_, S>, input: SignupInput) -> Result<SignupOutcome> {
    let address = Address::parse(input.email.as_deref(), input.phone.as_deref(), input.region.as_deref())?;
    let first = Name::parse(&input.first_name, "first_name")?;
    let last = Name::parse(&input.last_name, "last_name")?;
    let info = PersonalInfo {
        email: match &address {
            Address::Email(e) => Some(e.as_str()),
            _ => None,
        },
        phone: match &address {
            Address::Phone(p) => Some(p.as_str()),
            _ => None,
        },
        first_name: Some(first.as_str()),
        last_name: Some(last.as_str()),
    };
    let password = Password::parse(&input.password, &info)?;
    let existing = address.owner(env.store).await?;
    if let Some(p) = &existing {
        // A profile in use: a confirmed login, or a social identity that logs in to it.
        if p.is_confirmed() || !p.social.is_empty() {
            return Err(address.taken());
        }
    }
    throttle::reserve(env, &[(throttle::send_key(address.as_str()), env.config.send_throttle)]).await?;
    let now = env.now;
    let id = match &existing {
        Some(p) => p.id.clone(),
        None => env.id("prf"),
    };
    let hash = hash_password(password.as_str(), env.config.hash, env.config.pepper.as_deref(), env.rng);
    let profile = Profile {
        id: id.clone(),
        email: info.email.map(str::to_string),
        email_confirmed: false,
        phone: info.phone.map(str::to_string),
        phone_confirmed: false,
        password_hash: hash,
        first_name: first.as_str().to_string(),
        last_name: last.as_str().to_string(),
        photo_url: None,
        lang: env.lang,
        two_factor_enabled: false,
        password_change_required: false,
        created_at: existing.as_ref().map_or(now, |p| p.created_at),
        updated_at: now,
        social: Vec::new(),
    };
    let mut changes = vec![
        Change::PutProfile(profile.clone()),
        Change::SetPassword {
            profile_id: id.clone(),
            hash: profile.password_hash.clone(),
            replaces: None,
            change_required: false,
        },
    ];
    changes.extend(codes::issue(env, &profile, Purpose::Signup, address.as_str(), MailKind::SignupCode));
    env.commit(changes).await?;
    Ok(SignupOutcome {
        profile_id: id,
        channel: match address {
            Address::Email(_) => "email",
            Address::Phone(_) => "sms",
        },
        to: address.as_str().to_string(),
    })
}

#[derive(Debug, Clone, Default)]
pub struct ConfirmInput {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub code: String,
    pub region: Option<String>,
}

/// Confirms the signup address with its code and logs the person in. Every failure answers
/// `invalid_code` alike (unknown, confirmed, expired, exhausted), and every guess counts.
pub async fn confirm_signup<S: Store>(env: &mut Env<'_, S>, input: ConfirmInput) -> Result<Grant> {
    let address = Address::parse(input.email.as_deref(), input.phone.as_deref(), input.region.as_deref())?;
    let code = ConfirmationCode::parse(&input.code)?;
    let owner = address.owner(env.store).await?.filter(|p| !address.confirmed_by(p));
    let accepted = codes::verify(
        env,
        owner.as_ref().map(|p| p.id.as_str()),
        Purpose::Signup,
        address.as_str(),
        &code,
        Disclosure::Opaque,
    )
    .await?;
    let Some(mut profile) = owner else {
        return Err(Error::field(Code::InvalidCode, "code"));
    };
    match address {
        Address::Email(_) => profile.email_confirmed = true,
        Address::Phone(_) => profile.phone_confirmed = true,
    }
    profile.updated_at = env.now;
    let mut changes = accepted.spend;
    changes.push(Change::PutProfile(profile.clone()));
    let audit = env.audit(Some(&profile.id), "profile.confirmed", &profile.id, address.as_str());
    changes.push(audit);
    start_session(env, profile, None, ClientKind::Browser, None, changes, None).await
}
