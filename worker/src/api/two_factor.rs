//! Two-step authentication: the person's own, and an admin switching a member's off (flows::two_factor).

use crate::ctx::Ctx;
use crate::http::{self, ApiResult};
use netid_core::flows::two_factor;
use serde::Deserialize;
use worker::Request;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordOnlyReq {
    password: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EnableReq {
    code: String,
}

/// `POST /me/two-factor/setup {password}`: a pending secret and its otpauth URI.
pub async fn two_factor_setup(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let session = ctx.session(req).await?;
    let b: PasswordOnlyReq = http::body(req).await?;
    http::json(200, &two_factor::setup(&mut ctx.env(), &session.profile_id, &b.password).await?)
}

/// `POST /me/two-factor/enable {code}`: on, with ten recovery codes shown once.
pub async fn two_factor_enable(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let session = ctx.session(req).await?;
    let b: EnableReq = http::body(req).await?;
    let codes = two_factor::enable(&mut ctx.env(), &session.profile_id, &b.code).await?;
    http::json(200, &serde_json::json!({ "recovery_codes": codes }))
}

/// `POST /me/two-factor/recovery-codes {password}`: a new set; the old one dies.
pub async fn recovery_codes(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let session = ctx.session(req).await?;
    let b: PasswordOnlyReq = http::body(req).await?;
    let codes = two_factor::regenerate_recovery_codes(&mut ctx.env(), &session.profile_id, &b.password).await?;
    http::json(200, &serde_json::json!({ "recovery_codes": codes }))
}

/// `DELETE /me/two-factor {password}`.
pub async fn two_factor_disable(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let session = ctx.session(req).await?;
    let b: PasswordOnlyReq = http::body(req).await?;
    two_factor::disable(&mut ctx.env(), &session, &b.password).await?;
    http::no_content()
}

/// `DELETE /accounts/{id}/users/{uid}/two-factor`: an admin switches a member's factor off.
pub async fn disable_two_factor(req: &Request, ctx: &mut Ctx, id: &str, uid: &str) -> ApiResult {
    let s = ctx.session(req).await?;
    netid_core::flows::two_factor::disable_for_member(&mut ctx.env(), &s.profile_id, id, uid).await?;
    http::no_content()
}
