//! netid-worker: the Cloudflare Worker. HTTP routing, JSON, cookies, the D1/KV store, the
//! cron handler. The only crate that knows about the platform.

mod api;
mod ctx;
mod faults;
mod http;
mod me_cache;
mod scheduled;
mod store;

use ctx::Ctx;
use worker::{event, Context, Env, Request, Response, Result, ScheduleContext, ScheduledEvent};

#[event(fetch)]
async fn fetch(req: Request, env: Env, wctx: Context) -> Result<Response> {
    let lang = http::language(&req);
    let dev = env.var("ENVIRONMENT").map(|v| v.to_string() == "development").unwrap_or(false);
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

#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    match Ctx::new(&env, None).await {
        Ok(mut ctx) => {
            if let Err(e) = scheduled::run(&mut ctx).await {
                worker::console_error!("scheduled run failed: {:?}", e);
            }
        }
        Err(e) => worker::console_error!("scheduled: no context: {:?}", e),
    }
}
