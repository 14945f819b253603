//! The profile: `GET`/`PATCH`/`DELETE /me`, the photo, the email, the phone, the password (flows::profile).

use super::BASE;
use crate::ctx::Ctx;
use crate::http::{self, internal, ApiResult};
use crate::store::Op;
use netid_core::flows;
use netid_core::tokens::new_token;
use netid_core::validate::{check_photo, check_photo_meta, strip_photo_metadata, MAX_PHOTO_BYTES};
use netid_core::{Code, Error};
use serde::{Deserialize, Serialize};
use worker::{Headers, Request, Response};

async fn profile_of(
    ctx: &mut Ctx,
    req: &Request,
) -> Result<(netid_core::model::Session, netid_core::model::Profile), Error> {
    let session = ctx.session(req).await?;
    let profile = netid_core::store::Store::profile(&ctx.store, &session.profile_id)
        .await?
        .ok_or_else(|| Error::new(Code::Unauthenticated))?;
    Ok((session, profile))
}

/// GET /me authenticates itself (the router leaves it to the handler) so that the session
/// and `Me` are read in one storage round trip.
pub async fn get(req: &Request, ctx: &mut Ctx) -> ApiResult {
    let me = ctx.session_with_me(req).await?;
    http::json(200, &me)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PatchReq {
    first_name: Option<String>,
    last_name: Option<String>,
    #[serde(default)]
    apply_to_all_accounts: bool,
}

pub async fn patch(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let b: PatchReq = http::body(req).await?;
    let session = ctx.session(req).await?;
    let input = flows::NamesInput {
        first_name: b.first_name,
        last_name: b.last_name,
        apply_to_all_accounts: b.apply_to_all_accounts,
    };
    http::json(200, &flows::update_names(&mut ctx.env(), &session.profile_id, input).await?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeleteReq {
    password: String,
}

pub async fn delete(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let b: DeleteReq = http::body(req).await?;
    let session = ctx.session(req).await?;
    flows::delete_profile(&mut ctx.env(), &session.profile_id, &b.password).await?;
    let resp = http::no_content()?;
    Ok(http::with_header(resp, "Set-Cookie", &http::session_cookie(None, 0)))
}

#[derive(Serialize, Deserialize)]
struct PhotoMeta {
    content_type: String,
}

const PHOTO_PREFIX: &str = "/api/v1/photos/";

pub async fn put_photo(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let (_, profile) = profile_of(ctx, req).await?;
    let declared = req.headers().get("Content-Type").ok().flatten().unwrap_or_default();
    // The type is checked before the body is read; size and signature after.
    check_photo_meta(&declared, 1)?;
    let bytes = http::read_body(req, MAX_PHOTO_BYTES).await?;
    let declared = check_photo(&declared, &bytes)?.to_string();
    let bytes = strip_photo_metadata(&declared, &bytes)?;
    let apply = http::query_bool(req, "apply_to_all_accounts")?;
    let id = new_token(&mut ctx.rng);
    let key = format!("photo:{id}");
    let put = ctx
        .store
        .kv
        .put_bytes(&key, &bytes)
        .map_err(internal)?
        .metadata(PhotoMeta { content_type: declared })
        .map_err(internal)?;
    ctx.store.timed(Op::Kv, put.execute()).await?;
    let url = format!("{BASE}/photos/{id}");
    flows::set_photo(&mut ctx.env(), &profile.id, &url, apply).await?;
    if let Some(old) = profile.photo_url.as_deref().and_then(|u| u.strip_prefix(PHOTO_PREFIX)) {
        let key = format!("photo:{old}");
        let _ = ctx.store.timed(Op::Kv, ctx.store.kv.delete(&key)).await;
    }
    http::json(200, &serde_json::json!({"photo_url": url}))
}

/// `DELETE /me/photo`: the photo goes, from the profile and from the cards that showed it.
pub async fn delete_photo(req: &Request, ctx: &mut Ctx) -> ApiResult {
    let (_, profile) = profile_of(ctx, req).await?;
    let (me, old) = flows::remove_photo(&mut ctx.env(), &profile.id).await?;
    if let Some(old) = old.as_deref().and_then(|u| u.strip_prefix(PHOTO_PREFIX)) {
        let key = format!("photo:{old}");
        let _ = ctx.store.timed(Op::Kv, ctx.store.kv.delete(&key)).await;
    }
    http::json(200, &me)
}

pub async fn photo(id: &str, ctx: &mut Ctx) -> ApiResult {
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(Error::new(Code::NotFound));
    }
    let read = ctx.store.kv.get(&format!("photo:{id}")).bytes_with_metadata::<PhotoMeta>();
    let (bytes, meta) = ctx.store.timed(Op::Kv, read).await?;
    let (Some(bytes), Some(meta)) = (bytes, meta) else {
        return Err(Error::new(Code::NotFound));
    };
    let headers = Headers::new();
    headers.set("Content-Type", &meta.content_type).map_err(internal)?;
    headers.set("Cache-Control", "public, max-age=31536000, immutable").map_err(internal)?;
    headers.set("X-Content-Type-Options", "nosniff").map_err(internal)?;
    // Opened directly, a photo runs nothing and reaches nothing.
    headers.set("Content-Security-Policy", "default-src 'none'; sandbox").map_err(internal)?;
    Ok(Response::from_bytes(bytes).map_err(internal)?.with_headers(headers))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EmailReq {
    email: String,
    password: String,
}

pub async fn email(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let b: EmailReq = http::body(req).await?;
    let session = ctx.session(req).await?;
    flows::request_email_change(&mut ctx.env(), &session.profile_id, &b.email, &b.password).await?;
    http::json(202, &serde_json::json!({"status": "code_sent"}))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EmailConfirmReq {
    email: String,
    code: String,
    #[serde(default)]
    apply_to_all_accounts: bool,
}

pub async fn email_confirm(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let b: EmailConfirmReq = http::body(req).await?;
    let session = ctx.session(req).await?;
    let me =
        flows::confirm_email_change(&mut ctx.env(), &session.profile_id, &b.email, &b.code, b.apply_to_all_accounts)
            .await?;
    http::json(200, &me)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PhoneReq {
    phone: String,
    password: String,
    region: Option<String>,
}

pub async fn phone(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let b: PhoneReq = http::body(req).await?;
    let session = ctx.session(req).await?;
    flows::request_phone_change(&mut ctx.env(), &session.profile_id, &b.phone, b.region.as_deref(), &b.password)
        .await?;
    http::json(202, &serde_json::json!({"status": "code_sent"}))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PhoneConfirmReq {
    phone: String,
    code: String,
    region: Option<String>,
    #[serde(default)]
    apply_to_all_accounts: bool,
}

pub async fn phone_confirm(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let b: PhoneConfirmReq = http::body(req).await?;
    let session = ctx.session(req).await?;
    let me = flows::confirm_phone_change(
        &mut ctx.env(),
        &session.profile_id,
        &b.phone,
        b.region.as_deref(),
        &b.code,
        b.apply_to_all_accounts,
    )
    .await?;
    http::json(200, &me)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordReq {
    /// Absent only for a profile without a password (made by a social signup).
    current_password: Option<String>,
    new_password: String,
}

pub async fn password(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let b: PasswordReq = http::body(req).await?;
    let session = ctx.session(req).await?;
    flows::change_password(&mut ctx.env(), &session, b.current_password.as_deref(), &b.new_password).await?;
    http::no_content()
}
