//! `/me/remembered-browsers`: the browsers that skip the second step (flows::browsers).

use crate::ctx::Ctx;
use crate::http::{self, ApiResult};
use netid_core::flows::browsers;
use netid_core::{Code, Error};
use worker::Request;

/// `GET /me/remembered-browsers`.
pub async fn list(req: &Request, ctx: &mut Ctx) -> ApiResult {
    let s = ctx.session(req).await?;
    http::json(200, &serde_json::json!({ "browsers": browsers::list(&ctx.env(), &s).await? }))
}

/// `DELETE /me/remembered-browsers/{id}`.
pub async fn revoke(req: &Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let s = ctx.session(req).await?;
    if id.is_empty() || id.len() > 64 {
        return Err(Error::new(Code::NotFound));
    }
    browsers::revoke(&mut ctx.env(), &s, id).await?;
    http::no_content()
}

/// `DELETE /me/remembered-browsers`.
pub async fn revoke_all(req: &Request, ctx: &mut Ctx) -> ApiResult {
    let s = ctx.session(req).await?;
    browsers::revoke_all(&mut ctx.env(), &s).await?;
    http::no_content()
}
