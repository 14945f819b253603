//! A workspace's applications (flows::apps): an account admin registers, lists, edits,
//! removes them and rotates a confidential one's secret; the operator lists every one and
//! switches one off.

use crate::ctx::Ctx;
use crate::http::{self, ApiResult};
use netid_core::flows::apps::{self, AppInput};
use serde::Deserialize;
use serde_json::json;
use worker::Request;

/// `GET /accounts/{id}/apps`.
pub async fn list(req: &Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let s = ctx.session(req).await?;
    http::json(200, &json!({ "apps": apps::list_apps(&ctx.env(), &s.profile_id, id).await? }))
}

/// `POST /accounts/{id}/apps`: 201 with `client_id` and, for a confidential one, its
/// `client_secret`, shown this once.
pub async fn register(req: &mut Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let s = ctx.session(req).await?;
    let input: AppInput = http::body(req).await?;
    http::json(201, &apps::register_app(&mut ctx.env(), &s.profile_id, id, input).await?)
}

/// `PATCH /accounts/{id}/apps/{client_id}`.
pub async fn edit(req: &mut Request, ctx: &mut Ctx, id: &str, client_id: &str) -> ApiResult {
    let s = ctx.session(req).await?;
    let input: AppInput = http::body(req).await?;
    http::json(200, &apps::edit_app(&mut ctx.env(), &s.profile_id, id, client_id, input).await?)
}

/// `DELETE /accounts/{id}/apps/{client_id}`: 204.
pub async fn delete(req: &Request, ctx: &mut Ctx, id: &str, client_id: &str) -> ApiResult {
    let s = ctx.session(req).await?;
    apps::delete_app(&mut ctx.env(), &s.profile_id, id, client_id).await?;
    http::no_content()
}

/// `POST /accounts/{id}/apps/{client_id}/secret`: the new secret, once.
pub async fn rotate(req: &Request, ctx: &mut Ctx, id: &str, client_id: &str) -> ApiResult {
    let s = ctx.session(req).await?;
    http::json(200, &apps::rotate_secret(&mut ctx.env(), &s.profile_id, id, client_id).await?)
}

/// `GET /operator/apps?account_id=&limit=`: newest first.
pub async fn operator_list(req: &Request, ctx: &mut Ctx) -> ApiResult {
    super::operators::operator(req, ctx).await?;
    let limit = http::query_limit(req, 100, 500)?;
    let account = http::query(req, "account_id").filter(|a| !a.is_empty() && a.len() <= 64);
    http::json(200, &json!({ "apps": apps::operator_apps(&ctx.env(), account.as_deref(), limit).await? }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DisabledReq {
    disabled: bool,
}

/// `PUT /operator/apps/{client_id}`: `{disabled}`.
pub async fn operator_set(req: &mut Request, ctx: &mut Ctx, client_id: &str) -> ApiResult {
    let op = super::operators::operator(req, ctx).await?;
    let b: DisabledReq = http::body(req).await?;
    http::json(200, &apps::set_disabled(&mut ctx.env(), &op, client_id, b.disabled).await?)
}
