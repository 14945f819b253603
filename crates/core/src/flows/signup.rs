//! Sign up and confirm.

use super::claims::{self, Address};
use super::codes::{self, Disclosure};
use super::gate::{self, Entry, Proof};
use super::sessions::Grant;
use super::{throttle, Env};
use crate::error::{Code, Error, Result};
use crate::hashing::hash_password;
use crate::mail::MailKind;
use crate::model::{Profile, Purpose, SignupClaim};
use crate::store::{Change, Read, Store};
use crate::validate::{ConfirmationCode, Name, Password, PersonalInfo};

/// The signup form. Exactly one of `email` and `phone`.
/// Also the route's request body, read straight from the JSON (API.md's shape; unknown
/// fields refused).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
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

/// Sends a new confirmation code to an address whose profile is not confirmed yet (the
/// confirmation page's "resend"). Counted against the client network's anonymous budget and
/// the address's send limit first, and answered alike whether or not such a profile exists
/// (no way to probe for addresses). The new code carries the pending signup's own claim (kept
/// a day past its last code); with none pending nothing is sent: the person signs up again.
pub async fn resend_signup_code<S: Store>(
    env: &mut Env<'_, S>,
    email: Option<&str>,
    phone: Option<&str>,
    region: Option<&str>,
) -> Result<()> {
    let address = Address::parse(email, phone, region)?;
    let mut keys = vec![(throttle::send_key(address.as_str()), env.config.send_throttle)];
    keys.extend(env.anonymous_keys());
    // Counted, with the owner and its pending code read, in one round trip.
    let after = env.store.hit_and_prefetch(&keys, env.now, &[Read::Code(address.key(), Purpose::Signup)]).await?;
    throttle::verdict(env.now, &keys, &after)?;
    let Some(profile) = address
        .owner(env.store)
        .await?
        .filter(|p| !p.is_confirmed() || (p.password_change_required && address.confirmed_by(p)))
    else {
        return Ok(());
    };
    // Only a pending signup's own credentials travel in a new code (its code may have expired:
    // the claim stays a day): never the profile's stored password, which whoever made the
    // claim chose.
    let Some(claim) = env.store.code(&profile.id, Purpose::Signup).await?.and_then(|c| c.claim) else {
        return Ok(());
    };
    let changes =
        codes::issue_with(env, &profile, Purpose::Signup, address.as_str(), MailKind::SignupCode, Some(claim));
    env.commit(changes).await
}

/// Signs up: a new profile (a claim until its address is confirmed) and a confirmation code.
/// Over an existing claim on the address the claim is left as it is: the new password and
/// names wait in the code, and only its confirmation (which ends the old claim) sets them. A
/// confirmed owner answers `email_taken`/`phone_taken`.
/// A signup form's fields, each parsed.
struct CheckedSignup {
    address: Address,
    first: Name,
    last: Name,
    password: Password,
}

/// Checks a signup form: every field's error at once, in the order the server answers them
/// (it answers the first): the address (exactly one of email and phone), the first and last
/// names, the password (judged against the person's own data). The one rule for both: the
/// server's `signup` and the package's `validateSignup` (through [`signup_errors`]).
fn check(input: &SignupInput) -> std::result::Result<CheckedSignup, Vec<Error>> {
    let mut errors = Vec::new();
    let address = Address::parse(input.email.as_deref(), input.phone.as_deref(), input.region.as_deref())
        .map_err(|e| errors.push(e))
        .ok();
    let first = Name::parse(&input.first_name, "first_name").map_err(|e| errors.push(e)).ok();
    let last = Name::parse(&input.last_name, "last_name").map_err(|e| errors.push(e)).ok();
    let info = PersonalInfo {
        email: match &address {
            Some(Address::Email(e)) => Some(e.as_str()),
            _ => None,
        },
        phone: match &address {
            Some(Address::Phone(p)) => Some(p.as_str()),
            _ => None,
        },
        first_name: Some(first.as_ref().map_or(input.first_name.trim(), |n| n.as_str())),
        last_name: Some(last.as_ref().map_or(input.last_name.trim(), |n| n.as_str())),
    };
    let password = Password::parse(&input.password, &info).map_err(|e| errors.push(e)).ok();
    match (address, first, last, password) {
        (Some(address), Some(first), Some(last), Some(password)) if errors.is_empty() => {
            Ok(CheckedSignup { address, first, last, password })
        }
        _ => Err(errors),
    }
}

/// Every error of a signup form, as the server judges it (empty: the server takes it, as far
/// as the form goes: the address may still be taken).
pub fn signup_errors(input: &SignupInput) -> Vec<Error> {
    check(input).err().unwrap_or_default()
}

pub async fn signup<S: Store>(env: &mut Env<'_, S>, input: SignupInput) -> Result<SignupOutcome> {
    let CheckedSignup { address, first, last, password } =
        check(&input).map_err(|e| e.into_iter().next().unwrap_or_else(|| Error::new(Code::InvalidRequest)))?;
    let existing = address.owner(env.store).await?;
    if existing.as_ref().is_some_and(|p| claims::state(p) == claims::State::Owned) {
        return Err(address.taken());
    }
    // The network's anonymous budget and the address's send limit, before any hashing.
    let mut keys = vec![(throttle::send_key(address.as_str()), env.config.send_throttle)];
    keys.extend(env.anonymous_keys());
    throttle::reserve(env, &keys).await?;
    let now = env.now;
    let hash = hash_password(password.as_str(), env.config.hash, env.config.pepper.as_deref(), env.rng);
    let claim = SignupClaim {
        password_hash: hash.clone(),
        first_name: first.as_str().to_string(),
        last_name: last.as_str().to_string(),
        password_change_required: false,
        contested: false,
    };
    let mut changes = Vec::new();
    let mut claim = claim;
    let profile = match existing {
        Some(mut claimed) => {
            // Another party's signup still pending (its code in the same inbox): the one who
            // confirms must also prove which of them they are, with the password.
            // With nothing pending, the claim's own stored password stands for its author (a
            // login with it would send this new code on).
            let pending = env.store.code(&claimed.id, Purpose::Signup).await?.and_then(|c| c.claim);
            let (earlier, was_contested) = match &pending {
                Some(p) => (p.password_hash.clone(), p.contested),
                None => (claimed.password_hash.clone(), false),
            };
            if !earlier.is_empty() {
                let same = crate::hashing::verify_password(
                    password.as_str(),
                    &earlier,
                    env.config.hash,
                    env.config.pepper.as_deref(),
                )
                .ok;
                claim.contested = was_contested || !same;
            }
            // The code goes out in the requester's language; the claim itself is untouched.
            claimed.lang = env.lang;
            claimed
        }
        None => {
            let profile = Profile {
                id: env.id("prf"),
                email: match &address {
                    Address::Email(e) => Some(e.as_str().to_string()),
                    Address::Phone(_) => None,
                },
                email_confirmed: false,
                phone: match &address {
                    Address::Phone(p) => Some(p.as_str().to_string()),
                    Address::Email(_) => None,
                },
                phone_confirmed: false,
                password_hash: hash.clone(),
                first_name: claim.first_name.clone(),
                last_name: claim.last_name.clone(),
                photo_url: None,
                lang: env.lang,
                two_factor_enabled: false,
                password_change_required: false,
                created_at: now,
                updated_at: now,
                social: Vec::new(),
            };
            changes.push(Change::PutProfile(profile.clone()));
            changes.push(Change::SetPassword {
                profile_id: profile.id.clone(),
                hash,
                replaces: None,
                change_required: false,
            });
            profile
        }
    };
    changes.extend(codes::issue_with(
        env,
        &profile,
        Purpose::Signup,
        address.as_str(),
        MailKind::SignupCode,
        Some(claim),
    ));
    env.commit(changes).await?;
    Ok(SignupOutcome {
        profile_id: profile.id,
        channel: match address {
            Address::Email(_) => "email",
            Address::Phone(_) => "sms",
        },
        to: address.as_str().to_string(),
    })
}

/// Also the route's request body, read straight from the JSON (API.md's shape; unknown
/// fields refused).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfirmInput {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub code: String,
    pub region: Option<String>,
    /// The password the signup chose: required when the code's claim is contested (two
    /// parties' signups to one address were pending), checked whenever given.
    pub password: Option<String>,
}

/// Confirms the signup address with its code and logs the person in through the gate. The
/// code proves the address for whoever asked for it: the claim on the address ends
/// (`claims::prove`) and the profile takes the credentials the code carries. Every failure
/// answers `invalid_code` alike (unknown, confirmed, expired, exhausted), and every guess
/// counts.
pub async fn confirm_signup<S: Store>(env: &mut Env<'_, S>, input: ConfirmInput) -> Result<Grant> {
    let address = Address::parse(input.email.as_deref(), input.phone.as_deref(), input.region.as_deref())?;
    let code = ConfirmationCode::parse(&input.code)?;
    // The guess is counted, and the owner and its code read, in one round trip.
    let keys = env.code_keys(address.as_str());
    codes::count(env, &keys, &[Read::Code(address.key(), Purpose::Signup)]).await?;
    // A claim, or an owned profile whose password someone else chose (each login with it
    // comes back here through the inbox).
    let owner = address.owner(env.store).await?.filter(|p| {
        claims::state(p) == claims::State::Claim || (p.password_change_required && address.confirmed_by(p))
    });
    let accepted = codes::verify_counted(
        env,
        &keys,
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
    // A password sent with the code must be the claim's; the guess counts like a login's.
    let mut password_refunds = Vec::new();
    if let (Some(c), Some(p)) = (&accepted.record.claim, input.password.as_deref()) {
        let keys = env.password_keys(address.as_str());
        throttle::reserve(env, &keys).await?;
        let right = Password::for_login(p).is_ok_and(|p| {
            crate::hashing::verify_password(p.as_str(), &c.password_hash, env.config.hash, env.config.pepper.as_deref())
                .ok
        });
        if !right {
            // The code stays for the right password.
            return Err(Error::field(Code::InvalidCredentials, "password"));
        }
        password_refunds = throttle::refund(&keys);
    }
    let mut changes = accepted.spend;
    changes.extend(password_refunds);
    let kept_change_required = profile.password_change_required;
    changes.extend(claims::prove(&mut profile, &address, claims::Prover::Other));
    profile.password_change_required = kept_change_required;
    match &accepted.record.claim {
        // Two parties' signups were pending and the confirmation did not say which it is: the
        // code proves the address, but neither claimant's password is set. The prover's
        // session sets the first password (`new_password` alone, as after a social sign-up);
        // later, "forgot password" on the confirmed address.
        Some(c) if c.contested && input.password.is_none() => {
            profile.password_hash = String::new();
            profile.password_change_required = false;
            profile.first_name = String::new();
            profile.last_name = String::new();
            profile.lang = env.lang;
        }
        Some(c) => {
            profile.first_name = c.first_name.clone();
            profile.last_name = c.last_name.clone();
            profile.password_hash = c.password_hash.clone();
            profile.password_change_required = c.password_change_required;
            profile.lang = env.lang;
        }
        None => {}
    }
    profile.updated_at = env.now;
    changes.push(Change::PutProfile(profile.clone()));
    changes.push(Change::SetPassword {
        profile_id: profile.id.clone(),
        hash: profile.password_hash.clone(),
        replaces: None,
        change_required: profile.password_change_required,
    });
    let audit = env.audit(Some(&profile.id), "profile.confirmed", &profile.id, address.as_str());
    changes.push(audit);
    gate::admit(env, profile, Proof::Address, Entry::default(), changes).await
}
