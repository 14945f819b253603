//! Accounts, people, departments, groups and invitations; the operator API.

use crate::ctx::Ctx;
use crate::http::{self, ApiResult};
use netid_core::flows::accounts;
use netid_core::flows::invitations::{self, AcceptInput, InviteOptions, InviteeInput};
use netid_core::flows::people::{self, CardEdit, NewUser, UserView};
use netid_core::flows::structure;
use netid_core::model::Account;
use netid_core::time::rfc3339;
use netid_core::{Code, Error};
use serde::Deserialize;
use serde_json::json;
use worker::Request;

/// Where links in messages point: the origin the request came to.
fn link_base(req: &Request) -> String {
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

pub async fn enter(req: &Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let s = ctx.session(req).await?;
    let a = accounts::enter_account(&mut ctx.env(), &s, id).await?;
    http::json(200, &json!({ "account": a.view(), "membership": UserView::of(&a.member) }))
}

pub async fn delete(req: &Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let s = ctx.session(req).await?;
    accounts::delete_account(&mut ctx.env(), &s.profile_id, id).await?;
    http::no_content()
}

pub async fn users(req: &Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let s = ctx.session(req).await?;
    let status = http::query(req, "status").filter(|v| !v.is_empty());
    let kind = http::query(req, "type").filter(|v| !v.is_empty());
    let users = people::list_users(&ctx.env(), &s.profile_id, id, status.as_deref(), kind.as_deref()).await?;
    http::json(200, &json!({ "users": users }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewUserReq {
    first_name: String,
    last_name: String,
    email: String,
    position: Option<String>,
    department_id: Option<String>,
    #[serde(default)]
    group_ids: Vec<String>,
    login: Option<String>,
    password: Option<String>,
    personal: Option<serde_json::Map<String, serde_json::Value>>,
}

pub async fn add_user(req: &mut Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let b: NewUserReq = http::body(req).await?;
    let s = ctx.session(req).await?;
    let input = NewUser {
        first_name: b.first_name,
        last_name: b.last_name,
        email: b.email,
        position: b.position,
        department_id: b.department_id,
        group_ids: b.group_ids,
        login: b.login,
        password: b.password,
        personal: b.personal.map(|p| serde_json::Value::Object(p).to_string()),
    };
    http::json(201, &people::add_user(&mut ctx.env(), &s.profile_id, id, input, &link_base(req)).await?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EditReq {
    contact_email: Option<String>,
    position: Option<String>,
    department_id: Option<String>,
    role: Option<String>,
    group_ids: Option<Vec<String>>,
}

pub async fn edit_user(req: &mut Request, ctx: &mut Ctx, id: &str, uid: &str) -> ApiResult {
    let b: EditReq = http::body(req).await?;
    let s = ctx.session(req).await?;
    let edit = CardEdit {
        contact_email: b.contact_email,
        position: b.position,
        department_id: b.department_id,
        role: b.role,
        group_ids: b.group_ids,
    };
    http::json(200, &people::edit_user(&mut ctx.env(), &s.profile_id, id, uid, edit).await?)
}

pub async fn dismiss(req: &Request, ctx: &mut Ctx, id: &str, uid: &str) -> ApiResult {
    let s = ctx.session(req).await?;
    http::json(200, &people::dismiss_user(&mut ctx.env(), &s.profile_id, id, uid).await?)
}

pub async fn departments(req: &Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let s = ctx.session(req).await?;
    let list = structure::list_departments(&ctx.env(), &s.profile_id, id).await?;
    let list: Vec<_> =
        list.into_iter().map(|d| json!({"id": d.id, "name": d.name, "parent_id": d.parent_id})).collect();
    http::json(200, &json!({ "departments": list }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DepartmentReq {
    name: String,
    parent_id: Option<String>,
}

pub async fn add_department(req: &mut Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let b: DepartmentReq = http::body(req).await?;
    let s = ctx.session(req).await?;
    let d = structure::create_department(&mut ctx.env(), &s.profile_id, id, &b.name, b.parent_id).await?;
    http::json(201, &json!({"id": d.id, "name": d.name, "parent_id": d.parent_id}))
}

pub async fn groups(req: &Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let s = ctx.session(req).await?;
    let list = structure::list_groups(&ctx.env(), &s.profile_id, id).await?;
    let list: Vec<_> = list.into_iter().map(|g| json!({"id": g.id, "name": g.name, "extranet": g.extranet})).collect();
    http::json(200, &json!({ "groups": list }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupReq {
    name: String,
    #[serde(default)]
    extranet: bool,
}

pub async fn add_group(req: &mut Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    let b: GroupReq = http::body(req).await?;
    let s = ctx.session(req).await?;
    let g = structure::create_group(&mut ctx.env(), &s.profile_id, id, &b.name, b.extranet).await?;
    http::json(201, &json!({"id": g.id, "name": g.name, "extranet": g.extranet}))
}

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AcceptReq {
    password: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
}

pub async fn accept(req: &mut Request, ctx: &mut Ctx, token: &str) -> ApiResult {
    // Logged in or not: an existing profile must be; a new person is not.
    let caller = match http::bearer(req) {
        Some(_) => Some(ctx.session(req).await?),
        None => None,
    };
    let b: AcceptReq = http::body(req).await?;
    let input = AcceptInput { password: b.password, first_name: b.first_name, last_name: b.last_name };
    let accepted = invitations::accept_invitation(&mut ctx.env(), token, caller.as_ref(), input).await?;
    match accepted.grant {
        Some(grant) => {
            let account = accepted.account;
            let resp = super::auth::session_response(ctx, grant).await?;
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

fn operator_view(a: &Account) -> serde_json::Value {
    json!({
        "id": a.id, "name": a.name, "address": a.address, "plan": a.plan.as_str(), "role": null, "type": null,
        "renames_left": a.renames_left, "created_at": rfc3339(a.created_at), "last_activity_at": rfc3339(a.last_activity_at),
    })
}

/// `Authorization: Bearer <OPERATOR_TOKEN>`, compared in constant time; 401 otherwise
/// (also when no operator token is configured).
pub(super) fn operator(req: &Request, ctx: &Ctx) -> Result<(), Error> {
    let want =
        ctx.operator_token.as_deref().filter(|t| t.len() >= 16).ok_or_else(|| Error::new(Code::Unauthenticated))?;
    let got = match http::bearer(req) {
        Some((t, false)) => t,
        _ => return Err(Error::new(Code::Unauthenticated)),
    };
    let same = got.len() == want.len() && got.bytes().zip(want.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    if same {
        Ok(())
    } else {
        Err(Error::new(Code::Unauthenticated))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanReq {
    plan: String,
}

pub async fn set_plan(req: &mut Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    operator(req, ctx)?;
    let b: PlanReq = http::body(req).await?;
    http::json(200, &operator_view(&accounts::set_plan(&mut ctx.env(), id, &b.plan).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GrantReq {
    #[serde(deserialize_with = "crate::http::de_int")]
    grant: i64,
}

pub async fn grant_renames(req: &mut Request, ctx: &mut Ctx, id: &str) -> ApiResult {
    operator(req, ctx)?;
    let b: GrantReq = http::body(req).await?;
    http::json(200, &operator_view(&accounts::grant_renames(&mut ctx.env(), id, b.grant).await?))
}

/// `DELETE /accounts/{id}/users/{uid}/two-factor`: an admin switches a member's factor off.
pub async fn disable_two_factor(req: &Request, ctx: &mut Ctx, id: &str, uid: &str) -> ApiResult {
    let s = ctx.session(req).await?;
    netid_core::flows::two_factor::disable_for_member(&mut ctx.env(), &s.profile_id, id, uid).await?;
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
