//! `/auth/social/*` and `/me/social/*`: the redirect dance with a provider.
//!
//! The start stores a single-use state (10 minutes) bound to this browser by an HttpOnly
//! cookie and, for a connect, to the logged-in profile; it redirects with `state`, `nonce`
//! and a PKCE challenge. The callback spends the state first (whatever happens next, a state
//! works once), exchanges the code with the verifier, verifies what the provider proved, and
//! ends in a redirect: to `return_to` on success, to the page with `error=<code>` otherwise
//! (the page shows the code's message in the person's language). Never a blank page.

use crate::ctx::Ctx;
use crate::http::{self, ApiResult};
use crate::social::Config;
use netid_core::flows::social::{self as flow, Finished, StartInput};
use netid_core::model::{ClientKind, SocialMode};
use netid_core::social::{secret, Provider};
use netid_core::{Code, Error};
use serde::Deserialize;
use worker::{Request, Response};

/// The browser-binding cookie. `SameSite=None`: Apple answers with a cross-site form POST,
/// which must carry it; it proves only "this browser started that sign-in".
const BINDING_COOKIE: &str = "__Host-netid_social";

fn binding_cookie(value: &str) -> String {
    format!("{BINDING_COOKIE}={value}; HttpOnly; Secure; SameSite=None; Path=/; Max-Age={}", flow::STATE_TTL)
}

fn cookie(req: &Request, name: &str) -> Option<String> {
    let cookies = req.headers().get("Cookie").ok().flatten()?;
    cookies.split(';').find_map(|c| {
        let (k, v) = c.trim().split_once('=')?;
        (k == name && !v.is_empty() && v.len() <= 256).then(|| v.to_string())
    })
}

fn provider_of(env: &worker::Env, id: &str) -> Result<Config, Error> {
    Provider::parse(id).and_then(|p| Config::of(env, p)).ok_or_else(|| Error::new(Code::NotFound))
}

/// Where the provider sends the person back: this service's callback for the provider.
fn redirect_uri(req: &Request, env: &worker::Env, provider: Provider) -> Result<String, Error> {
    let origin = match env.var("PUBLIC_ORIGIN").map(|v| v.to_string()).ok().filter(|v| !v.is_empty()) {
        Some(o) => o.trim_end_matches('/').to_string(),
        None => req.url().map_err(http::internal)?.origin().ascii_serialization(),
    };
    Ok(format!("{origin}{}/auth/social/{}/callback", super::BASE, provider.id()))
}

fn redirect(location: &str) -> ApiResult {
    let resp = Response::empty().map_err(http::internal)?.with_status(302);
    Ok(http::with_header(resp, "Location", location))
}

/// The page a failed sign-in lands on, with the error's code (and the provider).
fn error_location(mode: SocialMode, code: Code, provider: Provider) -> String {
    let page = match mode {
        SocialMode::Connect => "/#/profile",
        SocialMode::Signup => "/#/signup",
        SocialMode::Login => "/#/login",
    };
    format!("{page}?error={}&provider={}", code.code(), provider.id())
}

/// `GET /auth/social/providers`: the configured ones.
pub async fn providers(ctx: &Ctx) -> ApiResult {
    let list: Vec<_> = Config::all(&ctx.worker_env)
        .iter()
        .map(|c| serde_json::json!({"id": c.provider.id(), "name": c.provider.name()}))
        .collect();
    http::json(200, &serde_json::json!({ "providers": list }))
}

/// Makes the sign-in and answers the provider's URL and the binding cookie to set.
async fn begin(
    req: &Request,
    ctx: &mut Ctx,
    config: &Config,
    mode: SocialMode,
    return_to: Option<String>,
    password: Option<String>,
) -> Result<(String, Option<String>), Error> {
    let existing = cookie(req, BINDING_COOKIE);
    let binding = existing.clone().unwrap_or_else(|| secret(&mut ctx.rng));
    let caller = match mode {
        SocialMode::Connect => Some(ctx.session(req).await?),
        _ => None,
    };
    let endpoints = config.endpoints().await?;
    let input = StartInput {
        provider: config.provider,
        mode,
        return_to,
        client: ClientKind::Browser,
        binding: binding.clone(),
        caller,
        password,
    };
    let started = flow::start(&mut ctx.env(), input).await?;
    let callback = redirect_uri(req, &ctx.worker_env, config.provider)?;
    let url = config.authorize_url(&endpoints, &callback, &started);
    Ok((url, existing.is_none().then(|| binding_cookie(&binding))))
}

/// `GET /auth/social/{provider}/start?mode=login|signup|connect&return_to=PATH`: 302 to the
/// provider. A connect needs a session younger than 10 minutes (else
/// `POST /me/social/{provider}/connect` with the password).
pub async fn start(req: &Request, ctx: &mut Ctx, provider: &str) -> ApiResult {
    let config = provider_of(&ctx.worker_env, provider)?;
    let mode = match http::query(req, "mode").as_deref() {
        None | Some("") => SocialMode::Login,
        Some(m) => SocialMode::parse(m).ok_or_else(|| Error::field(Code::InvalidRequest, "mode"))?,
    };
    let return_to = http::query(req, "return_to");
    match begin(req, ctx, &config, mode, return_to, None).await {
        Ok((url, set_cookie)) => {
            let resp = redirect(&url)?;
            Ok(match set_cookie {
                Some(c) => http::with_header(resp, "Set-Cookie", &c),
                None => resp,
            })
        }
        // A provider that cannot be reached is a page with a message, not a JSON error.
        Err(e) if e.code == Code::SocialProviderError => redirect(&error_location(mode, e.code, config.provider)),
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConnectReq {
    password: Option<String>,
    return_to: Option<String>,
}

/// `POST /me/social/{provider}/connect {password?, return_to?}`: 200 `{url}` to send the
/// browser to; the password is checked here (a profile without one: a young session).
pub async fn connect(req: &mut Request, ctx: &mut Ctx, provider: &str) -> ApiResult {
    let b: ConnectReq = http::body(req).await?;
    let config = provider_of(&ctx.worker_env, provider)?;
    let (url, set_cookie) = begin(req, ctx, &config, SocialMode::Connect, b.return_to, b.password).await?;
    let resp = http::json(200, &serde_json::json!({ "url": url }))?;
    Ok(match set_cookie {
        Some(c) => http::with_header(resp, "Set-Cookie", &c),
        None => resp,
    })
}

/// The callback's parameters: the query (GET) or Apple's form POST.
async fn callback_params(req: &mut Request) -> Result<Vec<(String, String)>, Error> {
    if req.method() == worker::Method::Post {
        let bytes = http::read_body(req, 16 * 1024).await?;
        Ok(form_urlencoded::parse(&bytes).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
    } else {
        let url = req.url().map_err(http::internal)?;
        Ok(url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
    }
}

/// `GET|POST /auth/social/{provider}/callback`: always a 302 for a configured provider.
pub async fn callback(req: &mut Request, ctx: &mut Ctx, provider: &str) -> ApiResult {
    let config = provider_of(&ctx.worker_env, provider)?;
    let p = config.provider;
    let params = callback_params(req).await.unwrap_or_default();
    let get = |k: &str| params.iter().find(|(name, _)| name == k).map(|(_, v)| v.as_str());
    let binding = cookie(req, BINDING_COOKIE);
    // The state is spent before anything else, whatever the rest of the answer says.
    let st = match flow::take_state(&ctx.env(), p, get("state"), binding.as_deref()).await {
        Ok(st) => st,
        Err(e) => return redirect(&error_location(SocialMode::Login, e.code, p)),
    };
    ctx.lang = st.lang;
    if let Some(err) = get("error") {
        let code = if matches!(err, "access_denied" | "user_cancelled_authorize" | "user_cancelled_login") {
            Code::SocialDenied
        } else {
            Code::SocialProviderError
        };
        return redirect(&error_location(st.mode, code, p));
    }
    let Some(code) = get("code").filter(|c| !c.is_empty() && c.len() <= 2048) else {
        return redirect(&error_location(st.mode, Code::SocialProviderError, p));
    };
    let callback = redirect_uri(req, &ctx.worker_env, p)?;
    // Token lifetimes are the real world's: the development clock does not move them.
    let wall = (worker::Date::now().as_millis() / 1000) as i64;
    let identity = match config.identity(code, get("iss"), &st, &callback, wall).await {
        Ok(i) if p == Provider::Apple => i.with_apple_user(get("user")),
        Ok(i) => i,
        Err(e) => return redirect(&error_location(st.mode, e.code, p)),
    };
    match flow::finish(&mut ctx.env(), &st, identity).await {
        Ok(Finished::Session(grant)) => {
            let resp = redirect(&st.return_to)?;
            let cookie = http::session_cookie(Some(&grant.token), ctx.config.absolute_timeout);
            Ok(http::with_header(resp, "Set-Cookie", &cookie))
        }
        Ok(Finished::SecondFactor { ticket, .. }) => {
            // The second step comes after the provider: the login page asks for the code.
            redirect(&format!("/#/login?second_factor={ticket}&provider={}", p.id()))
        }
        Ok(Finished::Connected) => redirect(&st.return_to),
        Err(e) if e.code == Code::Internal => Err(e),
        Err(e) => redirect(&error_location(st.mode, e.code, p)),
    }
}

/// `DELETE /me/social/{provider}/{subject}`.
pub async fn disconnect(req: &Request, ctx: &mut Ctx, provider: &str, subject: &str) -> ApiResult {
    let session = ctx.session(req).await?;
    let subject = urlencoding_decode(subject);
    flow::disconnect(&mut ctx.env(), &session, provider, &subject).await?;
    http::no_content()
}

/// A path segment as sent (`%7C` in `auth0|123`-style subjects).
fn urlencoding_decode(seg: &str) -> String {
    form_urlencoded::parse(format!("s={}", seg.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| seg.to_string())
}
