//! Accounts, people, departments, groups and invitations; the operator API.

use crate::ctx::Ctx;
use crate::http::{self, ApiResult};
use netid_core::flows::accounts;
use netid_core::flows::people::UserView;
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
    require_two_factor: Option<String>,
    allow_remember_browser: Option<bool>,
}

/// `PATCH /accounts/{id}/policy {require_two_factor?, allow_remember_browser?}` (admins).
pub async fn set_policy(req: &mut Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let b: PolicyReq = http::body(req).await?;
    let s = ctx.session(req).await?;
    let change = accounts::PolicyChange {
        require_two_factor: b.require_two_factor.as_deref(),
        remember_browsers: b.allow_remember_browser,
    };
    http::json(200, &accounts::set_policy(&mut ctx.env(), &s.profile_id, id, change).await?)
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
