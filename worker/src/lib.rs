//! netid-worker: the Cloudflare Worker. HTTP routing, JSON, cookies, the D1/KV store, the
//! cron handler. The only crate that knows about the platform.

mod api;
mod ctx;
mod delivery;
mod faults;
mod http;
mod me_cache;
mod oidc;
mod scheduled;
mod social;
mod store;
mod webauthn;

use ctx::Ctx;
use worker::{event, Context, Env, MessageBatch, Request, Response, Result, ScheduleContext, ScheduledEvent};

#[event(fetch)]
async fn fetch(req: Request, env: Env, wctx: Context) -> Result<Response> {
    let lang = http::language(&req);
    let dev = env.var("ENVIRONMENT").map(|v| v.to_string() == "development").unwrap_or(false);
    if req.path() == "/.well-known/openid-configuration" {
        // The issuer's discovery document lives at its root (OpenID Connect Discovery 1.0).
        let resp = match Ctx::new(&env, Some(&req)).await {
            Ok(mut ctx) => {
                api::provider::well_known(&req, &mut ctx).await.unwrap_or_else(|e| http::error_response(&e, lang))
            }
            Err(e) => http::error_response(&e, lang),
        };
        return Ok(http::secure_api_response(resp, lang, dev));
    }
    if !req.path().starts_with(api::BASE) {
        // Static files are served by the assets binding before the Worker runs; anything
        // else is unknown.
        let resp = http::error_response(&netid_core::Error::new(netid_core::Code::NotFound), lang);
        return Ok(http::secure_api_response(resp, lang, dev));
    }
    let resp = match Ctx::new(&env, Some(&req)).await {
        Ok(mut ctx) => {
            ctx.execution = Some(wctx);
            // A development fault armed for "the next request" is this one's, unless this
            // request manages the faults or reads the state they are checked against.
            let path = req.path();
            if dev && !path.ends_with("/dev/faults") && !path.ends_with("/dev/snapshot") {
                ctx.store.fault = faults::take();
            }
            let start = js_sys::Date::now();
            let result = api::handle(req, &mut ctx).await;
            let mut resp = result.unwrap_or_else(|e| http::error_response(&e, lang));
            // A browser that signed in without a device cookie gets the one its sign-in was
            // recorded under, so its next sign-in is known (no new-device notice).
            if ctx.device_fresh && http::signs_in(&resp) {
                if let Some(d) = &ctx.device {
                    let _ = resp.headers_mut().append("Set-Cookie", &http::device_set_cookie(d));
                }
            }
            // What the request committed to the outbox goes to the delivery queue after the
            // response; a development fault may drop it (the sweep must then find it).
            let messages = ctx.store.committed_messages.take();
            if ctx.store.backchannel_due.get() {
                if let Some(execution) = ctx.execution.as_ref() {
                    let env = env.clone();
                    execution.wait_until(async move { delivery::relay_backchannel(&env).await });
                }
            }
            if !messages.is_empty() {
                if ctx.store.fault.is_some_and(|f| f.target == faults::Target::Relay) {
                    ctx.store.fault_fired.set(true);
                } else if let Some(execution) = ctx.execution.as_ref() {
                    let env = env.clone();
                    execution.wait_until(async move { delivery::relay(&env, messages).await });
                }
            }
            if dev {
                // The benchmarks and the dev tests read the storage work of each request;
                // production does not tell its internals (counts would tell known logins
                // from unknown ones).
                let st = &ctx.store;
                let q = format!(
                    "d1={} rt={} w={} kv={}",
                    st.d1_queries.get(),
                    st.d1_round_trips.get(),
                    st.d1_write_round_trips.get(),
                    st.kv_ops.get()
                );
                let _ = resp.headers_mut().set("X-Netid-Queries", &q);
                let total = js_sys::Date::now() - start;
                let timing = format!("handler;dur={total}, storage;dur={}", st.storage_ms.get());
                let _ = resp.headers_mut().set("Server-Timing", &timing);
                if st.fault_fired.get() {
                    let _ = resp.headers_mut().set("X-Netid-Fault", "fired");
                }
            }
            resp
        }
        Err(e) => http::error_response(&e, lang),
    };
    Ok(http::secure_api_response(resp, lang, dev))
}

/// Two schedules: every minute the delivery sweep; hourly (`17 * * * *`) the cleanup, then
/// the sweep too. Locally: `GET /__scheduled?cron=...`.
#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    match Ctx::new(&env, None).await {
        Ok(mut ctx) => {
            if event.cron() != scheduled::SWEEP_CRON {
                if let Err(e) = scheduled::run(&mut ctx).await {
                    worker::console_error!("scheduled run failed: {:?}", e);
                }
                // The cleanup's warnings go out now rather than at the next sweep.
                let warnings = ctx.store.committed_messages.take();
                delivery::relay(&env, warnings).await;
            }
            match delivery::sweep(&ctx).await {
                Ok(n) if n > 0 => worker::console_log!("delivery sweep: {n} messages enqueued again"),
                Ok(_) => {}
                Err(e) => worker::console_error!("delivery sweep failed: {:?}", e.code.code()),
            }
        }
        Err(e) => worker::console_error!("scheduled: no context: {:?}", e),
    }
}

/// The delivery queue's consumer, and the dead-letter queue's.
#[event(queue)]
async fn queue(batch: MessageBatch<delivery::Job>, env: Env, _ctx: Context) -> Result<()> {
    delivery::consume(batch, env).await;
    Ok(())
}
