//! Routing of `/api/v1/*` to handlers through the one route table (`routes.rs`). Unknown paths
//! answer 404, known paths with another method 405 with `Allow`, both in the error envelope.
//!
//! Every request passes one extractor before its handler (`admit`), in this order: the
//! Origin / Sec-Fetch-Site check of unsafe requests (403), authentication of the routes that
//! need a session (401, before any body is read), the restriction of a session whose password
//! an admin chose (403 `password_change_required`), and the content type of a body (415).
//! Handlers then only read and parse their body.

mod accounts;
mod apps;
mod browsers;
mod dev;
mod invitations;
mod login;
mod operators;
mod outbox;
mod passkeys;
mod password;
mod people;
mod profile;
pub(crate) mod provider;
mod routes;
mod sessions;
mod signup;
mod social;
mod structure;
mod two_factor;

use crate::ctx::Ctx;
use crate::http::{self, ApiResult};
use netid_core::{Code, Error};
use worker::Request;

pub const BASE: &str = "/api/v1";

/// openapi.yaml as JSON (converted by build.rs at compile time).
pub(crate) const OPENAPI_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/openapi.json"));

use netid_core::sql::Keys;
use routes::{Auth, Body, Route};

/// The checks every request passes before its handler (see the module doc), as its row in
/// the route table says.
async fn admit(req: &Request, ctx: &mut Ctx, route: &Route, params: &[&str]) -> Result<(), Error> {
    if matches!(route.body, Body::ProviderCallback | Body::Form) {
        return Ok(());
    }
    http::check_origin(req, &ctx.allowed_origins)?;
    if route.auth == Auth::Session || !route.ahead.is_empty() {
        read_ahead(req, ctx, route, params).await?;
    }
    if route.auth == Auth::Session {
        let session = ctx.session(req).await?;
        if session.password_change_required && !route.while_password_change_required {
            return Err(Error::new(Code::PasswordChangeRequired));
        }
    }
    let kind = if route.body == Body::Image { http::BodyKind::Image } else { http::BodyKind::Json };
    http::check_content_type(req, kind)
}

/// The caller's session and what the route's flow reads, in one round trip (`ahead`): the
/// account of an `/accounts/{id}/...` path and the invitation of an `/invitations/{token}`
/// path are their first parameter.
async fn read_ahead(req: &Request, ctx: &mut Ctx, route: &Route, params: &[&str]) -> Result<(), Error> {
    let session = http::bearer(req)
        .map(|(token, _)| token)
        .filter(|t| !t.is_empty() && t.len() <= 256)
        .map(|t| netid_core::tokens::token_hash(&t));
    let first = params.first().copied();
    let account = route.path.starts_with("/accounts/{id}").then_some(first).flatten();
    let invitation = route
        .path
        .starts_with("/invitations/{token}")
        .then_some(first)
        .flatten()
        .filter(|t| !t.is_empty() && t.len() <= 256)
        .map(netid_core::tokens::token_hash);
    if session.is_none() && invitation.is_none() {
        return Ok(());
    }
    let card = route.path.starts_with("/accounts/{id}/users/{uid}").then(|| params.get(1).copied()).flatten();
    let keys = Keys { session: session.as_deref(), account, invitation: invitation.as_deref(), card };
    ctx.store.read_ahead(keys, route.ahead).await
}

pub async fn handle(req: Request, ctx: &mut Ctx) -> ApiResult {
    let mut req = req;
    let path = req.path();
    let rest = path.strip_prefix(BASE).unwrap_or("");
    let segs: Vec<&str> = rest.trim_matches('/').split('/').collect();
    let of_path = routes::routes_of(&segs);
    if of_path.is_empty() || (of_path.iter().any(|r| r.auth == Auth::Dev) && !ctx.dev) {
        return Err(Error::new(Code::NotFound));
    }
    // The method as sent: the worker crate reads any method it does not know (QUERY, ...)
    // as GET, which would let such a request pass for a safe one.
    let m = req.method();
    let sent = req.inner().method().to_ascii_uppercase();
    let route = routes::find(&segs, m.as_ref()).filter(|_| sent == m.as_ref());
    let Some(route) = route else {
        // RFC 9110: a 405 names the methods the resource does answer.
        let resp = http::error_response(&Error::new(Code::MethodNotAllowed), ctx.lang);
        return Ok(http::with_header(resp, "Allow", &routes::allowed(&segs)));
    };
    let params = routes::params(route, &segs);
    admit(&req, ctx, route, &params).await?;
    (route.handler)(&mut req, ctx, &params).await
}
