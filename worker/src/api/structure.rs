//! Renaming and deleting departments and groups, and leaving an account.

use crate::ctx::Ctx;
use crate::http::{self, ApiResult};
use netid_core::flows::structure;
use serde::Deserialize;
use serde_json::json;
use worker::Request;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NameReq {
    name: String,
}

/// `PATCH /accounts/{id}/departments/{did}`.
pub async fn rename_department(req: &mut Request, ctx: &mut Ctx, id: &str, did: &str) -> ApiResult {
    let b: NameReq = http::body(req).await?;
    let s = ctx.session(req).await?;
    let d = structure::rename_department(&mut ctx.env(), &s.profile_id, id, did, &b.name).await?;
    http::json(200, &json!({"id": d.id, "name": d.name, "parent_id": d.parent_id}))
}

/// `DELETE /accounts/{id}/departments/{did}`.
pub async fn delete_department(req: &Request, ctx: &mut Ctx, id: &str, did: &str) -> ApiResult {
    let s = ctx.session(req).await?;
    structure::delete_department(&mut ctx.env(), &s.profile_id, id, did).await?;
    http::no_content()
}

/// `PATCH /accounts/{id}/groups/{gid}`.
pub async fn rename_group(req: &mut Request, ctx: &mut Ctx, id: &str, gid: &str) -> ApiResult {
    let b: NameReq = http::body(req).await?;
    let s = ctx.session(req).await?;
    let g = structure::rename_group(&mut ctx.env(), &s.profile_id, id, gid, &b.name).await?;
    http::json(200, &json!({"id": g.id, "name": g.name, "extranet": g.extranet}))
}

/// `DELETE /accounts/{id}/groups/{gid}`.
pub async fn delete_group(req: &Request, ctx: &mut Ctx, id: &str, gid: &str) -> ApiResult {
    let s = ctx.session(req).await?;
    structure::delete_group(&mut ctx.env(), &s.profile_id, id, gid).await?;
    http::no_content()
}

/// `POST /accounts/{id}/leave`: the caller leaves the account.
pub async fn leave(req: &Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let s = ctx.session(req).await?;
    structure::leave_account(&mut ctx.env(), &s.profile_id, id).await?;
    http::no_content()
}

pub async fn departments(req: &Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let s = ctx.session(req).await?;
    let list = structure::list_departments(&ctx.env(), &s.profile_id, id).await?;
    let list: Vec<_> =
        list.into_iter().map(|d| json!({"id": d.id, "name": d.name, "parent_id": d.parent_id})).collect();
    http::json(200, &json!({ "departments": list }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DepartmentReq {
    name: String,
    parent_id: Option<String>,
}

pub async fn add_department(req: &mut Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let b: DepartmentReq = http::body(req).await?;
    let s = ctx.session(req).await?;
    let d = structure::create_department(&mut ctx.env(), &s.profile_id, id, &b.name, b.parent_id).await?;
    http::json(201, &json!({"id": d.id, "name": d.name, "parent_id": d.parent_id}))
}

pub async fn groups(req: &Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let s = ctx.session(req).await?;
    let list = structure::list_groups(&ctx.env(), &s.profile_id, id).await?;
    let list: Vec<_> = list.into_iter().map(|g| json!({"id": g.id, "name": g.name, "extranet": g.extranet})).collect();
    http::json(200, &json!({ "groups": list }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupReq {
    name: String,
    #[serde(default)]
    extranet: bool,
}

pub async fn add_group(req: &mut Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let b: GroupReq = http::body(req).await?;
    let s = ctx.session(req).await?;
    let g = structure::create_group(&mut ctx.env(), &s.profile_id, id, &b.name, b.extranet).await?;
    http::json(201, &json!({"id": g.id, "name": g.name, "extranet": g.extranet}))
}
