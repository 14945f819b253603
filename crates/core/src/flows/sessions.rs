//! Sessions: the account a grant enters, re-authentication, authenticating a token with a
//! sliding idle timeout, desktop refresh tokens, logout, and a person's list of sessions. The
//! low module of the session flows: it imports no flow that imports it.

pub use super::gate::Grant;
use super::gate::{self, Entry, Proof};
use super::{not_found, throttle, Env};
use crate::error::{Code, Error, Result};
use crate::hashing::verify_password;
use crate::model::{ClientKind, Profile, RefreshToken, Session};
use crate::store::{Change, Guard, Read, Store};
use crate::time::rfc3339;
use crate::tokens::token_hash;
use crate::validate::Password;
use serde::Serialize;

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
    let a = super::accounts::access(env, &id, profile_id).await.map_err(|e| e.at("account_id"))?;
    // A login into a workspace is an entry: its two-step policy holds.
    super::accounts::require_policy(env, &a, profile_id).await?;
    changes.push(Change::RecordActivity { account_id: id.clone(), membership_id: a.member.id, at: env.now });
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
    reads: &[Read<'_>],
) -> Result<Vec<Change>> {
    let invalid = || Error::field(Code::InvalidCredentials, field);
    if !profile.has_password() {
        // A profile made by a social signup: a young session stands in for the password.
        return match env.session_started {
            Some(started) if env.now - started < super::REAUTH_WINDOW => Ok(Vec::new()),
            _ => Err(Error::new(Code::ReauthenticationRequired)),
        };
    }
    let password = Password::for_login(password).map_err(|_| invalid())?;
    let keys = env.password_keys(profile.login());
    // Counted with what the flow reads next (`reads`), in one round trip.
    let after = env.store.hit_and_prefetch(&keys, env.now, reads).await?;
    throttle::verdict(env.now, &keys, &after)?;
    if !verify_password(password.as_str(), &profile.password_hash, env.config.hash, env.config.pepper.as_deref()).ok {
        return Err(invalid());
    }
    // The right password's attempt is given back with the request's commit (or alone, by
    // `Env::settle`, when the request then fails for another reason).
    Ok(throttle::refund(&keys))
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
    let hash = token_hash(refresh_token);
    // The token, its profile with its accounts, and its session, in one round trip.
    env.store.prefetch(&[Read::Refresh(&hash)]).await?;
    let Some(rt) = env.store.refresh_token(&hash).await? else {
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

/// One row of `GET /me/sessions`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SessionView {
    pub id: String,
    pub client: &'static str,
    pub created_at: String,
    pub last_seen_at: String,
    pub expires_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    pub current: bool,
}

/// The caller's live sessions, newest first (expired ones are not shown).
pub async fn list_sessions<S: Store>(env: &Env<'_, S>, current: &Session) -> Result<Vec<SessionView>> {
    let cfg = env.config;
    Ok(env
        .store
        .sessions_of(&current.profile_id)
        .await?
        .into_iter()
        .filter(|s| env.now < s.last_seen_at + cfg.idle_timeout && env.now < s.absolute_expires_at)
        .map(|s| SessionView {
            current: s.token_hash == current.token_hash,
            id: s.id.clone(),
            client: s.client.as_str(),
            created_at: rfc3339(s.created_at),
            last_seen_at: rfc3339(s.last_seen_at),
            expires_at: rfc3339((s.last_seen_at + cfg.idle_timeout).min(s.absolute_expires_at)),
            user_agent: s.user_agent,
            ip: s.ip,
            location: s.location,
        })
        .collect())
}

/// Ends one of the caller's sessions (and its refresh family) at once; 404 for an id that is
/// not one of theirs.
pub async fn end_session<S: Store>(env: &mut Env<'_, S>, current: &Session, id: &str, password: &str) -> Result<()> {
    let target =
        env.store.sessions_of(&current.profile_id).await?.into_iter().find(|s| s.id == id).ok_or_else(not_found)?;
    let mut changes = recheck(env, current, password).await?;
    changes.push(Change::DeleteSessionById { profile_id: current.profile_id.clone(), id: id.to_string() });
    if let Some(f) = &target.family_id {
        changes.push(Change::RevokeFamily(f.clone()));
    }
    env.commit(changes).await
}

/// Ending sessions asks again who is at the keyboard (ASVS 3.3.4): the password, or for a
/// profile without one a session younger than 10 minutes (`reauthenticate`).
async fn recheck<S: Store>(env: &Env<'_, S>, current: &Session, password: &str) -> Result<Vec<Change>> {
    let profile = env.store.profile(&current.profile_id).await?.ok_or_else(|| Error::new(Code::Unauthenticated))?;
    reauthenticate(env, &profile, password, "password", &[]).await
}

/// Ends every session of the caller's but this one (and every other refresh family), with
/// the password (see `recheck`).
pub async fn end_other_sessions<S: Store>(env: &mut Env<'_, S>, current: &Session, password: &str) -> Result<()> {
    let mut changes = recheck(env, current, password).await?;
    changes.extend([
        Change::DeleteSessionsOf { profile_id: current.profile_id.clone(), except: Some(current.token_hash.clone()) },
        Change::DeleteRefreshTokensOf {
            profile_id: current.profile_id.clone(),
            except_family: current.family_id.clone(),
        },
    ]);
    env.commit(changes).await
}
