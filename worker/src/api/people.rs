//! An account's people: list, register, edit, dismiss (flows::people).

use super::accounts::link_base;
use crate::ctx::Ctx;
use crate::http::{self, ApiResult};
use netid_core::flows::people::{self, CardEdit, NewUser};
use serde::Deserialize;
use serde_json::json;
use worker::Request;

pub async fn users(req: &Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let s = ctx.session(req).await?;
    let status = http::query(req, "status").filter(|v| !v.is_empty());
    let kind = http::query(req, "type").filter(|v| !v.is_empty());
    let users = people::list_users(&ctx.env(), &s.profile_id, id, status.as_deref(), kind.as_deref()).await?;
    http::json(200, &json!({ "users": users }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewUserReq {
    first_name: String,
    last_name: String,
    email: String,
    position: Option<String>,
    department_id: Option<String>,
    #[serde(default)]
    group_ids: Vec<String>,
    login: Option<String>,
    password: Option<String>,
    personal: Option<serde_json::Map<String, serde_json::Value>>,
}

pub async fn add_user(req: &mut Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let b: NewUserReq = http::body(req).await?;
    let s = ctx.session(req).await?;
    let input = NewUser {
        first_name: b.first_name,
        last_name: b.last_name,
        email: b.email,
        position: b.position,
        department_id: b.department_id,
        group_ids: b.group_ids,
        login: b.login,
        password: b.password,
        personal: b.personal.map(|p| serde_json::Value::Object(p).to_string()),
    };
    http::json(201, &people::add_user(&mut ctx.env(), &s.profile_id, id, input, &link_base(req)).await?)
}

pub async fn edit_user(req: &mut Request, ctx: &mut Ctx, id: &str, uid: &str) -> ApiResult {
    let edit: CardEdit = http::body(req).await?;
    let s = ctx.session(req).await?;
    http::json(200, &people::edit_user(&mut ctx.env(), &s.profile_id, id, uid, edit).await?)
}

pub async fn dismiss(req: &Request, ctx: &mut Ctx, id: &str, uid: &str) -> ApiResult {
    let s = ctx.session(req).await?;
    http::json(200, &people::dismiss_user(&mut ctx.env(), &s.profile_id, id, uid).await?)
}
