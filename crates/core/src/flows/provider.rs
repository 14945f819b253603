//! netid as the OpenID Provider of its workspaces: the authorization request on the netid
//! session, the token endpoint (codes with PKCE, rotating refresh families), userinfo,
//! introspection and revocation. Core decides and builds every claim; the Worker signs and
//! verifies them (ES256 through WebCrypto) and speaks HTTP.
//!
//! The rules every step checks again, from one read ([`Store::grant_context`]): the client
//! exists and is on, the netid session that made the grant is alive, the person's card in
//! the client's account is active, the profile may sign in. A code is redeemed once (its
//! guard decides in the commit); a second redemption revokes what it issued. A refresh token
//! is rotated on every use; a used one presented again revokes its family.

use super::Env;
use crate::error::{Code, Error, Result};
use crate::model::{App, AppType, AuthCode, MemberStatus, MemberType, Membership, OauthToken, Profile, Role, Session};
use crate::store::{Change, GrantContext, Grantable, Guard, Store};
use crate::tokens::{new_id, new_token, token_hash};
use crate::validate::redirect_matches;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{KeyInit, Mac};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

/// An authorization code lives a minute.
pub const CODE_TTL: i64 = 60;
/// Access tokens live five minutes (RFC 9068 JWTs).
pub const ACCESS_TTL: i64 = 300;
/// ID tokens live ten minutes.
pub const ID_TOKEN_TTL: i64 = 600;
/// A refresh token lives 30 days at most (its family ends sooner with the netid session).
pub const REFRESH_TTL: i64 = 30 * 24 * 3600;
/// The scopes netid knows; others are dropped from the grant.
pub const SCOPES: [&str; 5] = ["openid", "profile", "email", "phone", "netid:groups"];

/// An authorization request's parameters, as sent (the Worker reads the query).
#[derive(Debug, Clone, Default)]
pub struct AuthorizeRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub response_type: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub prompt: Option<String>,
    pub max_age: Option<String>,
    /// The `sub` of a verified `id_token_hint` (the Worker checks its signature and issuer),
    /// or `Some("")` for a hint that failed verification.
    pub id_token_hint_sub: Option<String>,
    /// The request came back from netid's login page made for it at this time: a session
    /// older than this does not count (`prompt=login`, `max_age`).
    pub auth_after: Option<i64>,
}

/// What the authorization endpoint answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authorized {
    /// An error page at netid, never a redirect (unknown client, unregistered redirect URI).
    Page(Code),
    /// An error back at the app (RFC 6749 section 4.1.2.1).
    Error { redirect_uri: String, error: &'static str, description: &'static str, state: Option<String> },
    /// netid's login page first; the request comes back with `auth_after` set.
    Login { auth_after: i64 },
    /// The profile's password must be changed first (an admin chose it).
    ChangePassword,
    /// The workspace requires two-step authentication of this member, who has it off: a page
    /// that sends them to Security to set it up; no token is issued before.
    SetUpTwoFactor,
    /// No active card in the client's workspace: a page that says so, whose link takes the
    /// person back to the app with `access_denied`.
    NoAccess { account_name: String, redirect_uri: String, state: Option<String> },
    /// The code, back at the app.
    Code { redirect_uri: String, code: String, state: Option<String> },
}

fn has(scope: &str, s: &str) -> bool {
    scope.split(' ').any(|x| x == s)
}

/// The scopes netid grants of those asked, in a fixed order.
fn granted_scope(asked: &str) -> String {
    SCOPES.iter().filter(|s| has(asked, s)).copied().collect::<Vec<_>>().join(" ")
}

/// A PKCE value (RFC 7636 section 4.1): 43 to 128 unreserved characters.
fn pkce_value(v: &str) -> bool {
    (43..=128).contains(&v.len()) && v.bytes().all(|c| c.is_ascii_alphanumeric() || b"-._~".contains(&c))
}

/// Whether a session counts at all: within its idle and absolute deadlines (the `fresh`
/// closure of [`authorize`] then applies `prompt=login`, `auth_after` and `max_age`).
fn session_counts(env: &Env<'_, impl Store>, s: &Session) -> bool {
    let c = env.config;
    env.now < s.last_seen_at + c.idle_timeout && env.now < s.absolute_expires_at
}

/// The authorization endpoint's decision (`GET /oauth/authorize`).
pub async fn authorize<S: Store>(
    env: &mut Env<'_, S>,
    session_token: Option<&str>,
    req: AuthorizeRequest,
) -> Result<Authorized> {
    let session_hash = session_token.filter(|t| !t.is_empty() && t.len() <= 256).map(token_hash);
    let ctx = env
        .store
        .grant_context(Grantable::Request { session_hash: session_hash.as_deref(), client_id: &req.client_id })
        .await?;
    // Until the client and its redirect URI are known, nothing goes back to any address.
    let Some(app) = ctx.app.as_ref().filter(|a| !a.disabled) else {
        return Ok(Authorized::Page(Code::InvalidAuthorizationRequest));
    };
    if !app.redirect_uris.iter().any(|r| redirect_matches(r, &req.redirect_uri)) {
        return Ok(Authorized::Page(Code::InvalidAuthorizationRequest));
    }
    let back = |error: &'static str, description: &'static str| Authorized::Error {
        redirect_uri: req.redirect_uri.clone(),
        error,
        description,
        state: req.state.clone(),
    };
    if req.response_type.as_deref() != Some("code") {
        return Ok(back("unsupported_response_type", "only response_type=code is supported"));
    }
    let scope = req.scope.clone().unwrap_or_default();
    if !has(&scope, "openid") {
        return Ok(back("invalid_scope", "the openid scope is required"));
    }
    match (req.code_challenge.as_deref(), req.code_challenge_method.as_deref()) {
        (None, Some(_)) => return Ok(back("invalid_request", "code_challenge_method without code_challenge")),
        (Some(_), Some(m)) if m != "S256" => {
            return Ok(back("invalid_request", "code_challenge_method must be S256"));
        }
        // A challenge without its method is `plain` (RFC 7636 section 4.3): refused.
        (Some(_), None) => return Ok(back("invalid_request", "code_challenge_method must be S256")),
        (Some(c), Some(_)) if !pkce_value(c) => return Ok(back("invalid_request", "malformed code_challenge")),
        (None, None) if app.kind == AppType::Public => {
            return Ok(back("invalid_request", "a public client must send a PKCE code_challenge (S256)"));
        }
        _ => {}
    }
    if req.nonce.as_ref().is_some_and(|n| n.len() > 512) || req.state.as_ref().is_some_and(|s| s.len() > 2048) {
        return Ok(back("invalid_request", "state or nonce too long"));
    }
    let prompts: Vec<&str> = req.prompt.as_deref().unwrap_or("").split(' ').filter(|p| !p.is_empty()).collect();
    if prompts.iter().any(|p| !matches!(*p, "none" | "login" | "consent")) {
        return Ok(back("invalid_request", "unsupported prompt value"));
    }
    let none = prompts.contains(&"none");
    if none && prompts.len() > 1 {
        return Ok(back("invalid_request", "prompt=none cannot be combined"));
    }
    let max_age = match req.max_age.as_deref() {
        None | Some("") => None,
        Some(m) => match m.parse::<i64>() {
            Ok(v) if v >= 0 => Some(v),
            _ => return Ok(back("invalid_request", "max_age must be a non-negative integer")),
        },
    };
    // The netid session: absent, expired, too old for prompt=login or max_age, or of another
    // person than the id_token_hint's, it sends the person to netid's login page.
    let session = ctx.session.clone().filter(|s| session_counts(env, s));
    let profile = ctx.profile.clone().filter(super::gate::live);
    let fresh = |s: &Session| {
        let after_login = req.auth_after.is_none_or(|t| s.created_at >= t);
        let login_asked = prompts.contains(&"login") && req.auth_after.is_none();
        let young = max_age.is_none_or(|m| env.now - s.created_at <= m);
        after_login && !login_asked && young
    };
    let (session, profile) = match (session, profile) {
        (Some(s), Some(p)) if fresh(&s) => {
            let hinted = match &req.id_token_hint_sub {
                Some(sub) => *sub == pairwise_sub(env, &app.account_id, &p.id)?,
                None => true,
            };
            if !hinted {
                if none {
                    return Ok(back("login_required", "the signed-in person is not the id_token_hint's"));
                }
                return Ok(Authorized::Login { auth_after: env.now });
            }
            (s, p)
        }
        _ => {
            if none {
                return Ok(back("login_required", "nobody is signed in at netid"));
            }
            return Ok(Authorized::Login { auth_after: env.now });
        }
    };
    if session.password_change_required {
        if none {
            return Ok(back("interaction_required", "the password must be changed first"));
        }
        return Ok(Authorized::ChangePassword);
    }
    let Some(card) = ctx.card.as_ref().filter(|c| c.status == MemberStatus::Active) else {
        if none {
            return Ok(back("access_denied", "no access to this workspace"));
        }
        return Ok(Authorized::NoAccess {
            account_name: ctx.account.as_ref().map(|a| a.name.clone()).unwrap_or_default(),
            redirect_uri: req.redirect_uri.clone(),
            state: req.state.clone(),
        });
    };
    if ctx.account.as_ref().is_some_and(|a| a.require_two_factor.applies_to(card.kind)) && !profile.two_factor_enabled {
        if none {
            return Ok(back("interaction_required", "the workspace requires two-step authentication"));
        }
        return Ok(Authorized::SetUpTwoFactor);
    }
    if env.now - session.last_seen_at >= env.config.touch_interval {
        env.store.touch_session(&session.token_hash, env.now).await?;
    }
    let code = new_token(env.rng);
    let record = AuthCode {
        code_hash: token_hash(&code),
        client_id: app.client_id.clone(),
        account_id: app.account_id.clone(),
        profile_id: profile.id.clone(),
        session_hash: session.token_hash.clone(),
        sid: session.id.clone(),
        redirect_uri: req.redirect_uri.clone(),
        code_challenge: req.code_challenge.clone(),
        nonce: req.nonce.clone(),
        scope: granted_scope(&scope),
        auth_time: session.created_at,
        amr: session.amr.clone(),
        created_at: env.now,
        expires_at: env.now + CODE_TTL,
        used_at: None,
    };
    env.store
        .commit(vec![
            Change::Guard(Guard::SessionAlive { token_hash: session.token_hash.clone() }),
            Change::PutAuthCode(record),
            // A sign-in through the workspace's app is a login to the workspace: it keeps a
            // free account from the inactivity deletion as entering it at netid does.
            Change::RecordActivity { account_id: app.account_id.clone(), membership_id: card.id.clone(), at: env.now },
        ])
        .await?;
    Ok(Authorized::Code { redirect_uri: req.redirect_uri, code, state: req.state })
}

/// How a client authenticated at the token, introspection or revocation endpoint.
#[derive(Debug, Clone, Default)]
pub struct ClientAuth {
    pub client_id: String,
    /// The secret (`client_secret_basic` or `client_secret_post`); none for a public client.
    pub secret: Option<String>,
}

/// Compares two strings in time independent of where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Authenticates the client: a confidential one by its secret (its SHA-256 compared in
/// constant time), a public one by its id alone (it must then prove PKCE).
pub fn authenticate_client(app: Option<&App>, auth: &ClientAuth) -> Result<App> {
    let bad = || Error::new(Code::InvalidClient);
    let app = app.filter(|a| !a.disabled && a.client_id == auth.client_id).ok_or_else(bad)?;
    match (app.kind, &auth.secret, &app.secret_hash) {
        (AppType::Confidential, Some(secret), Some(hash)) if same(&token_hash(secret), hash) => Ok(app.clone()),
        (AppType::Public, None, _) => Ok(app.clone()),
        _ => Err(bad()),
    }
}

/// A token request's parameters (`application/x-www-form-urlencoded`).
#[derive(Debug, Clone, Default)]
pub struct TokenRequest {
    pub grant_type: String,
    pub code: Option<String>,
    pub redirect_uri: Option<String>,
    pub code_verifier: Option<String>,
    pub refresh_token: Option<String>,
    pub scope: Option<String>,
}

/// What the Worker signs and answers: the claims of the ID token and the access token, and
/// the (opaque) refresh token.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenSet {
    pub id_token: Value,
    pub access_token: Value,
    pub refresh_token: String,
    pub scope: String,
    pub expires_in: i64,
}

/// The pairwise subject of a person in one account: an HMAC of the two ids under a key
/// derived from the service's key, so the apps of two workspaces cannot correlate their
/// people, and the same person keeps one `sub` per workspace.
pub fn pairwise_sub(env: &Env<'_, impl Store>, account_id: &str, profile_id: &str) -> Result<String> {
    subject(env.config, account_id, profile_id)
}

/// [`pairwise_sub`] from the configuration alone (the delivery consumer's).
pub fn subject(config: &crate::config::Config, account_id: &str, profile_id: &str) -> Result<String> {
    let key = config.two_factor_key.ok_or_else(|| Error::internal("the service key (TWO_FACTOR_KEY) is not set"))?;
    let mut mac = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(&key).map_err(|_| Error::internal("hmac key"))?;
    mac.update(b"netid pairwise subject\0");
    mac.update(account_id.as_bytes());
    mac.update(b"\0");
    mac.update(profile_id.as_bytes());
    Ok(URL_SAFE_NO_PAD.encode(&mac.finalize().into_bytes()[..20]))
}

/// The rules a grant lives by at every use: its netid session alive, the card active, the
/// profile able to sign in, the workspace's two-step policy met, the client on.
fn alive(env: &Env<'_, impl Store>, ctx: &GrantContext) -> bool {
    ctx.session.as_ref().is_some_and(|s| session_counts(env, s) && !s.password_change_required)
        && ctx.card.as_ref().is_some_and(|c| c.status == MemberStatus::Active)
        && ctx.profile.as_ref().is_some_and(super::gate::live)
        && ctx.app.as_ref().is_some_and(|a| !a.disabled)
        && policy_met(ctx)
}

/// Whether the workspace's two-step rule admits the grant's person (a rule switched on after
/// the sign-in stops the app's refreshes until they set it up and sign in again).
fn policy_met(ctx: &GrantContext) -> bool {
    match (&ctx.account, &ctx.card, &ctx.profile) {
        (Some(a), Some(c), Some(p)) => p.two_factor_enabled || !a.require_two_factor.applies_to(c.kind),
        _ => true,
    }
}

/// The claims about the person both tokens and userinfo carry.
fn person_claims(out: &mut Map<String, Value>, scope: &str, card: &Membership, profile: &Profile) {
    out.insert("account_role".into(), json!(if card.role == Role::Admin { "admin" } else { "member" }));
    out.insert("user_type".into(), json!(if card.kind == MemberType::Extranet { "extranet" } else { "employee" }));
    if has(scope, "profile") {
        let given = if card.first_name.is_empty() { &profile.first_name } else { &card.first_name };
        let family = if card.last_name.is_empty() { &profile.last_name } else { &card.last_name };
        out.insert("name".into(), json!(format!("{given} {family}").trim()));
        out.insert("given_name".into(), json!(given));
        out.insert("family_name".into(), json!(family));
        if let Some(p) = card.photo_url.as_ref().or(profile.photo_url.as_ref()) {
            out.insert("picture".into(), json!(p));
        }
    }
    if has(scope, "email") {
        if let Some(e) = &profile.email {
            out.insert("email".into(), json!(e));
            out.insert("email_verified".into(), json!(profile.email_confirmed));
        }
    }
    if has(scope, "phone") {
        if let Some(p) = &profile.phone {
            out.insert("phone_number".into(), json!(p));
            out.insert("phone_number_verified".into(), json!(profile.phone_confirmed));
        }
    }
}

/// Builds the token set of a grant.
fn issue(
    env: &mut Env<'_, impl Store>,
    issuer: &str,
    ctx: &GrantContext,
    grant: &OauthToken,
    nonce: Option<&str>,
) -> Result<(TokenSet, OauthToken)> {
    let (Some(card), Some(profile)) = (ctx.card.as_ref(), ctx.profile.as_ref()) else {
        return Err(Error::new(Code::InvalidGrant));
    };
    let sub = pairwise_sub(env, &grant.account_id, &grant.profile_id)?;
    let now = env.now;
    let amr: Vec<&str> = grant.amr.split(' ').filter(|a| !a.is_empty()).collect();
    let mut id = Map::new();
    id.insert("iss".into(), json!(issuer));
    id.insert("sub".into(), json!(sub));
    id.insert("aud".into(), json!(grant.client_id));
    id.insert("azp".into(), json!(grant.client_id));
    id.insert("iat".into(), json!(now));
    id.insert("exp".into(), json!(now + ID_TOKEN_TTL));
    id.insert("auth_time".into(), json!(grant.auth_time));
    id.insert("sid".into(), json!(grant.sid));
    if !amr.is_empty() {
        id.insert("amr".into(), json!(amr));
    }
    if let Some(n) = nonce {
        id.insert("nonce".into(), json!(n));
    }
    id.insert("account_id".into(), json!(grant.account_id));
    person_claims(&mut id, &grant.scope, card, profile);
    let mut at = Map::new();
    at.insert("iss".into(), json!(issuer));
    at.insert("sub".into(), json!(sub));
    at.insert("aud".into(), json!(grant.client_id));
    at.insert("client_id".into(), json!(grant.client_id));
    at.insert("iat".into(), json!(now));
    at.insert("exp".into(), json!(now + ACCESS_TTL));
    at.insert("jti".into(), json!(new_id("at", env.rng)));
    at.insert("scope".into(), json!(grant.scope));
    at.insert("sid".into(), json!(grant.sid));
    at.insert("auth_time".into(), json!(grant.auth_time));
    at.insert("account_id".into(), json!(grant.account_id));
    at.insert("account_role".into(), json!(if card.role == Role::Admin { "admin" } else { "member" }));
    at.insert("user_type".into(), json!(if card.kind == MemberType::Extranet { "extranet" } else { "employee" }));
    // The family the token belongs to: userinfo and introspection check it is still alive.
    at.insert("grant".into(), json!(grant.family_id));
    let refresh = new_token(env.rng);
    let session_end = ctx.session.as_ref().map_or(now, |s| s.absolute_expires_at);
    let next = OauthToken {
        token_hash: token_hash(&refresh),
        created_at: now,
        expires_at: (now + REFRESH_TTL).min(session_end),
        used_at: None,
        revoked_at: None,
        issuer: issuer.to_string(),
        ..grant.clone()
    };
    let set = TokenSet {
        id_token: Value::Object(id),
        access_token: Value::Object(at),
        refresh_token: refresh,
        scope: grant.scope.clone(),
        expires_in: ACCESS_TTL,
    };
    Ok((set, next))
}

/// The token endpoint (`POST /oauth/token`): an authorization code (with its redirect URI
/// and PKCE verifier) or a refresh token, for an authenticated client.
pub async fn token<S: Store>(
    env: &mut Env<'_, S>,
    issuer: &str,
    auth: ClientAuth,
    req: TokenRequest,
) -> Result<TokenSet> {
    let invalid = || Error::new(Code::InvalidGrant);
    match req.grant_type.as_str() {
        "authorization_code" => {
            let code = req.code.as_deref().filter(|c| !c.is_empty() && c.len() <= 256).ok_or_else(invalid)?;
            let hash = token_hash(code);
            let ctx = env.store.grant_context(Grantable::Code(&hash)).await?;
            let app = authenticate_client(ctx.app.as_ref(), &auth)?;
            let c = ctx.code.clone().filter(|c| c.client_id == app.client_id).ok_or_else(invalid)?;
            if c.used_at.is_some() {
                // A second redemption: what the first one issued is revoked.
                env.store
                    .commit(vec![Change::RevokeOauthFamily { family_id: c.code_hash.clone(), at: env.now }])
                    .await?;
                return Err(invalid());
            }
            if env.now >= c.expires_at || req.redirect_uri.as_deref() != Some(c.redirect_uri.as_str()) {
                return Err(invalid());
            }
            match (&c.code_challenge, req.code_verifier.as_deref()) {
                (Some(ch), Some(v))
                    if pkce_value(v) && same(&URL_SAFE_NO_PAD.encode(Sha256::digest(v.as_bytes())), ch) => {}
                (None, None) if app.kind == AppType::Confidential => {}
                _ => return Err(invalid()),
            }
            if !alive(env, &ctx) {
                return Err(invalid());
            }
            let grant = OauthToken {
                token_hash: String::new(),
                family_id: c.code_hash.clone(),
                client_id: c.client_id.clone(),
                account_id: c.account_id.clone(),
                profile_id: c.profile_id.clone(),
                session_hash: c.session_hash.clone(),
                sid: c.sid.clone(),
                scope: c.scope.clone(),
                auth_time: c.auth_time,
                amr: c.amr.clone(),
                used_at: None,
                revoked_at: None,
                created_at: env.now,
                expires_at: env.now,
                issuer: issuer.to_string(),
            };
            let (set, next) = issue(env, issuer, &ctx, &grant, c.nonce.as_deref())?;
            let result = env
                .store
                .commit(vec![
                    Change::Guard(Guard::CodeUnused { code_hash: hash.clone(), now: env.now }),
                    Change::UseAuthCode { code_hash: hash.clone(), at: env.now },
                    Change::PutOauthToken(next),
                ])
                .await;
            if let Err(e) = result {
                if e.code == Code::InvalidGrant {
                    // Redeemed meanwhile by a concurrent request: that one's tokens go too.
                    env.store.commit(vec![Change::RevokeOauthFamily { family_id: hash, at: env.now }]).await?;
                }
                return Err(e);
            }
            Ok(set)
        }
        "refresh_token" => {
            let rt = req.refresh_token.as_deref().filter(|c| !c.is_empty() && c.len() <= 256).ok_or_else(invalid)?;
            let hash = token_hash(rt);
            let ctx = env.store.grant_context(Grantable::Token(&hash)).await?;
            let app = authenticate_client(ctx.app.as_ref(), &auth)?;
            let t = ctx.token.clone().filter(|t| t.client_id == app.client_id).ok_or_else(invalid)?;
            if t.revoked_at.is_some() {
                return Err(invalid());
            }
            if t.used_at.is_some() {
                env.store
                    .commit(vec![Change::RevokeOauthFamily { family_id: t.family_id.clone(), at: env.now }])
                    .await?;
                return Err(invalid());
            }
            if env.now >= t.expires_at || !alive(env, &ctx) {
                return Err(invalid());
            }
            // A narrower scope may be asked (RFC 6749 section 6); never a wider one.
            let mut grant = t.clone();
            if let Some(asked) = req.scope.as_deref().filter(|s| !s.is_empty()) {
                if asked.split(' ').any(|s| !has(&t.scope, s)) {
                    return Err(Error::new(Code::InvalidGrant).at("scope"));
                }
                grant.scope = granted_scope(asked);
            }
            let (set, next) = issue(env, issuer, &ctx, &grant, None)?;
            let result = env
                .store
                .commit(vec![
                    Change::Guard(Guard::GrantUnused { token_hash: hash.clone(), now: env.now }),
                    Change::UseOauthToken { token_hash: hash, at: env.now },
                    Change::PutOauthToken(next),
                ])
                .await;
            if let Err(e) = result {
                if e.code == Code::InvalidGrant {
                    env.store.commit(vec![Change::RevokeOauthFamily { family_id: t.family_id, at: env.now }]).await?;
                }
                return Err(e);
            }
            Ok(set)
        }
        _ => Err(Error::new(Code::InvalidRequest).at("grant_type")),
    }
}

/// The claims of a verified access token the Worker hands over (signature, issuer and expiry
/// checked there).
#[derive(Debug, Clone, Default)]
pub struct AccessClaims {
    pub sub: String,
    pub client_id: String,
    pub account_id: String,
    pub scope: String,
    pub grant: String,
    pub exp: i64,
}

/// The live grant behind an access token: `None` when its family was revoked, its session
/// ended, the card is no longer active, or the client is off.
async fn live_grant<S: Store>(env: &Env<'_, S>, at: &AccessClaims) -> Result<Option<GrantContext>> {
    if at.grant.is_empty() || at.grant.len() > 128 || env.now >= at.exp {
        return Ok(None);
    }
    let ctx = env.store.grant_context(Grantable::Family(&at.grant)).await?;
    let ok = ctx
        .token
        .as_ref()
        .is_some_and(|t| t.revoked_at.is_none() && t.client_id == at.client_id && t.account_id == at.account_id)
        && alive(env, &ctx);
    Ok(ok.then_some(ctx))
}

/// UserInfo (`GET /oauth/userinfo`): the person's claims, checked against the membership
/// again; with `netid:groups`, the card's department and groups.
pub async fn userinfo<S: Store>(env: &Env<'_, S>, at: &AccessClaims) -> Result<Value> {
    let ctx = live_grant(env, at).await?.ok_or_else(|| Error::new(Code::Unauthenticated))?;
    let (Some(card), Some(profile)) = (ctx.card.as_ref(), ctx.profile.as_ref()) else {
        return Err(Error::new(Code::Unauthenticated));
    };
    let mut out = Map::new();
    out.insert("sub".into(), json!(at.sub));
    out.insert("account_id".into(), json!(at.account_id));
    person_claims(&mut out, &at.scope, card, profile);
    if has(&at.scope, "netid:groups") {
        out.insert("department_id".into(), json!(card.department_id));
        out.insert("groups".into(), json!(card.group_ids));
    }
    Ok(Value::Object(out))
}

/// What introspection is asked about.
#[derive(Debug, Clone)]
pub enum Presented {
    /// A verified access token's claims.
    Access(AccessClaims),
    /// Anything else: looked up as a refresh token.
    Opaque(String),
}

/// Introspection (RFC 7662, `POST /oauth/introspect`), for a confidential client of the
/// token's account: `{"active": false}` for anything not alive, of another account, or
/// unknown.
pub async fn introspect<S: Store>(env: &mut Env<'_, S>, caller: &App, token: Presented) -> Result<Value> {
    let inactive = json!({ "active": false });
    if caller.kind != AppType::Confidential {
        return Err(Error::new(Code::InvalidClient));
    }
    match token {
        Presented::Access(at) => {
            if at.account_id != caller.account_id {
                return Ok(inactive);
            }
            let Some(_ctx) = live_grant(env, &at).await? else { return Ok(inactive) };
            Ok(json!({
                "active": true, "token_type": "access_token", "sub": at.sub, "client_id": at.client_id,
                "scope": at.scope, "exp": at.exp, "account_id": at.account_id,
            }))
        }
        Presented::Opaque(t) => {
            if t.is_empty() || t.len() > 256 {
                return Ok(inactive);
            }
            let ctx = env.store.grant_context(Grantable::Token(&token_hash(&t))).await?;
            let Some(rt) = ctx.token.as_ref() else { return Ok(inactive) };
            if rt.account_id != caller.account_id
                || rt.used_at.is_some()
                || rt.revoked_at.is_some()
                || env.now >= rt.expires_at
                || !alive(env, &ctx)
            {
                return Ok(inactive);
            }
            Ok(json!({
                "active": true, "token_type": "refresh_token", "sub": pairwise_sub(env, &rt.account_id, &rt.profile_id)?,
                "client_id": rt.client_id, "scope": rt.scope, "exp": rt.expires_at, "account_id": rt.account_id,
            }))
        }
    }
}

/// Revocation (RFC 7009, `POST /oauth/revoke`): a client's refresh token, or access token,
/// ends its whole family. Anything else (unknown, another client's) is answered the same way.
pub async fn revoke<S: Store>(env: &mut Env<'_, S>, caller: &App, token: Presented) -> Result<()> {
    let family = match token {
        Presented::Access(at) if at.client_id == caller.client_id => Some(at.grant),
        Presented::Access(_) => None,
        Presented::Opaque(t) if !t.is_empty() && t.len() <= 256 => env
            .store
            .grant_context(Grantable::Token(&token_hash(&t)))
            .await?
            .token
            .filter(|rt| rt.client_id == caller.client_id)
            .map(|rt| rt.family_id),
        Presented::Opaque(_) => None,
    };
    if let Some(family_id) = family {
        env.store.commit(vec![Change::RevokeOauthFamily { family_id, at: env.now }]).await?;
    }
    Ok(())
}

/// A new signing key is served this long before it signs (relying parties that cached the
/// JWKS, at most `JWKS_MAX_AGE`, have it before the first token it signs).
pub const KEY_OVERLAP: i64 = 600;
/// How long the JWKS may be cached.
pub const JWKS_MAX_AGE: i64 = 300;

/// The key that signs at `now`: the newest published one whose time has come.
pub fn active_key(keys: &[crate::model::SigningKey], now: i64) -> Option<&crate::model::SigningKey> {
    keys.iter().filter(|k| k.signs_from <= now && k.published(now)).max_by_key(|k| (k.signs_from, k.created_at))
}

/// The keys the JWKS serves at `now`.
pub fn published_keys(keys: &[crate::model::SigningKey], now: i64) -> Vec<&crate::model::SigningKey> {
    keys.iter().filter(|k| k.published(now)).collect()
}

/// The first key, signing at once: committed only when no key signs yet (of two isolates
/// making one at once, one lands; both then read it).
pub async fn install_first_key<S: Store>(env: &Env<'_, S>, mut key: crate::model::SigningKey) -> Result<()> {
    key.created_at = env.now;
    key.signs_from = env.now;
    key.retire_at = None;
    env.store.commit(vec![Change::PutSigningKey { key, unless_one_signs_at: Some(env.now) }]).await
}

/// A rotation (the operator's): the new key is served at once and signs after
/// [`KEY_OVERLAP`]; every other key leaves the JWKS once the tokens it may still sign until
/// then have expired.
pub async fn rotate_keys<S: Store>(
    env: &mut Env<'_, S>,
    op: &super::operators::Operator,
    mut key: crate::model::SigningKey,
) -> Result<crate::model::SigningKey> {
    key.created_at = env.now;
    key.signs_from = env.now + KEY_OVERLAP;
    key.retire_at = None;
    let retire = key.signs_from + ID_TOKEN_TTL.max(ACCESS_TTL) + 60;
    let audit = env.operator_audit(op, None, "operator.signing_key", &key.kid, "rotated");
    env.store
        .commit(vec![
            Change::RetireSigningKeys { except: key.kid.clone(), at: retire },
            Change::PutSigningKey { key: key.clone(), unless_one_signs_at: None },
            audit,
        ])
        .await?;
    Ok(key)
}

/// What a back-channel logout row of the outbox names (its body, written by the commit that
/// ended the sessions).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct LogoutEvent {
    pub client_id: String,
    pub account_id: String,
    pub profile_id: String,
    pub sid: String,
    pub iss: String,
}

/// The claims of a back-channel logout token (OpenID Connect Back-Channel Logout 1.0
/// section 2.4): `iss`, `aud`, `iat`, `exp`, `jti`, `sub`, `sid`, the `events` member, and
/// no `nonce`. The Worker signs it (`typ: logout+jwt`).
pub fn logout_claims(config: &crate::config::Config, event: &LogoutEvent, now: i64, jti: &str) -> Result<Value> {
    Ok(json!({
        "iss": event.iss,
        "aud": event.client_id,
        "iat": now,
        "exp": now + 120,
        "jti": jti,
        "sub": subject(config, &event.account_id, &event.profile_id)?,
        "sid": event.sid,
        "events": { "http://schemas.openid.net/event/backchannel-logout": {} },
    }))
}

/// What RP-initiated logout answers (`GET /oauth/logout`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndSession {
    /// Signed out (when the hint named this browser's session): back to the app's registered
    /// post-logout URI, with `state`.
    Redirect { uri: String, signed_out: bool },
    /// A netid page: signed out, or (without a hint naming this session) nothing was done and
    /// the page says how to sign out at netid.
    Page { signed_out: bool },
}

/// RP-initiated logout 1.0: the netid session ends only when the verified `id_token_hint`
/// (its `aud` and `sid`) names this browser's session, so a third party's link signs nobody
/// out; the redirect goes only to a post-logout URI the hint's (or `client_id`'s) app
/// registered exactly. Ending the session ends the person's other apps' sessions too
/// (back-channel logout).
pub async fn end_session<S: Store>(
    env: &mut Env<'_, S>,
    session_token: Option<&str>,
    hint: Option<(String, String)>,
    client_id: Option<String>,
    post_logout_redirect_uri: Option<String>,
) -> Result<EndSession> {
    let client = match (&hint, &client_id) {
        (Some((aud, _)), Some(c)) if aud != c => return Ok(EndSession::Page { signed_out: false }),
        (Some((aud, _)), _) => Some(aud.clone()),
        (None, c) => c.clone(),
    };
    let session_hash = session_token.filter(|t| !t.is_empty() && t.len() <= 256).map(token_hash);
    let ctx = env
        .store
        .grant_context(Grantable::Request {
            session_hash: session_hash.as_deref(),
            client_id: client.as_deref().unwrap_or(""),
        })
        .await?;
    let named = match (&hint, &ctx.session) {
        (Some((_, sid)), Some(s)) => *sid == s.id,
        _ => false,
    };
    if named {
        if let Some(s) = &ctx.session {
            super::sessions::logout(env, s).await?;
        }
    }
    let back = ctx
        .app
        .as_ref()
        .filter(|a| !a.disabled)
        .and_then(|a| post_logout_redirect_uri.filter(|u| a.post_logout_redirect_uris.iter().any(|r| r == u)));
    Ok(match back {
        Some(uri) => EndSession::Redirect { uri, signed_out: named },
        None => EndSession::Page { signed_out: named },
    })
}

/// Where entering a workspace takes the person when one of its apps signs people in by
/// itself (OpenID Connect third-party initiated login): the oldest enabled app's
/// `initiate_login_uri`, with `iss` (and `target_link_uri`, the same address) added.
pub fn initiate_login_url(apps: &[App], issuer: &str) -> Option<String> {
    let app = apps.iter().filter(|a| !a.disabled).find(|a| a.initiate_login_uri.is_some())?;
    let uri = app.initiate_login_uri.as_deref()?;
    let mut url = url::Url::parse(uri).ok()?;
    url.query_pairs_mut().append_pair("iss", issuer).append_pair("target_link_uri", uri);
    Some(url.to_string())
}
