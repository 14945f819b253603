//! Routing of `/api/v1/*` to handlers. Unknown paths answer 404, known paths with another
//! method 405, both in the error envelope.
//!
//! Every request passes one extractor before its handler (`admit`), in this order: the
//! Origin / Sec-Fetch-Site check of unsafe requests (403), authentication of the routes that
//! need a session (401, before any body is read), the restriction of a session whose password
//! an admin chose (403 `password_change_required`), and the content type of a body (415).
//! Handlers then only read and parse their body.

mod accounts;
mod auth;
mod dev;
mod me;
mod outbox;
mod routes;
mod social;
mod structure;

use crate::ctx::Ctx;
use crate::http::{self, ApiResult};
use netid_core::{Code, Error};
use worker::{Method, Request};

pub const BASE: &str = "/api/v1";

/// openapi.yaml as JSON (converted by build.rs at compile time).
const OPENAPI_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/openapi.json"));

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Auth {
    /// Anyone (the handler may still look for a session or the operator token).
    Public,
    /// A live session.
    Session,
    /// A live session, checked by the handler itself because it reads the session together
    /// with its data in one round trip (`GET /me`). Such a route takes no body and is
    /// allowed while a password change is required.
    SessionInHandler,
}

fn auth_of(segs: &[&str], m: &Method) -> Auth {
    match (segs, m) {
        (["me"], Method::Get) => Auth::SessionInHandler,
        (["logout"] | ["session"] | ["me", ..] | ["accounts", ..], _) => Auth::Session,
        _ => Auth::Public,
    }
}

/// What a session whose password an admin chose may still do: read itself, log out, and
/// change the password.
fn allowed_while_password_change_required(segs: &[&str], m: &Method) -> bool {
    matches!(
        (segs, m),
        (["me"], Method::Get)
            | (["session"], Method::Get)
            | (["logout"], Method::Post)
            | (["me", "password"], Method::Post)
    )
}

/// The checks every request passes before its handler (see the module doc). A provider's
/// form POST to a social callback (Apple) comes from the provider's origin with a form body:
/// it is neither refused for its origin nor for its type; its single-use state, bound to this
/// browser, is what protects it.
async fn admit(req: &Request, ctx: &mut Ctx, segs: &[&str]) -> Result<(), Error> {
    if matches!(segs, ["auth", "social", _, "callback"]) {
        return Ok(());
    }
    http::check_origin(req, &ctx.allowed_origins)?;
    if auth_of(segs, &req.method()) == Auth::Session {
        let session = ctx.session(req).await?;
        if session.password_change_required && !allowed_while_password_change_required(segs, &req.method()) {
            return Err(Error::new(Code::PasswordChangeRequired));
        }
    }
    let kind = if matches!(segs, ["me", "photo"]) { http::BodyKind::Image } else { http::BodyKind::Json };
    http::check_content_type(req, kind)
}

pub async fn handle(req: Request, ctx: &mut Ctx) -> ApiResult {
    let mut req = req;
    let path = req.path();
    let rest = path.strip_prefix(BASE).unwrap_or("");
    let segs: Vec<&str> = rest.trim_matches('/').split('/').collect();
    let m = req.method();
    if !known(&segs) || (matches!(segs.as_slice(), ["dev", ..]) && !ctx.dev) {
        return Err(Error::new(Code::NotFound));
    }
    // The method as sent: the worker crate reads any method it does not know (QUERY, ...)
    // as GET, which would let such a request pass for a safe one.
    let sent = req.inner().method().to_ascii_uppercase();
    if sent != m.as_ref() || !exists(&segs, &m) {
        // RFC 9110: a 405 names the methods the resource does answer.
        let resp = http::error_response(&Error::new(Code::MethodNotAllowed), ctx.lang);
        return Ok(http::with_header(resp, "Allow", &routes::allowed(&segs)));
    }
    admit(&req, ctx, &segs).await?;
    use Method::*;
    match (segs.as_slice(), m.clone()) {
        (["health"], Get) => http::json(200, &serde_json::json!({"ok": true})),
        (["openapi.json"], Get) => http::json_text(200, OPENAPI_JSON),
        (["signup"], Post) => auth::signup(&mut req, ctx).await,
        (["signup", "confirm"], Post) => auth::confirm(&mut req, ctx).await,
        (["signup", "resend"], Post) => auth::resend(&mut req, ctx).await,
        (["login"], Post) => auth::login(&mut req, ctx).await,
        (["login", "second-factor"], Post) => auth::second_factor(&mut req, ctx).await,
        (["logout"], Post) => auth::logout(&req, ctx).await,
        (["session"], Get) => auth::session_info(&req, ctx).await,
        (["session", "refresh"], Post) => auth::refresh(&mut req, ctx).await,
        (["password", "forgot"], Post) => auth::forgot(&mut req, ctx).await,
        (["password", "reset"], Post) => auth::reset(&mut req, ctx).await,
        (["me"], Get) => me::get(&req, ctx).await,
        (["me"], Patch) => me::patch(&mut req, ctx).await,
        (["me"], Delete) => me::delete(&mut req, ctx).await,
        (["me", "photo"], Put) => me::put_photo(&mut req, ctx).await,
        (["me", "photo"], Delete) => me::delete_photo(&req, ctx).await,
        (["me", "email"], Post) => me::email(&mut req, ctx).await,
        (["me", "email", "confirm"], Post) => me::email_confirm(&mut req, ctx).await,
        (["me", "phone"], Post) => me::phone(&mut req, ctx).await,
        (["me", "phone", "confirm"], Post) => me::phone_confirm(&mut req, ctx).await,
        (["me", "password"], Post) => me::password(&mut req, ctx).await,
        (["me", "two-factor", "setup"], Post) => me::two_factor_setup(&mut req, ctx).await,
        (["me", "two-factor", "enable"], Post) => me::two_factor_enable(&mut req, ctx).await,
        (["me", "two-factor", "recovery-codes"], Post) => me::recovery_codes(&mut req, ctx).await,
        (["me", "two-factor"], Delete) => me::two_factor_disable(&mut req, ctx).await,
        (["me", "sessions"], Get) => me::sessions(&req, ctx).await,
        (["me", "sessions", "end-others"], Post) => me::end_other_sessions(&req, ctx).await,
        (["me", "sessions", sid], Delete) => me::end_session(&req, ctx, sid).await,
        (["photos", id], Get) => me::photo(id, ctx).await,
        (["me", "social", provider, "connect"], Post) => social::connect(&mut req, ctx, provider).await,
        (["me", "social", provider, subject], Delete) => social::disconnect(&req, ctx, provider, subject).await,
        (["auth", "social", "providers"], Get) => social::providers(ctx).await,
        (["auth", "social", provider, "start"], Get) => social::start(&req, ctx, provider).await,
        (["auth", "social", provider, "callback"], Get | Post) => social::callback(&mut req, ctx, provider).await,
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
        (["accounts", id, "users", uid, "two-factor"], Delete) => {
            accounts::disable_two_factor(&req, ctx, id, uid).await
        }
        (["accounts", id, "audit"], Get) => accounts::audit(&req, ctx, id).await,
        (["accounts", id, "departments"], Get) => accounts::departments(&req, ctx, id).await,
        (["accounts", id, "departments"], Post) => accounts::add_department(&mut req, ctx, id).await,
        (["accounts", id, "groups"], Get) => accounts::groups(&req, ctx, id).await,
        (["accounts", id, "groups"], Post) => accounts::add_group(&mut req, ctx, id).await,
        (["accounts", id, "departments", did], Patch) => structure::rename_department(&mut req, ctx, id, did).await,
        (["accounts", id, "departments", did], Delete) => structure::delete_department(&req, ctx, id, did).await,
        (["accounts", id, "groups", gid], Patch) => structure::rename_group(&mut req, ctx, id, gid).await,
        (["accounts", id, "groups", gid], Delete) => structure::delete_group(&req, ctx, id, gid).await,
        (["accounts", id, "leave"], Post) => structure::leave(&req, ctx, id).await,
        (["accounts", id, "invitations"], Get) => accounts::invitations(&req, ctx, id).await,
        (["accounts", id, "invitations"], Post) => accounts::invite(&mut req, ctx, id).await,
        (["accounts", id, "invitations", "mass"], Post) => accounts::invite_mass(&mut req, ctx, id).await,
        (["accounts", id, "invitations", iid, "resend"], Post) => accounts::resend(&req, ctx, id, iid).await,
        (["accounts", id, "invitations", iid], Delete) => accounts::revoke(&req, ctx, id, iid).await,
        (["invitations", token], Get) => accounts::invitation(ctx, token).await,
        (["invitations", token, "accept"], Post) => accounts::accept(&mut req, ctx, token).await,
        (["operator", "accounts", id, "plan"], Put) => accounts::set_plan(&mut req, ctx, id).await,
        (["operator", "accounts", id, "renames"], Post) => accounts::grant_renames(&mut req, ctx, id).await,
        (["operator", "outbox"], Get) => outbox::list(&req, ctx).await,
        (["operator", "outbox", id, "retry"], Post) => outbox::retry(&req, ctx, id).await,
        (["dev", ..], _) if !ctx.dev => Err(Error::new(Code::NotFound)),
        (["dev", "outbox"], Get) => dev::outbox(&req, ctx).await,
        (["dev", "clock"], Post) => dev::advance_clock(&mut req, ctx).await,
        (["dev", "clock"], Get) => dev::clock(ctx).await,
        (["dev", "hash"], Get) => dev::hash(&req).await,
        (["dev", "seed"], Post) => dev::seed(&mut req, ctx).await,
        (["dev", "cleanup"], Post) => dev::cleanup(ctx).await,
        (["dev", "invariants"], Get) => dev::check_invariants(ctx).await,
        (["dev", "faults"], Post) => dev::arm_fault(&mut req).await,
        (["dev", "snapshot"], Get) => dev::snapshot(ctx).await,
        (segs, _) if known(segs) => Err(Error::new(Code::MethodNotAllowed)),
        _ => Err(Error::new(Code::NotFound)),
    }
}

/// Whether a path and method is a route (so a wrong method answers 405 before anything
/// asks for a session): the table in `routes.rs`, which `openapi.yaml` mirrors.
fn exists(segs: &[&str], m: &Method) -> bool {
    routes::exists(segs, m.as_ref())
}

/// Whether a path is a route for some method (else 404).
fn known(segs: &[&str]) -> bool {
    routes::known(segs)
}
