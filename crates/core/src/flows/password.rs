//! Forgotten passwords: a code to the login, then a new password.

use super::signup::Address;
use super::{codes, throttle, Env};
use crate::error::{Code, Error, Result};
use crate::hashing::hash_password;
use crate::mail::MailKind;
use crate::model::Purpose;
use crate::store::{Change, Store};
use crate::validate::{ConfirmationCode, Login, Password, PersonalInfo};

fn address_of(login: Login) -> Address {
    match login {
        Login::Email(e) => Address::Email(e),
        Login::Phone(p) => Address::Phone(p),
    }
}

/// Sends a reset code when the login exists; answers the same either way.
pub async fn forgot_password<S: Store>(env: &mut Env<'_, S>, login: &str, region: Option<&str>) -> Result<()> {
    let address = address_of(Login::parse(login, region)?);
    let Some(profile) = address.owner(env.store).await? else {
        return Ok(());
    };
    let send_key = format!("send:{}", address.as_str());
    if throttle::check(env, &send_key).await.is_err() {
        // Silently: the answer must not differ from an unknown login's.
        return Ok(());
    }
    let mut changes =
        codes::issue(env, &profile, Purpose::PasswordReset, address.as_str(), MailKind::PasswordResetCode);
    changes.push(throttle::fail(env, &send_key, env.config.send_throttle).await?);
    env.commit(changes).await
}

#[derive(Debug, Clone, Default)]
pub struct ResetInput {
    pub login: String,
    pub code: String,
    pub new_password: String,
    pub region: Option<String>,
}

/// Sets a new password with the code; every session of the profile ends. The code reached
/// the login, so that login counts as confirmed.
pub async fn reset_password<S: Store>(env: &mut Env<'_, S>, input: ResetInput) -> Result<()> {
    let address = address_of(Login::parse(&input.login, input.region.as_deref())?);
    let code = ConfirmationCode::parse(&input.code)?;
    let Some(mut profile) = address.owner(env.store).await? else {
        return Err(Error::field(Code::InvalidCode, "code"));
    };
    let info = PersonalInfo {
        email: profile.email.as_deref(),
        phone: profile.phone.as_deref(),
        first_name: Some(&profile.first_name),
        last_name: Some(&profile.last_name),
    };
    let new = Password::parse(&input.new_password, &info).map_err(|e| e.at("new_password"))?;
    codes::verify(env, &profile.id, Purpose::PasswordReset, address.as_str(), &code).await?;
    profile.password_hash = hash_password(new.as_str(), env.config.hash, env.config.pepper.as_deref(), env.rng);
    match &address {
        Address::Email(_) => profile.email_confirmed = true,
        Address::Phone(_) => profile.phone_confirmed = true,
    }
    profile.updated_at = env.now;
    let mut changes = vec![
        Change::PutProfile(profile.clone()),
        Change::DeleteCode { profile_id: profile.id.clone(), purpose: Purpose::PasswordReset },
        Change::DeleteSessionsOf { profile_id: profile.id.clone(), except: None },
        Change::DeleteRefreshTokensOf { profile_id: profile.id.clone(), except_family: None },
        Change::DeleteThrottle(format!("login:{}", address.as_str())),
    ];
    changes.push(env.audit(Some(&profile.id), "password.reset", &profile.id, address.as_str()));
    env.commit(changes).await
}
