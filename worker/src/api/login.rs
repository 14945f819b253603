//! `POST /login` and `/login/second-factor` (flows::login, flows::two_factor::second_step).

use super::sessions::session_response;
use crate::ctx::Ctx;
use crate::http::{self, ApiResult};
use netid_core::flows::two_factor::{self, Factor};
use netid_core::flows::{self};
use netid_core::model::ClientKind;
use netid_core::{Code, Error};
use serde::Deserialize;
use worker::Request;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginReq {
    login: String,
    password: String,
    client: Option<String>,
    account_id: Option<String>,
    otp: Option<String>,
    recovery_code: Option<String>,
    region: Option<String>,
    /// With `otp` or `recovery_code`: remember this browser for the second step (30 days).
    #[serde(default)]
    remember_browser: bool,
}

pub async fn login(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let b: LoginReq = http::body(req).await?;
    let client = match b.client.as_deref() {
        None => ClientKind::Browser,
        Some(c) => ClientKind::parse(c).ok_or_else(|| Error::field(Code::InvalidRequest, "client"))?,
    };
    let input = flows::LoginInput {
        login: b.login,
        password: b.password,
        client,
        account_id: b.account_id,
        region: b.region,
        factor: Factor { otp: b.otp, recovery_code: b.recovery_code, remember: b.remember_browser },
    };
    let grant = flows::login(&mut ctx.env(), input).await?;
    session_response(ctx, grant).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SecondFactorReq {
    ticket: String,
    otp: Option<String>,
    recovery_code: Option<String>,
    /// A passkey's assertion (`PublicKeyCredential` JSON) for the options of
    /// `POST /login/passkey/options {ticket}`.
    passkey: Option<serde_json::Value>,
    /// Remember this browser for the second step (30 days), unless a workspace refuses it.
    #[serde(default)]
    remember_browser: bool,
}

/// `POST /login/second-factor`: the ticket from `second_factor_required` and a code.
pub async fn second_factor(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let b: SecondFactorReq = http::body(req).await?;
    let factor = Factor { otp: b.otp, recovery_code: b.recovery_code, remember: b.remember_browser };
    let grant = match &b.passkey {
        Some(credential) => {
            let rp = crate::webauthn::relying_party(req, ctx)?;
            let verifier = crate::webauthn::WebCrypto;
            let step = two_factor::PasskeyStep { rp: &rp, verifier: &verifier, credential };
            two_factor::second_step_with(&mut ctx.env(), &b.ticket, factor, Some(step)).await?
        }
        None => two_factor::second_step(&mut ctx.env(), &b.ticket, factor).await?,
    };
    session_response(ctx, grant).await
}
