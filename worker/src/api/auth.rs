//! Signup, login, sessions and password recovery.

use crate::ctx::Ctx;
use crate::http::{self, ApiResult};
use netid_core::flows::two_factor::{self, Factor};
use netid_core::flows::{self, Grant};
use netid_core::model::ClientKind;
use netid_core::time::rfc3339;
use netid_core::validate::Login;
use netid_core::{Code, Error};
use serde::{Deserialize, Serialize};
use worker::Request;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignupReq {
    email: Option<String>,
    phone: Option<String>,
    password: String,
    first_name: String,
    last_name: String,
    region: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResendReq {
    email: Option<String>,
    phone: Option<String>,
    region: Option<String>,
}

/// `POST /signup/resend`: a new code for an unconfirmed address; 202 whatever the address.
pub async fn resend(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let b: ResendReq = http::body(req).await?;
    flows::resend_signup_code(&mut ctx.env(), b.email.as_deref(), b.phone.as_deref(), b.region.as_deref()).await?;
    http::json(202, &serde_json::json!({}))
}

pub async fn signup(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let b: SignupReq = http::body(req).await?;
    let input = flows::SignupInput {
        email: b.email,
        phone: b.phone,
        password: b.password,
        first_name: b.first_name,
        last_name: b.last_name,
        region: b.region,
    };
    let out = flows::signup(&mut ctx.env(), input).await?;
    http::json(
        201,
        &serde_json::json!({"profile_id": out.profile_id, "confirmation": {"channel": out.channel, "to": out.to}}),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfirmReq {
    email: Option<String>,
    phone: Option<String>,
    code: String,
    region: Option<String>,
    password: Option<String>,
}

pub async fn confirm(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let b: ConfirmReq = http::body(req).await?;
    let input =
        flows::ConfirmInput { email: b.email, phone: b.phone, code: b.code, region: b.region, password: b.password };
    let grant = flows::confirm_signup(&mut ctx.env(), input).await?;
    session_response(ctx, grant).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginReq {
    login: String,
    password: String,
    client: Option<String>,
    account_id: Option<String>,
    otp: Option<String>,
    recovery_code: Option<String>,
    region: Option<String>,
}

pub async fn login(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let b: LoginReq = http::body(req).await?;
    let client = match b.client.as_deref() {
        None => ClientKind::Browser,
        Some(c) => ClientKind::parse(c).ok_or_else(|| Error::field(Code::InvalidRequest, "client"))?,
    };
    let input = flows::LoginInput {
        login: b.login,
        password: b.password,
        client,
        account_id: b.account_id,
        region: b.region,
        factor: Factor { otp: b.otp, recovery_code: b.recovery_code },
    };
    let grant = flows::login(&mut ctx.env(), input).await?;
    session_response(ctx, grant).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SecondFactorReq {
    ticket: String,
    otp: Option<String>,
    recovery_code: Option<String>,
}

/// `POST /login/second-factor`: the ticket from `second_factor_required` and a code.
pub async fn second_factor(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let b: SecondFactorReq = http::body(req).await?;
    let factor = Factor { otp: b.otp, recovery_code: b.recovery_code };
    let grant = two_factor::second_step(&mut ctx.env(), &b.ticket, factor).await?;
    session_response(ctx, grant).await
}

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
    Ok(http::with_header(resp, "Set-Cookie", &cookie))
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ForgotReq {
    login: String,
    region: Option<String>,
}

/// 202 alike for every login. In production the lookup, the send limit and the code are
/// deferred past the response (`waitUntil`), so a known login does not answer later than an
/// unknown one; in development they run before it, so the dev outbox holds the code when the
/// response arrives (the end-to-end tests read it at once).
pub async fn forgot(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let b: ForgotReq = http::body(req).await?;
    // The form of the login is checked at once: that says nothing about who exists.
    Login::parse(&b.login, b.region.as_deref())?;
    let accepted = http::json(202, &serde_json::json!({"status": "sent_if_exists"}));
    let deferred = if ctx.dev { None } else { ctx.execution.take() };
    match deferred {
        Some(execution) => {
            let env = ctx.worker_env.clone();
            let (lang, ip) = (ctx.lang, ctx.ip.clone());
            execution.wait_until(async move {
                match Ctx::new(&env, None).await {
                    Ok(mut later) => {
                        later.lang = lang;
                        later.ip = ip;
                        if let Err(e) = flows::forgot_password(&mut later.env(), &b.login, b.region.as_deref()).await {
                            worker::console_error!("deferred password recovery failed: {}", e.code.code());
                        }
                        let messages = later.store.committed_messages.take();
                        crate::delivery::relay(&env, messages).await;
                    }
                    Err(e) => worker::console_error!("deferred password recovery: no context: {}", e.code.code()),
                }
            });
        }
        None => flows::forgot_password(&mut ctx.env(), &b.login, b.region.as_deref()).await?,
    }
    accepted
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResetReq {
    login: String,
    code: String,
    new_password: String,
    region: Option<String>,
}

pub async fn reset(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let b: ResetReq = http::body(req).await?;
    let input = flows::ResetInput { login: b.login, code: b.code, new_password: b.new_password, region: b.region };
    flows::reset_password(&mut ctx.env(), input).await?;
    http::no_content()
}
