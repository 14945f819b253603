//! The operator's view of delivery: `GET /operator/outbox`, `POST /operator/outbox/{id}/retry`.

use crate::ctx::Ctx;
use crate::delivery::{self, OperatorRow};
use crate::http::{self, ApiResult};
use netid_core::time::rfc3339;
use serde_json::json;
use worker::Request;

fn view(r: &OperatorRow) -> serde_json::Value {
    json!({
        "id": r.id, "channel": r.channel, "to": r.to, "kind": r.kind, "status": r.status,
        "attempts": r.attempts, "last_error": r.last_error, "provider_id": r.provider_id,
        "created_at": rfc3339(r.created_at), "delivered_at": r.delivered_at.map(rfc3339),
    })
}

/// `GET /operator/outbox?status=failed|pending|...&limit=`: newest first (default: failed, 100).
pub async fn list(req: &Request, ctx: &mut Ctx) -> ApiResult {
    super::operators::operator(req, ctx).await?;
    let status = http::query(req, "status").unwrap_or_else(|| "failed".into());
    let limit = http::query_limit(req, 100, 500)?;
    let rows = delivery::list(ctx, &status, limit).await?;
    http::json(200, &json!({ "messages": rows.iter().map(view).collect::<Vec<_>>() }))
}

/// `POST /operator/outbox/{id}/retry`: a failed message gets a fresh set of attempts.
pub async fn retry(req: &Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let op = super::operators::operator(req, ctx).await?;
    http::json(200, &view(&delivery::retry(ctx, &op, id).await?))
}
