//! A session's answer, logout, `GET /session`, refresh, and a person's sessions (flows::sessions).

use crate::ctx::Ctx;
use crate::http::{self, ApiResult};
use netid_core::flows::{self, sessions, Grant};
use netid_core::time::rfc3339;
use netid_core::{Code, Error};
use serde::{Deserialize, Serialize};
use worker::Request;

#[derive(Serialize)]
struct SessionBody {
    token: String,
    expires_at: String,
    idle_timeout_seconds: i64,
    account_id: Option<String>,
    profile: flows::Me,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
}

/// The session object, with the session cookie.
pub async fn session_response(ctx: &mut Ctx, grant: Grant) -> ApiResult {
    let me = flows::me_of(&grant.profile, grant.accounts.clone());
    let body = SessionBody {
        expires_at: rfc3339(grant.expires_at(ctx.config.idle_timeout)),
        idle_timeout_seconds: ctx.config.idle_timeout,
        account_id: grant.session.account_id.clone(),
        token: grant.token.clone(),
        profile: me,
        refresh_token: grant.refresh_token.clone(),
    };
    let resp = http::json(200, &body)?;
    let cookie = http::session_cookie(Some(&grant.token), ctx.config.absolute_timeout);
    let mut resp = http::with_header(resp, "Set-Cookie", &cookie);
    if let Some(value) = &grant.remembered {
        let _ = resp.headers_mut().append("Set-Cookie", &http::remember_set_cookie(value, ctx.config.remember_ttl));
    }
    Ok(resp)
}

pub async fn logout(req: &Request, ctx: &mut Ctx) -> ApiResult {
    let session = ctx.session(req).await?;
    flows::logout(&ctx.env(), &session).await?;
    let resp = http::no_content()?;
    Ok(http::with_header(resp, "Set-Cookie", &http::session_cookie(None, 0)))
}

pub async fn session_info(req: &Request, ctx: &mut Ctx) -> ApiResult {
    let s = ctx.session(req).await?;
    let expires = (s.last_seen_at + ctx.config.idle_timeout).min(s.absolute_expires_at);
    http::json(
        200,
        &serde_json::json!({
            "expires_at": rfc3339(expires),
            "idle_timeout_seconds": ctx.config.idle_timeout,
            "account_id": s.account_id,
            "client": s.client.as_str(),
            "absolute_expires_at": rfc3339(s.absolute_expires_at),
        }),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RefreshReq {
    refresh_token: String,
}

pub async fn refresh(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let b: RefreshReq = http::body(req).await?;
    let grant = flows::refresh(&mut ctx.env(), &b.refresh_token).await?;
    session_response(ctx, grant).await
}

pub async fn sessions(req: &Request, ctx: &mut Ctx) -> ApiResult {
    let session = ctx.session(req).await?;
    http::json(200, &serde_json::json!({ "sessions": sessions::list_sessions(&ctx.env(), &session).await? }))
}

/// What ending sessions asks for: the password (absent for a profile without one, whose
/// young session stands in for it).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RecheckReq {
    #[serde(default)]
    password: String,
}

pub async fn end_session(req: &mut Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let session = ctx.session(req).await?;
    if id.is_empty() || id.len() > 64 {
        return Err(Error::new(Code::NotFound));
    }
    let b: RecheckReq = http::body(req).await?;
    sessions::end_session(&mut ctx.env(), &session, id, &b.password).await?;
    http::no_content()
}

pub async fn end_other_sessions(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let session = ctx.session(req).await?;
    let b: RecheckReq = http::body(req).await?;
    sessions::end_other_sessions(&mut ctx.env(), &session, &b.password).await?;
    http::no_content()
}
