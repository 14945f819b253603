//! Routing of `/api/v1/*` to handlers. Unknown paths answer 404, known paths with another
//! method 405, both in the error envelope.

mod auth;
mod dev;
mod me;

use crate::ctx::Ctx;
use crate::http::{self, ApiResult};
use netid_core::{Code, Error};
use worker::{Method, Request};

pub const BASE: &str = "/api/v1";

pub async fn handle(req: Request, ctx: &mut Ctx) -> ApiResult {
    let mut req = req;
    let path = req.path();
    let rest = path.strip_prefix(BASE).unwrap_or("");
    let segs: Vec<&str> = rest.trim_matches('/').split('/').collect();
    let m = req.method();
    use Method::*;
    match (segs.as_slice(), m.clone()) {
        (["health"], Get) => http::json(200, &serde_json::json!({"ok": true})),
        (["signup"], Post) => auth::signup(&mut req, ctx).await,
        (["signup", "confirm"], Post) => auth::confirm(&mut req, ctx).await,
        (["login"], Post) => auth::login(&mut req, ctx).await,
        (["logout"], Post) => auth::logout(&req, ctx).await,
        (["session"], Get) => auth::session_info(&req, ctx).await,
        (["session", "refresh"], Post) => auth::refresh(&mut req, ctx).await,
        (["password", "forgot"], Post) => auth::forgot(&mut req, ctx).await,
        (["password", "reset"], Post) => auth::reset(&mut req, ctx).await,
        (["me"], Get) => me::get(&req, ctx).await,
        (["me"], Patch) => me::patch(&mut req, ctx).await,
        (["me"], Delete) => me::delete(&mut req, ctx).await,
        (["me", "photo"], Put) => me::put_photo(&mut req, ctx).await,
        (["me", "email"], Post) => me::email(&mut req, ctx).await,
        (["me", "email", "confirm"], Post) => me::email_confirm(&mut req, ctx).await,
        (["me", "phone"], Post) => me::phone(&mut req, ctx).await,
        (["me", "phone", "confirm"], Post) => me::phone_confirm(&mut req, ctx).await,
        (["me", "password"], Post) => me::password(&mut req, ctx).await,
        (["photos", id], Get) => me::photo(id, ctx).await,
        (["dev", ..], _) if !ctx.dev => Err(Error::new(Code::NotFound)),
        (["dev", "outbox"], Get) => dev::outbox(&req, ctx).await,
        (["dev", "clock"], Post) => dev::advance_clock(&mut req, ctx).await,
        (["dev", "clock"], Get) => dev::clock(ctx).await,
        (["dev", "hash"], Get) => dev::hash(&req).await,
        (segs, _) if known(segs) => Err(Error::new(Code::MethodNotAllowed)),
        _ => Err(Error::new(Code::NotFound)),
    }
}

fn known(segs: &[&str]) -> bool {
    matches!(
        segs,
        ["health"]
            | ["signup"]
            | ["signup", "confirm"]
            | ["login"]
            | ["logout"]
            | ["session"]
            | ["session", "refresh"]
            | ["password", "forgot"]
            | ["password", "reset"]
            | ["me"]
            | ["me", "photo"]
            | ["me", "email"]
            | ["me", "email", "confirm"]
            | ["me", "phone"]
            | ["me", "phone", "confirm"]
            | ["me", "password"]
            | ["photos", _]
            | ["dev", "outbox"]
            | ["dev", "clock"]
            | ["dev", "hash"]
    )
}
