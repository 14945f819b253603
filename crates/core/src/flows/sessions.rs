//! Login, sessions with a sliding idle timeout, desktop refresh tokens, logout.

use super::{codes, not_found, throttle, Env};
use crate::error::{Code, Error, Result};
use crate::hashing::{burn, hash_password, verify_password};
use crate::mail::MailKind;
use crate::model::{ClientKind, Profile, Purpose, RefreshToken, Session};
use crate::store::{Change, Store};
use crate::tokens::{new_token, token_hash};
use crate::validate::{Login, Password};

/// A session handed to a client: the bearer token (and for desktop clients, a refresh token).
#[derive(Debug, Clone)]
pub struct Grant {
    pub token: String,
    pub session: Session,
    pub refresh_token: Option<String>,
    pub profile: Profile,
}

impl Grant {
    /// When the session ends if unused: the idle deadline or the absolute cap.
    pub fn expires_at(&self, idle_timeout: i64) -> i64 {
        (self.session.last_seen_at + idle_timeout).min(self.session.absolute_expires_at)
    }
}

#[derive(Debug, Clone, Default)]
pub struct LoginInput {
    pub login: String,
    pub password: String,
    pub client: ClientKind,
    pub account_id: Option<String>,
    pub region: Option<String>,
}

/// Creates a session (committing `changes` with it).
pub(crate) async fn start_session<S: Store>(
    env: &mut Env<'_, S>,
    profile: Profile,
    account_id: Option<String>,
    client: ClientKind,
    family: Option<String>,
    mut changes: Vec<Change>,
) -> Result<Grant> {
    let token = new_token(env.rng);
    let now = env.now;
    let family_id = match (client, family) {
        (ClientKind::Desktop, Some(f)) => Some(f),
        (ClientKind::Desktop, None) => Some(env.id("fam")),
        (ClientKind::Browser, _) => None,
    };
    let session = Session {
        token_hash: token_hash(&token),
        profile_id: profile.id.clone(),
        account_id,
        client,
        created_at: now,
        last_seen_at: now,
        absolute_expires_at: now + env.config.absolute_timeout,
        family_id: family_id.clone(),
    };
    changes.push(Change::PutSession(session.clone()));
    let mut refresh_token = None;
    if let Some(family_id) = family_id {
        let rt = new_token(env.rng);
        changes.push(Change::PutRefreshToken(RefreshToken {
            token_hash: token_hash(&rt),
            family_id,
            profile_id: profile.id.clone(),
            session_hash: session.token_hash.clone(),
            used: false,
            created_at: now,
            expires_at: now + env.config.refresh_ttl,
        }));
        refresh_token = Some(rt);
    }
    env.commit(changes).await?;
    Ok(Grant { token, session, refresh_token, profile })
}

/// Logs in with email or phone and password. Unknown logins cost the same hashing work as
/// known ones; failures count per login and per IP.
pub async fn login<S: Store>(env: &mut Env<'_, S>, input: LoginInput) -> Result<Grant> {
    let login = Login::parse(&input.login, input.region.as_deref())?;
    let password = Password::for_login(&input.password)?;
    let login_key = format!("login:{}", login.as_str());
    let ip_key = env.ip.as_ref().map(|ip| format!("ip:{ip}"));
    let keys: Vec<String> = std::iter::once(login_key.clone()).chain(ip_key.clone()).collect();
    throttle::check_all(env, &keys).await?;
    let profile = match &login {
        Login::Email(e) => env.store.profile_by_email(e.as_str()).await?,
        Login::Phone(p) => env.store.profile_by_phone(p.as_str()).await?,
    };
    let policy = env.config.hash;
    let pepper = env.config.pepper.clone();
    let verified = match &profile {
        Some(p) => verify_password(password.as_str(), &p.password_hash, policy, pepper.as_deref()),
        None => {
            burn(password.as_str(), policy);
            crate::hashing::Verified { ok: false, needs_rehash: false }
        }
    };
    let Some(mut profile) = profile.filter(|_| verified.ok) else {
        let mut changes = vec![throttle::fail(env, &login_key, env.config.login_throttle).await?];
        if let Some(k) = &ip_key {
            changes.push(throttle::fail(env, k, env.config.ip_throttle).await?);
        }
        env.commit(changes).await?;
        return Err(Error::field(Code::InvalidCredentials, "password"));
    };
    let mut changes = vec![Change::DeleteThrottle(login_key)];
    let (login_confirmed, unconfirmed_code) = match &login {
        Login::Email(_) => (profile.email_confirmed, Code::EmailUnconfirmed),
        Login::Phone(_) => (profile.phone_confirmed, Code::PhoneUnconfirmed),
    };
    if !login_confirmed {
        let send_key = format!("send:{}", login.as_str());
        throttle::check(env, &send_key).await?;
        changes.extend(codes::issue(env, &profile, Purpose::Signup, login.as_str(), MailKind::SignupCode));
        changes.push(throttle::fail(env, &send_key, env.config.send_throttle).await?);
        env.commit(changes).await?;
        return Err(Error::field(unconfirmed_code, "login"));
    }
    if verified.needs_rehash {
        profile.password_hash = hash_password(password.as_str(), policy, pepper.as_deref(), env.rng);
        profile.updated_at = env.now;
        changes.push(Change::PutProfile(profile.clone()));
    }
    let account_id = match input.account_id {
        Some(id) => {
            let member = env
                .store
                .membership_of(&id, &profile.id)
                .await?
                .filter(|m| m.status == crate::model::MemberStatus::Active)
                .ok_or_else(|| not_found().at("account_id"))?;
            changes.push(Change::RecordActivity { account_id: id.clone(), membership_id: member.id, at: env.now });
            Some(id)
        }
        None => None,
    };
    start_session(env, profile, account_id, input.client, None, changes).await
}

/// Resolves a bearer token to its live session, sliding the idle deadline. The activity is
/// written at most once per `touch_interval`.
pub async fn authenticate<S: Store>(env: &Env<'_, S>, token: &str) -> Result<Session> {
    let unauth = || Error::new(Code::Unauthenticated);
    if token.is_empty() || token.len() > 256 {
        return Err(unauth());
    }
    let hash = token_hash(token);
    let Some(mut session) = env.store.session(&hash).await? else {
        return Err(unauth());
    };
    let cfg = env.config;
    if env.now >= session.last_seen_at + cfg.idle_timeout || env.now >= session.absolute_expires_at {
        env.commit(vec![Change::DeleteSession(hash)]).await?;
        return Err(unauth());
    }
    if env.now - session.last_seen_at >= cfg.touch_interval {
        session.last_seen_at = env.now;
        env.commit(vec![Change::PutSession(session.clone())]).await?;
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
/// again revokes the whole family (it was stolen or replayed).
pub async fn refresh<S: Store>(env: &mut Env<'_, S>, refresh_token: &str) -> Result<Grant> {
    let invalid = || Error::field(Code::InvalidRefreshToken, "refresh_token");
    if refresh_token.is_empty() || refresh_token.len() > 256 {
        return Err(invalid());
    }
    let Some(mut rt) = env.store.refresh_token(&token_hash(refresh_token)).await? else {
        return Err(invalid());
    };
    if rt.used {
        let audit = env.audit(Some(&rt.profile_id), "session.refresh_reuse", &rt.family_id, "family revoked");
        env.commit(vec![Change::RevokeFamily(rt.family_id.clone()), audit]).await?;
        return Err(invalid());
    }
    if env.now >= rt.expires_at {
        return Err(invalid());
    }
    let Some(profile) = env.store.profile(&rt.profile_id).await? else {
        return Err(invalid());
    };
    let old_session = env.store.session(&rt.session_hash).await?;
    rt.used = true;
    let changes = vec![Change::PutRefreshToken(rt.clone()), Change::DeleteSession(rt.session_hash.clone())];
    let account_id = old_session.and_then(|s| s.account_id);
    start_session(env, profile, account_id, ClientKind::Desktop, Some(rt.family_id), changes).await
}
