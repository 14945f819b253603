//! "Remember this browser" for the second step. A person who gives the second step may ask
//! that this browser skip it for 30 days: the browser gets a token in a cookie, the service a
//! row. Next time, the password (or a linked social identity) on that browser is enough.
//!
//! The token is `<secret>.<mac>`: the secret is 32 random bytes whose SHA-256 is the row's
//! key; the MAC (HMAC-SHA256 under a key derived from the service key) binds it to one
//! profile and to the browser's device cookie, so a copied cookie is worth nothing without the
//! other, a forged one is refused without a read, and one cookie can hold the tokens of the
//! few people who share a browser (each finds their own by its MAC). The row decides: it is
//! listed in Security and revoked one by one or all together, and a new password (a change, a
//! reset, a claim proven: `Change::SetPassword` without `replaces`) or switching two-step off
//! (by the person, or reset by an admin) forgets every row of the profile.
//!
//! A workspace whose two-step rule applies to a member may refuse remembered browsers
//! (`AccountView::lets_browsers_remember`): its members then give the second step at every
//! sign-in, and none of their browsers is remembered; both are decided again in the commit
//! (`Guard::BrowserRemembered`, the conditional insert of `Change::PutRememberedBrowser`), so a
//! policy, a revocation or a new password landing first wins.
//!
//! A low module: it imports no other flow.

use super::{not_found, Env};
use crate::error::Result;
use crate::model::{AccountView, Profile, RememberedBrowser, Session};
use crate::store::{Change, Guard, Store};
use crate::time::rfc3339;
use crate::tokens::{new_token, token_hash};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{KeyInit, Mac};
use serde::Serialize;
use sha2::Sha256;

/// How many tokens one browser's cookie holds (the newest first).
pub const COOKIE_TOKENS: usize = 5;
/// The longest token a cookie may carry (a secret, a dot, a MAC: 87 characters).
pub const TOKEN_MAX: usize = 128;

type HmacSha256 = hmac::Hmac<Sha256>;

/// The MAC of a token's secret for `profile_id` on the browser whose device cookie hashes to
/// `device`, under the service key (none configured: nothing is remembered).
fn mac(env: &Env<'_, impl Store>, profile_id: &str, device: &str, secret: &str) -> Option<HmacSha256> {
    let key = env.config.two_factor_key?;
    let mut derive = <HmacSha256 as KeyInit>::new_from_slice(&key).ok()?;
    derive.update(b"netid remembered browser v1");
    let derived = derive.finalize().into_bytes();
    let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&derived).ok()?;
    for part in [profile_id, device, secret] {
        mac.update(part.as_bytes());
        mac.update(b"\0");
    }
    Some(mac)
}

/// The secret of `token` when its MAC is right for this profile and browser (checked in
/// constant time).
fn secret_of<'t>(env: &Env<'_, impl Store>, profile_id: &str, device: &str, token: &'t str) -> Option<&'t str> {
    let (secret, tag) = token.split_once('.')?;
    let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
    mac(env, profile_id, device, secret)?.verify_slice(&tag).ok()?;
    Some(secret)
}

/// Whether the profile's workspaces all let a remembered browser stand in for the second step.
fn allowed(accounts: &[AccountView]) -> bool {
    accounts.iter().all(AccountView::lets_browsers_remember)
}

/// A remembered browser standing in for the second step of `profile` (a password login, a
/// social sign-in) on this browser: the changes to commit with its session (the guard that
/// decides it, and its use), or `None` (no cookie for this profile, a forged, revoked or
/// expired one, a workspace that refuses it): then the second step is asked as usual.
/// Reads the row only when the cookie holds a token whose MAC is this profile's.
pub(crate) async fn recognise<S: Store>(
    env: &Env<'_, S>,
    profile: &Profile,
    accounts: &[AccountView],
) -> Result<Option<Vec<Change>>> {
    let Some(device) = env.device.as_deref() else {
        return Ok(None);
    };
    if env.remembered.is_empty() || !allowed(accounts) {
        return Ok(None);
    }
    let Some(secret) = env.remembered.iter().find_map(|t| secret_of(env, &profile.id, device, t)) else {
        return Ok(None);
    };
    let hash = token_hash(secret);
    let Some(row) = env.store.remembered_browser(&hash).await? else {
        return Ok(None);
    };
    if row.profile_id != profile.id || row.device != device || row.expires_at <= env.now {
        return Ok(None);
    }
    Ok(Some(vec![
        Change::Guard(Guard::BrowserRemembered {
            token_hash: hash.clone(),
            profile_id: profile.id.clone(),
            now: env.now,
        }),
        Change::UseRememberedBrowser { token_hash: hash, at: env.now },
    ]))
}

/// What remembering this browser commits, and the cookie's new value (this profile's new
/// token first, then the tokens of others that share the browser; this profile's old ones
/// go). `None` when nothing can be remembered: no device cookie, no service key, or a
/// workspace of the profile that refuses remembered browsers.
pub(crate) fn remember<S: Store>(
    env: &mut Env<'_, S>,
    profile: &Profile,
    accounts: &[AccountView],
) -> Option<(String, Vec<Change>)> {
    let device = env.device.clone()?;
    if !allowed(accounts) {
        return None;
    }
    let secret = new_token(env.rng);
    let tag = URL_SAFE_NO_PAD.encode(mac(env, &profile.id, &device, &secret)?.finalize().into_bytes());
    let token = format!("{secret}.{tag}");
    let mut cookie = vec![token];
    cookie.extend(
        env.remembered
            .iter()
            .filter(|t| secret_of(env, &profile.id, &device, t).is_none())
            .take(COOKIE_TOKENS - 1)
            .cloned(),
    );
    let row = RememberedBrowser {
        id: env.id("brw"),
        profile_id: profile.id.clone(),
        token_hash: token_hash(&secret),
        device,
        user_agent: env.user_agent.clone(),
        location: env.location.clone(),
        created_at: env.now,
        last_used_at: env.now,
        expires_at: env.now + env.config.remember_ttl,
    };
    let audit = env.audit(Some(&profile.id), "browser.remembered", &row.id, "");
    Some((cookie.join("~"), vec![Change::PutRememberedBrowser(row), audit]))
}

/// The tokens of a remembered-browser cookie's value: at most [`COOKIE_TOKENS`], each of the
/// right shape (what is not is ignored).
pub fn parse_cookie(value: &str) -> Vec<String> {
    value
        .split('~')
        .filter(|t| {
            (2..=TOKEN_MAX).contains(&t.len())
                && t.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        })
        .take(COOKIE_TOKENS)
        .map(str::to_string)
        .collect()
}

/// A remembered browser as Security lists it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct BrowserView {
    pub id: String,
    /// The browser and system, from its User-Agent when it was remembered.
    pub device: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    pub created_at: String,
    pub last_used_at: String,
    pub expires_at: String,
    /// This is the browser asking.
    pub current: bool,
}

/// `GET /me/remembered-browsers`: the caller's remembered browsers, newest first (expired
/// ones are not shown).
pub async fn list<S: Store>(env: &Env<'_, S>, session: &Session) -> Result<Vec<BrowserView>> {
    Ok(env
        .store
        .remembered_browsers_of(&session.profile_id)
        .await?
        .into_iter()
        .filter(|r| r.expires_at > env.now)
        .map(|r| BrowserView {
            current: env.device.as_deref() == Some(r.device.as_str()),
            device: crate::useragent::label(r.user_agent.as_deref().unwrap_or("")),
            id: r.id,
            user_agent: r.user_agent,
            location: r.location,
            created_at: rfc3339(r.created_at),
            last_used_at: rfc3339(r.last_used_at),
            expires_at: rfc3339(r.expires_at),
        })
        .collect())
}

/// `DELETE /me/remembered-browsers/{id}`: that browser gives the second step again; 404 for an
/// id that is not one of the caller's. Audited.
pub async fn revoke<S: Store>(env: &mut Env<'_, S>, session: &Session, id: &str) -> Result<()> {
    let mine = env.store.remembered_browsers_of(&session.profile_id).await?;
    if !mine.iter().any(|r| r.id == id) {
        return Err(not_found());
    }
    let audit = env.audit(Some(&session.profile_id), "browser.forgotten", id, "");
    env.commit(vec![Change::ForgetBrowser { profile_id: session.profile_id.clone(), id: id.to_string() }, audit]).await
}

/// `DELETE /me/remembered-browsers`: every browser of the caller gives the second step again.
pub async fn revoke_all<S: Store>(env: &mut Env<'_, S>, session: &Session) -> Result<()> {
    let audit = env.audit(Some(&session.profile_id), "browser.forgotten", &session.profile_id, "all");
    env.commit(vec![Change::ForgetBrowsers(session.profile_id.clone()), audit]).await
}
