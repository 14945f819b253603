//! Routing of `/api/v1/*` to handlers. Unknown paths answer 404, known paths with another
//! method 405, both in the error envelope.

mod accounts;
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
        (["accounts"], Post) => accounts::create(&mut req, ctx).await,
        (["accounts"], Get) => accounts::list(&req, ctx).await,
        (["accounts", id], Get) => accounts::get(&req, ctx, id).await,
        (["accounts", id], Patch) => accounts::rename(&mut req, ctx, id).await,
        (["accounts", id], Delete) => accounts::delete(&req, ctx, id).await,
        (["accounts", id, "enter"], Post) => accounts::enter(&req, ctx, id).await,
        (["accounts", id, "users"], Get) => accounts::users(&req, ctx, id).await,
        (["accounts", id, "users"], Post) => accounts::add_user(&mut req, ctx, id).await,
        (["accounts", id, "users", uid], Patch) => accounts::edit_user(&mut req, ctx, id, uid).await,
        (["accounts", id, "users", uid, "dismiss"], Post) => accounts::dismiss(&req, ctx, id, uid).await,
        (["accounts", id, "departments"], Get) => accounts::departments(&req, ctx, id).await,
        (["accounts", id, "departments"], Post) => accounts::add_department(&mut req, ctx, id).await,
        (["accounts", id, "groups"], Get) => accounts::groups(&req, ctx, id).await,
        (["accounts", id, "groups"], Post) => accounts::add_group(&mut req, ctx, id).await,
        (["accounts", id, "invitations"], Get) => accounts::invitations(&req, ctx, id).await,
        (["accounts", id, "invitations"], Post) => accounts::invite(&mut req, ctx, id).await,
        (["accounts", id, "invitations", "mass"], Post) => accounts::invite_mass(&mut req, ctx, id).await,
        (["accounts", id, "invitations", iid, "resend"], Post) => accounts::resend(&req, ctx, id, iid).await,
        (["accounts", id, "invitations", iid], Delete) => accounts::revoke(&req, ctx, id, iid).await,
        (["invitations", token], Get) => accounts::invitation(ctx, token).await,
        (["invitations", token, "accept"], Post) => accounts::accept(&mut req, ctx, token).await,
        (["operator", "accounts", id, "plan"], Put) => accounts::set_plan(&mut req, ctx, id).await,
        (["operator", "accounts", id, "renames"], Post) => accounts::grant_renames(&mut req, ctx, id).await,
        (["dev", ..], _) if !ctx.dev => Err(Error::new(Code::NotFound)),
        (["dev", "outbox"], Get) => dev::outbox(&req, ctx).await,
        (["dev", "clock"], Post) => dev::advance_clock(&mut req, ctx).await,
        (["dev", "clock"], Get) => dev::clock(ctx).await,
        (["dev", "hash"], Get) => dev::hash(&req).await,
        (["dev", "seed"], Post) => dev::seed(&mut req, ctx).await,
        (["dev", "cleanup"], Post) => dev::cleanup(ctx).await,
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
            | ["dev", "hash" | "seed" | "cleanup"]
            | ["accounts"]
            | ["accounts", _]
            | ["accounts", _, "enter" | "users" | "departments" | "groups" | "invitations"]
            | ["accounts", _, "users", _]
            | ["accounts", _, "users", _, "dismiss"]
            | ["accounts", _, "invitations", _]
            | ["accounts", _, "invitations", _, "resend"]
            | ["invitations", _]
            | ["invitations", _, "accept"]
            | ["operator", "accounts", _, "plan" | "renames"]
    )
}
