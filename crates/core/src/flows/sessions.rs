//! Login, sessions with a sliding idle timeout, desktop refresh tokens, logout.

pub use super::gate::Grant;
use super::gate::{self, Entry, Proof};
use super::{codes, not_found, throttle, Env};
use crate::error::{Code, Error, Result};
use crate::hashing::{burn, hash_password, verify_password};
use crate::mail::MailKind;
use crate::model::{ClientKind, Profile, Purpose, RefreshToken, Session, SignupClaim};
use crate::store::{Change, Guard, LoginKey, Store};
use crate::tokens::token_hash;
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
    if profile.two_factor_enabled && !input.factor.is_empty() {
        changes.extend(super::two_factor::verify_factor(env, &profile, &input.factor).await?);
        proof = Proof::PasswordAndFactor;
    }
    if !login_confirmed {
        if profile.two_factor_enabled && proof != Proof::PasswordAndFactor {
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
    gate::admit(env, profile, proof, entry, changes).await
}

/// The account a login enters (`account_id`): the person's active card there (404
/// otherwise), and the activity that keeps the account alive.
pub(crate) async fn login_account<S: Store>(
    env: &Env<'_, S>,
    profile_id: &str,
    account_id: Option<String>,
    changes: &mut Vec<Change>,
) -> Result<Option<String>> {
    let Some(id) = account_id else {
        return Ok(None);
    };
    let member = env
        .store
        .membership_of(&id, profile_id)
        .await?
        .filter(|m| m.status == crate::model::MemberStatus::Active)
        .ok_or_else(|| not_found().at("account_id"))?;
    changes.push(Change::RecordActivity { account_id: id.clone(), membership_id: member.id, at: env.now });
    Ok(Some(id))
}

/// Checks the person's own password for a sensitive action (changing the email, phone or
/// password, deleting the profile; for a profile without a password, the session's age). It counts as a login attempt: per login and per network,
/// before the check, and a wrong one stays counted.
pub(crate) async fn reauthenticate<S: Store>(
    env: &Env<'_, S>,
    profile: &Profile,
    password: &str,
    field: &'static str,
) -> Result<()> {
    let invalid = || Error::field(Code::InvalidCredentials, field);
    if !profile.has_password() {
        // A profile made by a social signup: a young session stands in for the password.
        return match env.session_started {
            Some(started) if env.now - started < super::REAUTH_WINDOW => Ok(()),
            _ => Err(Error::new(Code::ReauthenticationRequired)),
        };
    }
    let password = Password::for_login(password).map_err(|_| invalid())?;
    let keys = env.password_keys(profile.login());
    throttle::reserve(env, &keys).await?;
    if !verify_password(password.as_str(), &profile.password_hash, env.config.hash, env.config.pepper.as_deref()).ok {
        return Err(invalid());
    }
    env.commit(throttle::refund(&keys)).await
}

/// Resolves a bearer token to its live session, sliding the idle deadline. The activity is
/// written at most once per `touch_interval`, by an update that never re-creates a row: a
/// session deleted meanwhile (logout, revocation) is dead, whatever this request read.
pub async fn authenticate<S: Store>(env: &Env<'_, S>, token: &str) -> Result<Session> {
    let unauth = || Error::new(Code::Unauthenticated);
    if token.is_empty() || token.len() > 256 {
        return Err(unauth());
    }
    let hash = token_hash(token);
    live(env, env.store.session(&hash).await?).await
}

/// Like [`authenticate`], with `Me` read in the same round trip as the session (an
/// authenticated `GET /me`: one storage round trip on the warm path, two when the session's
/// activity is due to be written).
pub async fn authenticate_with_me<S: Store>(env: &Env<'_, S>, token: &str) -> Result<(Session, super::Me)> {
    let unauth = || Error::new(Code::Unauthenticated);
    if token.is_empty() || token.len() > 256 {
        return Err(unauth());
    }
    let Some((session, me)) = env.store.session_with_me(&token_hash(token)).await? else {
        return Err(unauth());
    };
    let session = live(env, Some(session)).await?;
    let (profile, accounts) = me.ok_or_else(unauth)?;
    Ok((session, super::me::me_of(&profile, accounts)))
}

/// The rules of a session read from storage (or from a cache of it): idle and absolute
/// deadlines, and the touch, which also proves the row still exists.
pub async fn live<S: Store>(env: &Env<'_, S>, session: Option<Session>) -> Result<Session> {
    let unauth = || Error::new(Code::Unauthenticated);
    let Some(mut session) = session else {
        return Err(unauth());
    };
    let hash = session.token_hash.clone();
    let cfg = env.config;
    if env.now >= session.last_seen_at + cfg.idle_timeout || env.now >= session.absolute_expires_at {
        env.commit(vec![Change::DeleteSession(hash)]).await?;
        return Err(unauth());
    }
    if env.now - session.last_seen_at >= cfg.touch_interval {
        if !env.store.touch_session(&hash, env.now).await? {
            return Err(unauth());
        }
        session.last_seen_at = env.now;
    }
    Ok(session)
}

/// Ends a session (and for a desktop session, its refresh-token family).
pub async fn logout<S: Store>(env: &Env<'_, S>, session: &Session) -> Result<()> {
    let mut changes = vec![Change::DeleteSession(session.token_hash.clone())];
    if let Some(f) = &session.family_id {
        changes.push(Change::RevokeFamily(f.clone()));
    }
    env.commit(changes).await
}

/// Spends a desktop refresh token for a new session and token. Presenting a spent token
/// again revokes the whole family (it was stolen or replayed). Spending is a compare-and-set
/// in the commit: of two concurrent refreshes with one token exactly one wins, and the other
/// is treated as the reuse it is. A family ends at its absolute lifetime.
pub async fn refresh<S: Store>(env: &mut Env<'_, S>, refresh_token: &str) -> Result<Grant> {
    let invalid = || Error::field(Code::InvalidRefreshToken, "refresh_token");
    if refresh_token.is_empty() || refresh_token.len() > 256 {
        return Err(invalid());
    }
    let Some(rt) = env.store.refresh_token(&token_hash(refresh_token)).await? else {
        return Err(invalid());
    };
    if rt.used {
        return Err(revoke_family(env, &rt).await);
    }
    if env.now >= rt.expires_at || env.now >= rt.family_expires_at {
        return Err(invalid());
    }
    let Some(profile) = env.store.profile(&rt.profile_id).await? else {
        return Err(invalid());
    };
    let old_session = env.store.session(&rt.session_hash).await?;
    let changes = vec![
        Change::Guard(Guard::RefreshUnused { token_hash: rt.token_hash.clone() }),
        Change::SpendRefreshToken(rt.token_hash.clone()),
        Change::DeleteSession(rt.session_hash.clone()),
    ];
    let account_id = old_session.and_then(|s| s.account_id);
    let proof = Proof::Refresh { family_id: rt.family_id.clone(), family_expires_at: rt.family_expires_at };
    let entry = Entry { account_id, client: ClientKind::Desktop, ..Entry::default() };
    match gate::admit(env, profile, proof, entry, changes).await {
        Err(e) if e.code == Code::InvalidRefreshToken => Err(revoke_family(env, &rt).await),
        other => other,
    }
}

/// A spent refresh token came back: every session and token of its family ends, audited.
async fn revoke_family<S: Store>(env: &mut Env<'_, S>, rt: &RefreshToken) -> Error {
    let audit = env.audit(Some(&rt.profile_id), "session.refresh_reuse", &rt.family_id, "family revoked");
    match env.commit(vec![Change::RevokeFamily(rt.family_id.clone()), audit]).await {
        Ok(()) => Error::field(Code::InvalidRefreshToken, "refresh_token"),
        Err(e) => e,
    }
}
