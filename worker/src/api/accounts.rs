//! Accounts, people, departments, groups and invitations; the operator API.

use crate::ctx::Ctx;
use crate::http::{self, ApiResult};
use netid_core::flows::accounts;
use netid_core::flows::operators::{self, Operator};
use netid_core::flows::people::UserView;
use netid_core::model::Account;
use netid_core::time::rfc3339;
use netid_core::Error;
use serde::Deserialize;
use serde_json::json;
use worker::Request;

/// Where links in messages point: the origin the request came to.
pub(super) fn link_base(req: &Request) -> String {
    req.url().map(|u| u.origin().ascii_serialization()).unwrap_or_else(|_| "http://127.0.0.1:8787".into())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateReq {
    name: Option<String>,
}

pub async fn create(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let b: CreateReq = http::body(req).await?;
    let s = ctx.session(req).await?;
    http::json(201, &accounts::create_account(&mut ctx.env(), &s.profile_id, b.name.as_deref()).await?)
}

pub async fn list(req: &Request, ctx: &mut Ctx) -> ApiResult {
    let s = ctx.session(req).await?;
    let list = netid_core::store::Store::accounts_of(&ctx.store, &s.profile_id).await?;
    http::json(200, &json!({ "accounts": list }))
}

pub async fn get(req: &Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let s = ctx.session(req).await?;
    let a = accounts::access(&ctx.env(), id, &s.profile_id).await?;
    http::json(200, &a.view())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RenameReq {
    name: String,
}

pub async fn rename(req: &mut Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let b: RenameReq = http::body(req).await?;
    let s = ctx.session(req).await?;
    http::json(200, &accounts::rename_account(&mut ctx.env(), &s.profile_id, id, &b.name).await?)
}

/// `GET /accounts/{id}/policy`: the two-step rule and who does not comply yet (admins).
pub async fn policy(req: &mut Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let s = ctx.session(req).await?;
    http::json(200, &accounts::policy(&ctx.env(), &s.profile_id, id).await?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyReq {
    require_two_factor: String,
}

/// `PATCH /accounts/{id}/policy {require_two_factor}` (admins).
pub async fn set_policy(req: &mut Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let b: PolicyReq = http::body(req).await?;
    let s = ctx.session(req).await?;
    http::json(200, &accounts::set_policy(&mut ctx.env(), &s.profile_id, id, &b.require_two_factor).await?)
}

pub async fn enter(req: &Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let s = ctx.session(req).await?;
    // The workspace's own app, when one signs people in by itself: read ahead with the
    // route, so taken before the commit clears what was read ahead (shown only to a member).
    let apps = netid_core::store::Store::apps(&ctx.store, id).await?;
    let a = accounts::enter_account(&mut ctx.env(), &s, id).await?;
    let app_url = netid_core::flows::provider::initiate_login_url(&apps, &super::provider::issuer(req, ctx)?);
    http::json(200, &json!({ "account": a.view(), "membership": UserView::of(&a.member), "app_url": app_url }))
}

pub async fn delete(req: &Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let s = ctx.session(req).await?;
    accounts::delete_account(&mut ctx.env(), &s.profile_id, id).await?;
    http::no_content()
}

fn operator_view(a: &Account) -> serde_json::Value {
    json!({
        "id": a.id, "name": a.name, "address": a.address, "plan": a.plan.as_str(), "role": null, "type": null,
        "renames_left": a.renames_left, "created_at": rfc3339(a.created_at), "last_activity_at": rfc3339(a.last_activity_at),
    })
}

/// The caller as an operator: a live session (bearer or cookie) of a profile on the
/// deploy-time `OPERATORS` list, signed in with a second factor
/// (`netid_core::flows::operators::authorize`).
pub(super) async fn operator(req: &Request, ctx: &mut Ctx) -> Result<Operator, Error> {
    let session = ctx.session(req).await?;
    operators::authorize(&ctx.env(), &session).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanReq {
    plan: String,
}

pub async fn set_plan(req: &mut Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let op = operator(req, ctx).await?;
    let b: PlanReq = http::body(req).await?;
    http::json(200, &operator_view(&operators::set_plan(&mut ctx.env(), &op, id, &b.plan).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GrantReq {
    #[serde(deserialize_with = "crate::http::de_int")]
    grant: i64,
}

pub async fn grant_renames(req: &mut Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let op = operator(req, ctx).await?;
    let b: GrantReq = http::body(req).await?;
    http::json(200, &operator_view(&operators::grant_renames(&mut ctx.env(), &op, id, b.grant).await?))
}

/// `GET /operator/audit?limit=&before=`: the operators' actions, newest first.
pub async fn operator_audit(req: &Request, ctx: &mut Ctx) -> ApiResult {
    let op = operator(req, ctx).await?;
    let (limit, before) = (http::query(req, "limit"), http::query(req, "before"));
    let events = operators::log(&ctx.env(), &op, limit.as_deref(), before.as_deref()).await?;
    let next = if events.len() == limit.as_deref().and_then(|l| l.parse::<usize>().ok()).unwrap_or(50) {
        events.last().map(|e| e.id.clone())
    } else {
        None
    };
    http::json(200, &json!({ "events": events, "next_before": next }))
}

/// `GET /accounts/{id}/audit?limit=&before=`: newest first, for admins.
pub async fn audit(req: &Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let s = ctx.session(req).await?;
    let (limit, before) = (http::query(req, "limit"), http::query(req, "before"));
    let events =
        netid_core::flows::accounts::audit_log(&ctx.env(), &s.profile_id, id, limit.as_deref(), before.as_deref())
            .await?;
    let next = if events.len() == limit.as_deref().and_then(|l| l.parse::<usize>().ok()).unwrap_or(50) {
        events.last().map(|e| e.id.clone())
    } else {
        None
    };
    http::json(200, &json!({ "events": events, "next_before": next }))
}
