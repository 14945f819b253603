//! The operator (support) API: every route takes an operator's own session
//! (`netid_core::flows::operators`), and every change is audited with the operator as actor.

use crate::ctx::Ctx;
use crate::http::{self, ApiResult};
use netid_core::flows::operators::{self, Operator};
use netid_core::model::Account;
use netid_core::time::rfc3339;
use netid_core::Error;
use serde::Deserialize;
use serde_json::json;
use worker::Request;

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
