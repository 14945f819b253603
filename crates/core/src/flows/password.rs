//! Forgotten passwords: a code to the login, then a new password.

use super::claims::Address;
use super::codes::{self, Disclosure};
use super::{claims, throttle, Env};
use crate::error::{Code, Error, Result};
use crate::hashing::hash_password;
use crate::mail::MailKind;
use crate::model::Purpose;
use crate::store::{Change, Read, Store};
use crate::validate::{ConfirmationCode, Login, Password, PersonalInfo};

fn address_of(login: Login) -> Address {
    match login {
        Login::Email(e) => Address::Email(e),
        Login::Phone(p) => Address::Phone(p),
    }
}

/// Sends a reset code when the login exists; answers the same either way. The send limit
/// per address is counted first, atomically, known login or not, and a throttled request is
/// as silent as an unknown login.
pub async fn forgot_password<S: Store>(env: &mut Env<'_, S>, login: &str, region: Option<&str>) -> Result<()> {
    let address = address_of(Login::parse(login, region)?);
    // The network's anonymous budget answers 429 (it says nothing about the address); the
    // address's own send limit is as silent as an unknown login.
    throttle::reserve(env, &env.anonymous_keys()).await?;
    let send = [(throttle::send_key(address.as_str()), env.config.send_throttle)];
    // The address's send counted, and its owner read, in one round trip.
    let after = env.store.hit_and_prefetch(&send, env.now, &[Read::Login(address.key())]).await?;
    if throttle::verdict(env.now, &send, &after).is_err() {
        return Ok(());
    }
    // An owned profile resets only through a login it proved: an unconfirmed address on it is
    // somebody's claim, not a way in (`claims`).
    let Some(profile) =
        address.owner(env.store).await?.filter(|p| claims::state(p) == claims::State::Claim || address.confirmed_by(p))
    else {
        return Ok(());
    };
    let changes = codes::issue(env, &profile, Purpose::PasswordReset, address.as_str(), MailKind::PasswordResetCode);
    env.commit(changes).await
}

/// Also the route's request body, read straight from the JSON (API.md's shape; unknown
/// fields refused).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResetInput {
    pub login: String,
    pub code: String,
    pub new_password: String,
    pub region: Option<String>,
}

/// Sets a new password with the code; every session of the profile ends and the person is
/// told. The code is checked before anything else (the new password's strength would tell a
/// known login from an unknown one), every guess counts, and every failure of the code is
/// `invalid_code`. The code reached the login, so that login counts as confirmed.
pub async fn reset_password<S: Store>(env: &mut Env<'_, S>, input: ResetInput) -> Result<()> {
    let address = address_of(Login::parse(&input.login, input.region.as_deref())?);
    let code = ConfirmationCode::parse(&input.code)?;
    let keys = env.code_keys(address.as_str());
    codes::count(env, &keys, &[Read::Code(address.key(), Purpose::PasswordReset)]).await?;
    let owner = address.owner(env.store).await?;
    let accepted = codes::verify_counted(
        env,
        &keys,
        owner.as_ref().map(|p| p.id.as_str()),
        Purpose::PasswordReset,
        address.as_str(),
        &code,
        Disclosure::Opaque,
    )
    .await?;
    let Some(mut profile) = owner else {
        return Err(Error::field(Code::InvalidCode, "code"));
    };
    let info = PersonalInfo {
        email: profile.email.as_deref(),
        phone: profile.phone.as_deref(),
        first_name: Some(&profile.first_name),
        last_name: Some(&profile.last_name),
    };
    let new = match Password::parse(&input.new_password, &info) {
        Ok(p) => p,
        Err(e) => {
            // The code was right: the guess is given back, the code stays for the next try.
            env.commit(accepted.refunds).await?;
            return Err(e.at("new_password"));
        }
    };
    if claims::state(&profile) == claims::State::Owned && !address.confirmed_by(&profile) {
        env.commit(accepted.refunds).await?;
        return Err(Error::field(Code::InvalidCode, "code"));
    }
    let mut changes = accepted.spend;
    // The code proves the address: a claim on it ends, and the prover's profile is clean.
    changes.extend(claims::prove(&mut profile, &address, claims::Prover::Other));
    profile.updated_at = env.now;
    changes.extend([
        Change::PutProfile(profile.clone()),
        Change::SetPassword {
            profile_id: profile.id.clone(),
            hash: hash_password(new.as_str(), env.config.hash, env.config.pepper.as_deref(), env.rng),
            replaces: None,
            change_required: false,
        },
        Change::DeleteSessionsOf { profile_id: profile.id.clone(), except: None },
        Change::DeleteRefreshTokensOf { profile_id: profile.id.clone(), except_family: None },
        Change::DeleteTicketsOf(profile.id.clone()),
        Change::DeleteThrottle(throttle::login_key(address.as_str())),
    ]);
    changes.push(env.message(MailKind::PasswordChanged, profile.lang, address.as_str(), None));
    changes.push(env.audit(Some(&profile.id), "password.reset", &profile.id, address.as_str()));
    env.commit(changes).await
}
