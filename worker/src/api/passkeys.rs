//! Passkeys: registering and managing them (`/me/passkeys`), logging in with one and using
//! one as the second step (`/login/passkey`, `/login/second-factor`) (flows::passkeys).

use super::sessions::session_response;
use crate::ctx::Ctx;
use crate::http::{self, ApiResult};
use crate::webauthn::{relying_party, WebCrypto};
use netid_core::flows::passkeys::{self, PasskeyLogin};
use netid_core::model::ClientKind;
use netid_core::{Code, Error};
use serde::Deserialize;
use serde_json::{json, Value};
use worker::Request;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OptionsReq {
    #[serde(default)]
    password: String,
}

/// `POST /me/passkeys/options {password?}`: creation options (`publicKey`).
pub async fn registration_options(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let session = ctx.session(req).await?;
    let b: OptionsReq = http::body(req).await?;
    let rp = relying_party(req, ctx)?;
    http::json(200, &passkeys::registration_options(&mut ctx.env(), &session, &b.password, &rp).await?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegisterReq {
    name: Option<String>,
    credential: Value,
}

/// `POST /me/passkeys {name?, credential}`: 201 the new passkey.
pub async fn register(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let session = ctx.session(req).await?;
    let b: RegisterReq = http::body(req).await?;
    let rp = relying_party(req, ctx)?;
    let view = passkeys::register(&mut ctx.env(), &session, &rp, b.name.as_deref(), &b.credential).await?;
    http::json(201, &view)
}

/// `GET /me/passkeys`.
pub async fn list(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let session = ctx.session(req).await?;
    let list = passkeys::list(&ctx.env(), &session.profile_id).await?;
    http::json(200, &json!({ "passkeys": list }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RenameReq {
    name: String,
}

/// `PATCH /me/passkeys/{id} {name}`.
pub async fn rename(req: &mut Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let session = ctx.session(req).await?;
    let b: RenameReq = http::body(req).await?;
    http::json(200, &passkeys::rename(&mut ctx.env(), &session.profile_id, id, &b.name).await?)
}

/// `DELETE /me/passkeys/{id}`: 204; 409 `last_login_method`.
pub async fn delete(req: &mut Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let session = ctx.session(req).await?;
    passkeys::delete(&mut ctx.env(), &session.profile_id, id).await?;
    http::no_content()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginOptionsReq {
    /// Accepted for clients that send what the person typed; never used, so the answer says
    /// nothing about which logins have passkeys.
    #[allow(dead_code)]
    login: Option<String>,
    /// A login ticket: options for a passkey as its second step.
    ticket: Option<String>,
}

/// `POST /login/passkey/options {login?, ticket?}`: request options (`publicKey`).
pub async fn login_options(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let b: LoginOptionsReq = http::body(req).await?;
    let rp = relying_party(req, ctx)?;
    let options = match b.ticket {
        Some(t) => passkeys::second_options(&mut ctx.env(), &rp, &t).await?,
        None => passkeys::login_options(&mut ctx.env(), &rp).await?,
    };
    http::json(200, &options)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginReq {
    credential: Value,
    client: Option<String>,
    account_id: Option<String>,
}

/// `POST /login/passkey {credential}`: the session (two-step satisfied).
pub async fn login(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let b: LoginReq = http::body(req).await?;
    let client = match b.client.as_deref() {
        None => ClientKind::Browser,
        Some(c) => ClientKind::parse(c).ok_or_else(|| Error::field(Code::InvalidRequest, "client"))?,
    };
    let rp = relying_party(req, ctx)?;
    let input = PasskeyLogin { client, account_id: b.account_id };
    let grant = passkeys::login(&mut ctx.env(), &rp, &WebCrypto, &b.credential, input).await?;
    session_response(ctx, grant).await
}
