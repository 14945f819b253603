//! `POST /signup`, `/signup/confirm`, `/signup/resend` (flows::signup).

use super::sessions::session_response;
use crate::ctx::Ctx;
use crate::http::{self, ApiResult};
use netid_core::flows::{self};
use serde::Deserialize;
use worker::Request;

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
    let input: flows::SignupInput = http::body(req).await?;
    let out = flows::signup(&mut ctx.env(), input).await?;
    http::json(
        201,
        &serde_json::json!({"profile_id": out.profile_id, "confirmation": {"channel": out.channel, "to": out.to}}),
    )
}

pub async fn confirm(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let input: flows::ConfirmInput = http::body(req).await?;
    let grant = flows::confirm_signup(&mut ctx.env(), input).await?;
    session_response(ctx, grant).await
}
