//! Logging in with a password: the login's read, its throttles, the second factor when the
//! profile has one (a ticket for `two_factor::second_step`), and the gate. Above
//! `two_factor`, which is above the low `sessions` module.

use super::gate::{self, Entry, Proof};
use super::sessions::{login_account, Grant};
use super::{browsers, codes, throttle, Env};
use crate::error::{Code, Error, Result};
use crate::hashing::{burn, hash_password, verify_password};
use crate::mail::MailKind;
use crate::model::{ClientKind, Purpose, SignupClaim};
use crate::store::{Change, Guard, LoginKey, Store};
use crate::validate::{Login, Password};

#[derive(Debug, Clone, Default)]
pub struct LoginInput {
    pub login: String,
    pub password: String,
    pub client: ClientKind,
    pub account_id: Option<String>,
    pub region: Option<String>,
    /// The second factor, for a profile with two-step authentication on.
    pub factor: super::two_factor::Factor,
}

/// Logs in with email or phone and password. The attempt is counted per login and per
/// client network BEFORE the password is checked (so concurrent guesses cannot outrun the
/// throttle); unknown logins cost the same hashing work as known ones.
pub async fn login<S: Store>(env: &mut Env<'_, S>, input: LoginInput) -> Result<Grant> {
    let login = Login::parse(&input.login, input.region.as_deref())?;
    let password = Password::for_login(&input.password)?;
    let keys = env.password_keys(login.as_str());
    // One round trip: the attempt is counted, then the profile read, in one transaction.
    let key = match &login {
        Login::Email(e) => LoginKey::Email(e.as_str()),
        Login::Phone(p) => LoginKey::Phone(p.as_str()),
    };
    let (after, found) = env.store.hit_and_find(&keys, env.now, key).await?;
    throttle::verdict(env.now, &keys, &after)?;
    let (profile, accounts) = found.unzip();
    let policy = env.config.hash;
    let pepper = env.config.pepper.clone();
    let verified = match &profile {
        Some(p) => verify_password(password.as_str(), &p.password_hash, policy, pepper.as_deref()),
        None => {
            burn(password.as_str(), policy);
            crate::hashing::Verified { ok: false, needs_rehash: false }
        }
    };
    let Some(profile) = profile.filter(|_| verified.ok) else {
        return Err(Error::field(Code::InvalidCredentials, "password"));
    };
    // The login's counter starts again; the network's attempt is given back.
    let mut changes = vec![Change::DeleteThrottle(throttle::login_key(login.as_str()))];
    changes.extend(throttle::refund(&keys[1..]));
    let (login_confirmed, unconfirmed_code) = match &login {
        Login::Email(_) => (profile.email_confirmed, Code::EmailUnconfirmed),
        Login::Phone(_) => (profile.phone_confirmed, Code::PhoneUnconfirmed),
    };
    // A password someone else chose (an admin) proves nothing: until its owner replaces it,
    // every login with it goes through the inbox again (a code, then the restricted session),
    // so the admin who knows it cannot enter once the owner has confirmed.
    let login_confirmed = login_confirmed && !profile.password_change_required;
    // The second factor is checked before anything else happens for this profile: a
    // profile with two-step on gets no code sent on the password alone.
    let mut proof = Proof::Password;
    let mut remembered = None;
    let profile_accounts = accounts.as_deref().unwrap_or_default();
    if profile.two_factor_enabled && !input.factor.is_empty() {
        changes.extend(super::two_factor::verify_factor(env, &profile, &input.factor).await?);
        proof = Proof::PasswordAndFactor;
        if input.factor.remember && input.client == ClientKind::Browser {
            if let Some((cookie, remember)) = browsers::remember(env, &profile, profile_accounts) {
                changes.extend(remember);
                remembered = Some(cookie);
            }
        }
    } else if profile.two_factor_enabled && input.client == ClientKind::Browser {
        // A browser remembered after a second step stands in for it.
        if let Some(used) = browsers::recognise(env, &profile, profile_accounts).await? {
            changes.extend(used);
            proof = Proof::PasswordAndBrowser;
        }
    }
    if !login_confirmed {
        if profile.two_factor_enabled && !proof.includes_second_factor() {
            env.commit(changes).await?;
            return Err(Error::field(unconfirmed_code, "login"));
        }
        let mut keys = vec![(throttle::send_key(login.as_str()), env.config.send_throttle)];
        keys.extend(env.anonymous_keys());
        throttle::reserve(env, &keys).await?;
        // The code confirms the address for the password this login just proved, unless a
        // signup's claim is pending: then that one travels again (a login never replaces it).
        // A pending claim of another password than the one this login proved is another
        // party's: both now hold a code from this inbox, so it becomes contested.
        let pending = env.store.code(&profile.id, Purpose::Signup).await?.and_then(|c| c.claim).map(|mut c| {
            c.contested = c.contested || c.password_hash != profile.password_hash;
            c
        });
        let claim = pending.unwrap_or_else(|| SignupClaim {
            password_hash: profile.password_hash.clone(),
            first_name: profile.first_name.clone(),
            last_name: profile.last_name.clone(),
            password_change_required: profile.password_change_required,
            contested: false,
        });
        changes.extend(codes::issue_with(
            env,
            &profile,
            Purpose::Signup,
            login.as_str(),
            MailKind::SignupCode,
            Some(claim),
        ));
        env.commit(changes).await?;
        return Err(Error::field(unconfirmed_code, "login"));
    }
    // The session lands only while the password is still the one verified here: a reset or
    // change committed meanwhile ends the sessions it saw, and this one is not made after it.
    // (After the factor's guard: a replayed code still answers `invalid_otp`.)
    changes.push(Change::Guard(Guard::PasswordUnchanged {
        profile_id: profile.id.clone(),
        hash: profile.password_hash.clone(),
    }));
    if verified.needs_rehash {
        changes.push(Change::SetPassword {
            profile_id: profile.id.clone(),
            hash: hash_password(password.as_str(), policy, pepper.as_deref(), env.rng),
            replaces: Some(profile.password_hash.clone()),
            change_required: profile.password_change_required,
        });
    }
    // The account is entered (and its activity recorded) only with a session: a second step
    // still to come keeps the requested account on its ticket.
    let account_id = if profile.two_factor_enabled && proof == Proof::Password {
        input.account_id
    } else {
        login_account(env, &profile.id, input.account_id, &mut changes).await?
    };
    let entry = Entry { account_id, client: input.client, accounts, login: Some(login.as_str().to_string()) };
    let mut grant = gate::admit(env, profile, proof, entry, changes).await?;
    grant.remembered = remembered;
    Ok(grant)
}
