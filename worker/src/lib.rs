//! netid-worker: the Cloudflare Worker. HTTP routing, JSON, cookies, the D1/KV store, the
//! cron handler. The only crate that knows about the platform.

mod api;
mod ctx;
mod http;
mod scheduled;
mod store;

use ctx::Ctx;
use worker::{event, Context, Env, Request, Response, Result, ScheduleContext, ScheduledEvent};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let lang = http::language(&req);
    if !req.path().starts_with(api::BASE) {
        // Static files are served by the assets binding before the Worker runs; anything
        // else is unknown.
        let mut resp = http::error_response(&netid_core::Error::new(netid_core::Code::NotFound), lang);
        let _ = resp.headers_mut().set("Content-Language", lang.tag());
        return Ok(resp);
    }
    let resp = match Ctx::new(&env, Some(&req)).await {
        Ok(mut ctx) => {
            let result = api::handle(req, &mut ctx).await;
            let mut resp = result.unwrap_or_else(|e| http::error_response(&e, lang));
            let h = resp.headers_mut();
            let _ =
                h.set("X-Netid-Queries", &format!("d1={} kv={}", ctx.store.d1_queries.get(), ctx.store.kv_ops.get()));
            resp
        }
        Err(e) => http::error_response(&e, lang),
    };
    let mut resp = resp;
    let h = resp.headers_mut();
    let _ = h.set("Content-Language", lang.tag());
    let _ = h.set("Cache-Control", "no-store");
    let _ = h.set("Vary", "Accept-Language, Cookie, Authorization");
    Ok(resp)
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
