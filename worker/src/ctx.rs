//! Per-request context: storage, rules, clock, randomness, language, client address.

use crate::http::{self, internal};
use crate::me_cache;
use crate::store::{D1Store, D1};
use netid_core::config::Config;
use netid_core::flows::{self, Env};
use netid_core::model::Session;
use netid_core::tokens::Entropy;
use netid_core::{Code, Error, Lang};
use serde::Deserialize;
use std::cell::Cell;
use worker::Request;

/// The platform CSPRNG (`crypto.getRandomValues` through getrandom).
pub struct WorkerEntropy;

impl Entropy for WorkerEntropy {
    fn fill(&mut self, buf: &mut [u8]) {
        // getrandom's js backend calls crypto.getRandomValues, which workerd always has.
        // Without it no secret can be made safely, so this is the one deliberate panic:
        // not reachable from input, and better than predictable tokens.
        #[allow(clippy::expect_used)]
        getrandom::getrandom(buf).expect("the platform CSPRNG is unavailable"); // ok: not reachable from input; workerd always has crypto.getRandomValues
    }
}

pub struct Ctx {
    pub store: D1Store,
    pub config: Config,
    pub now: i64,
    pub lang: Lang,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub location: Option<String>,
    /// Cloudflare's country code for the client's address.
    pub country: Option<String>,
    /// The browser's device cookie, or a new value for a browser that sent none (`fresh`:
    /// set it on a response that signs in).
    pub device: Option<String>,
    pub device_fresh: bool,
    /// The remembered-browser cookie's tokens.
    pub remembered: Vec<String>,
    /// The origin the request came to (links in messages).
    pub origin: Option<String>,
    pub dev: bool,
    pub rng: WorkerEntropy,
    pub allowed_origins: Vec<String>,
    /// The caller's session, once the router authenticated it.
    pub caller: Option<Session>,
    /// The Worker's environment and execution context, for work deferred past the response.
    pub worker_env: worker::Env,
    pub execution: Option<worker::Context>,
}

#[derive(Deserialize)]
struct ValueRow {
    value: String,
}

impl Ctx {
    pub async fn new(env: &worker::Env, req: Option<&Request>) -> Result<Ctx, Error> {
        let dev = env.var("ENVIRONMENT").map(|v| v.to_string() == "development").unwrap_or(false);
        let mut config = Config::production();
        // The hash's iterations may be raised (never lowered) by the HASH_ITERATIONS var.
        config.hash = netid_core::hashing::HashPolicy::with_iterations(
            env.var("HASH_ITERATIONS").ok().map(|v| v.to_string()).as_deref(),
        );
        if let Ok(pepper) = env.secret("PASSWORD_PEPPER") {
            let p = pepper.to_string();
            if !p.is_empty() {
                config.pepper = Some(p.into_bytes());
            }
        }
        let db = env.d1("DB").map_err(internal)?;
        let kv = env.kv("KV").map_err(internal)?;
        let mut store = D1::new(db, kv);
        if let Some(ms) = env.var("STORAGE_TIMEOUT_MS").ok().and_then(|v| v.to_string().parse::<u32>().ok()) {
            store.timeout_ms = ms.clamp(100, 60_000);
        }
        let allowed_origins = env
            .var("ALLOWED_ORIGINS")
            .map(|v| v.to_string().split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
            .unwrap_or_default();
        let mut now = (worker::Date::now().as_millis() / 1000) as i64;
        config.development = dev;
        if dev {
            now += dev_clock_offset(&store).await?;
        }
        let (lang, ip) = match req {
            Some(r) => (http::language(r), r.headers().get("CF-Connecting-IP").ok().flatten()),
            None => (Lang::En, None),
        };
        let ip = ip.map(|v| v.chars().take(64).collect::<String>());
        let user_agent = req
            .and_then(|r| r.headers().get("User-Agent").ok().flatten())
            .map(|v| v.chars().take(256).collect::<String>())
            .filter(|v| !v.is_empty());
        // Coarse: the country and city Cloudflare derived from the address, when it did.
        let location = req.and_then(|r| r.cf()).and_then(|cf| {
            let parts: Vec<String> =
                [cf.city(), cf.country()].into_iter().flatten().filter(|p| !p.is_empty()).collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        });
        let country = req
            .and_then(|r| r.cf())
            .and_then(|cf| cf.country())
            .filter(|c| (2..=3).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_alphanumeric()));
        let sent_device = req.and_then(http::device_cookie);
        let device_fresh = req.is_some() && sent_device.is_none();
        let mut rng = WorkerEntropy;
        let device = sent_device.or_else(|| device_fresh.then(|| netid_core::tokens::new_token(&mut rng)));
        let origin = req.and_then(|r| r.url().ok()).map(|u| u.origin().ascii_serialization());
        let remembered = req.map(http::remember_cookie).unwrap_or_default();
        if let Ok(k) = env
            .secret("TWO_FACTOR_KEY")
            .map(|s| s.to_string())
            .or_else(|_| env.var("TWO_FACTOR_KEY").map(|v| v.to_string()))
        {
            config.two_factor_key = parse_key(&k);
        }
        // The operator role's deploy-time list (logins, comma-separated); what is no login
        // grants nothing and is logged.
        if let Ok(list) = env.var("OPERATORS") {
            let (logins, rejected) = netid_core::flows::operators::parse_list(&list.to_string());
            if !rejected.is_empty() {
                worker::console_warn!("OPERATORS: {} entries are no login and grant nothing", rejected.len());
            }
            config.operators = logins;
        }
        Ok(Ctx {
            store,
            config,
            now,
            lang,
            ip,
            user_agent,
            location,
            country,
            device,
            device_fresh,
            remembered,
            origin,
            dev,
            rng,
            allowed_origins,
            caller: None,
            worker_env: env.clone(),
            execution: None,
        })
    }

    pub fn env(&mut self) -> Env<'_, D1Store> {
        Env {
            store: &self.store,
            config: &self.config,
            now: self.now,
            rng: &mut self.rng,
            lang: self.lang,
            ip: self.ip.clone(),
            user_agent: self.user_agent.clone(),
            location: self.location.clone(),
            session_started: self.caller.as_ref().map(|s| s.created_at),
            session_hash: self.caller.as_ref().map(|s| s.token_hash.clone()),
            device: self.device.as_deref().map(netid_core::tokens::token_hash),
            country: self.country.clone(),
            origin: self.origin.clone(),
            remembered: self.remembered.clone(),
        }
    }

    /// The caller's live session (authenticated once per request; the Origin check was made
    /// by the router for every unsafe request).
    pub async fn session(&mut self, req: &Request) -> Result<Session, Error> {
        if let Some(s) = &self.caller {
            return Ok(s.clone());
        }
        let (token, via_cookie) = http::bearer(req).ok_or_else(|| Error::new(Code::Unauthenticated))?;
        let session = flows::authenticate(&self.env(), &token).await?;
        self.admit_session(req, session, via_cookie)
    }

    /// The caller's live session with `Me`: from this isolate's micro-cache when it read them
    /// less than a second ago (no storage round trip, but the session's rules and its touch
    /// still apply), else both read in one storage round trip (see `me_cache`).
    pub async fn session_with_me(&mut self, req: &Request) -> Result<flows::Me, Error> {
        let (token, via_cookie) = http::bearer(req).ok_or_else(|| Error::new(Code::Unauthenticated))?;
        if token.is_empty() || token.len() > 256 {
            return Err(Error::new(Code::Unauthenticated));
        }
        let hash = netid_core::tokens::token_hash(&token);
        if let Some(hit) = me_cache::get(&hash) {
            let seen = hit.session.last_seen_at;
            let session = match flows::live(&self.env(), Some(hit.session)).await {
                Ok(s) => s,
                Err(e) => {
                    me_cache::forget(&hash);
                    return Err(e);
                }
            };
            if session.last_seen_at != seen {
                me_cache::touched(&hash, session.last_seen_at);
            }
            self.admit_session(req, session, via_cookie)?;
            return Ok(hit.me);
        }
        let started = me_cache::clock();
        let (session, me) = flows::authenticate_with_me(&self.env(), &token).await?;
        if me_cache::may_keep(started) {
            me_cache::put(session.clone(), me.clone(), started);
        }
        self.admit_session(req, session, via_cookie)?;
        Ok(me)
    }

    fn admit_session(&mut self, req: &Request, session: Session, via_cookie: bool) -> Result<Session, Error> {
        if via_cookie {
            // A cookie rides along with any request: one that changes something must also
            // prove where it comes from (an Origin or Sec-Fetch-Site the router accepted).
            http::require_browser_origin(req)?;
        }
        self.caller = Some(session.clone());
        Ok(session)
    }
}

/// A 32-byte key given as 64 hex digits or base64.
fn parse_key(text: &str) -> Option<[u8; 32]> {
    use base64::Engine;
    let t = text.trim();
    let bytes = if t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
        (0..32).map(|i| u8::from_str_radix(t.get(2 * i..2 * i + 2)?, 16).ok()).collect::<Option<Vec<u8>>>()?
    } else {
        base64::engine::general_purpose::STANDARD.decode(t).ok()?
    };
    bytes.try_into().ok()
}

thread_local! {
    /// The development clock's offset as this isolate last read or set it. Local workerd
    /// runs the Worker in one isolate, so after the first request the clock costs no
    /// storage round trip (the benchmarks measure requests as production runs them); a new
    /// isolate reads it from D1 again.
    static DEV_CLOCK: Cell<Option<i64>> = const { Cell::new(None) };
}

/// The development clock's offset in seconds (0 when never advanced).
pub async fn dev_clock_offset(store: &D1Store) -> Result<i64, Error> {
    if let Some(offset) = DEV_CLOCK.with(Cell::get) {
        return Ok(offset);
    }
    let row = store.first::<ValueRow>("SELECT value FROM settings WHERE key = 'clock_offset'", &[]).await?;
    let offset = row.and_then(|r| r.value.parse().ok()).unwrap_or(0);
    DEV_CLOCK.with(|c| c.set(Some(offset)));
    Ok(offset)
}

/// Records a new development clock offset (after it was written to D1).
pub fn set_dev_clock_offset(offset: i64) {
    DEV_CLOCK.with(|c| c.set(Some(offset)));
}
