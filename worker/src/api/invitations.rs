//! Invitations: sending, listing, resending, revoking, showing and accepting one (flows::invitations).

use super::accounts::link_base;
use crate::ctx::Ctx;
use crate::http::{self, ApiResult};
use netid_core::flows::invitations::{self, AcceptInput, InviteOptions, InviteeInput};
use serde::Deserialize;
use serde_json::json;
use worker::Request;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InviteeReq {
    email: Option<String>,
    phone: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InviteReq {
    invitees: Vec<InviteeReq>,
    department_id: Option<String>,
    #[serde(default)]
    group_ids: Vec<String>,
    #[serde(default)]
    extranet: bool,
}

pub async fn invite(req: &mut Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let b: InviteReq = http::body(req).await?;
    let s = ctx.session(req).await?;
    let list = b
        .invitees
        .into_iter()
        .map(|i| InviteeInput { email: i.email, phone: i.phone, first_name: i.first_name, last_name: i.last_name })
        .collect();
    let opts = InviteOptions { department_id: b.department_id, group_ids: b.group_ids, extranet: b.extranet };
    let results = invitations::invite(&mut ctx.env(), &s.profile_id, id, list, opts, &link_base(req)).await?;
    http::json(200, &json!({ "results": results }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MassReq {
    emails: String,
    department_id: Option<String>,
    #[serde(default)]
    group_ids: Vec<String>,
    #[serde(default)]
    extranet: bool,
}

pub async fn invite_mass(req: &mut Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let b: MassReq = http::body(req).await?;
    let s = ctx.session(req).await?;
    let opts = InviteOptions { department_id: b.department_id, group_ids: b.group_ids, extranet: b.extranet };
    let results = invitations::invite_mass(&mut ctx.env(), &s.profile_id, id, &b.emails, opts, &link_base(req)).await?;
    http::json(200, &json!({ "results": results }))
}

pub async fn invitations(req: &Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let s = ctx.session(req).await?;
    let list = invitations::list_invitations(&ctx.env(), &s.profile_id, id).await?;
    http::json(200, &json!({ "invitations": list }))
}

pub async fn resend(req: &Request, ctx: &mut Ctx, id: &str, iid: &str) -> ApiResult {
    let s = ctx.session(req).await?;
    http::json(200, &invitations::resend_invitation(&mut ctx.env(), &s.profile_id, id, iid, &link_base(req)).await?)
}

pub async fn revoke(req: &Request, ctx: &mut Ctx, id: &str, iid: &str) -> ApiResult {
    let s = ctx.session(req).await?;
    invitations::revoke_invitation(&mut ctx.env(), &s.profile_id, id, iid).await?;
    http::no_content()
}

pub async fn invitation(ctx: &mut Ctx, token: &str) -> ApiResult {
    http::json(200, &invitations::invitation_info(&ctx.env(), token).await?)
}

pub async fn accept(req: &mut Request, ctx: &mut Ctx, token: &str) -> ApiResult {
    // Logged in or not: an existing profile must be; a new person is not.
    let caller = match http::bearer(req) {
        Some(_) => Some(ctx.session(req).await?),
        None => None,
    };
    let input: AcceptInput = http::body(req).await?;
    let accepted = invitations::accept_invitation(&mut ctx.env(), token, caller.as_ref(), input).await?;
    match accepted.grant {
        Some(grant) => {
            let account = accepted.account;
            let resp = super::sessions::session_response(ctx, grant).await?;
            // Wrap the session with the account: {session, account}.
            let mut resp = resp;
            let text = resp.text().await.map_err(http::internal)?;
            let session: serde_json::Value = serde_json::from_str(&text).map_err(http::internal)?;
            let cookie = resp.headers().get("Set-Cookie").ok().flatten();
            let out = http::json(200, &json!({ "session": session, "account": account }))?;
            Ok(match cookie {
                Some(c) => http::with_header(out, "Set-Cookie", &c),
                None => out,
            })
        }
        None => http::json(200, &json!({ "account": accepted.account })),
    }
}
