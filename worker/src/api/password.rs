//! A forgotten password: `POST /password/forgot`, `/password/reset` (flows::password).

use crate::ctx::Ctx;
use crate::http::{self, ApiResult};
use netid_core::flows::{self};
use netid_core::validate::Login;
use serde::Deserialize;
use worker::Request;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ForgotReq {
    login: String,
    region: Option<String>,
}

/// 202 alike for every login. In production the lookup, the send limit and the code are
/// deferred past the response (`waitUntil`), so a known login does not answer later than an
/// unknown one; in development they run before it, so the dev outbox holds the code when the
/// response arrives (the end-to-end tests read it at once).
pub async fn forgot(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let b: ForgotReq = http::body(req).await?;
    // The form of the login is checked at once: that says nothing about who exists.
    Login::parse(&b.login, b.region.as_deref())?;
    let accepted = http::json(202, &serde_json::json!({"status": "sent_if_exists"}));
    let deferred = if ctx.dev { None } else { ctx.execution.take() };
    match deferred {
        Some(execution) => {
            let env = ctx.worker_env.clone();
            let (lang, ip) = (ctx.lang, ctx.ip.clone());
            execution.wait_until(async move {
                match Ctx::new(&env, None).await {
                    Ok(mut later) => {
                        later.lang = lang;
                        later.ip = ip;
                        if let Err(e) = flows::forgot_password(&mut later.env(), &b.login, b.region.as_deref()).await {
                            worker::console_error!("deferred password recovery failed: {}", e.code.code());
                        }
                        let messages = later.store.committed_messages.take();
                        crate::delivery::relay(&env, messages).await;
                    }
                    Err(e) => worker::console_error!("deferred password recovery: no context: {}", e.code.code()),
                }
            });
        }
        None => flows::forgot_password(&mut ctx.env(), &b.login, b.region.as_deref()).await?,
    }
    accepted
}

pub async fn reset(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let input: flows::ResetInput = http::body(req).await?;
    flows::reset_password(&mut ctx.env(), input).await?;
    http::no_content()
}
