//! The HTTP edge of netid: the error envelope (the ONE place errors become statuses),
//! language negotiation, the request checks every unsafe request passes (Origin and
//! Sec-Fetch-Site, content type), bounded and strict JSON bodies, cookies and the security
//! headers of responses. Nothing here slices a header at a byte offset.

use netid_core::{Code, Error, Lang};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde::Serialize;
use worker::{Headers, Method, Request, Response};

/// JSON bodies above this are refused with 413.
pub const MAX_JSON_BYTES: usize = 64 * 1024;
/// `__Host-`: the browser accepts it only Secure, from a secure origin, with `Path=/` and no
/// `Domain`, so no sibling subdomain can set or shadow it.
pub const SESSION_COOKIE: &str = "__Host-netid_session";

pub type ApiResult = Result<Response, Error>;

/// The HTTP status of each error code.
pub fn status_of(code: Code) -> u16 {
    match code {
        Code::InvalidJson | Code::InvalidRequest | Code::SocialStateInvalid => 400,
        Code::InvalidCredentials
        | Code::SecondFactorRequired
        | Code::Unauthenticated
        | Code::InvalidRefreshToken
        | Code::InvalidOtpLogin
        | Code::InvalidRecoveryCode
        | Code::SocialNotLinked
        | Code::SocialTokenInvalid
        | Code::SocialDenied
        | Code::InvalidClient => 401,
        Code::EmailUnconfirmed
        | Code::PhoneUnconfirmed
        | Code::Forbidden
        | Code::OriginNotAllowed
        | Code::NotAccountAdmin
        | Code::PasswordChangeRequired
        | Code::ReauthenticationRequired
        | Code::NoWorkspaceAccess
        | Code::TwoFactorRequired
        | Code::OperatorSecondFactorRequired => 403,
        Code::NotFound => 404,
        Code::MethodNotAllowed => 405,
        Code::EmailTaken
        | Code::PhoneTaken
        | Code::ValueUnchanged
        | Code::ProfileHasAccounts
        | Code::AccountLimitReached
        | Code::RenameLimitReached
        | Code::AlreadyMember
        | Code::AlreadyInvited
        | Code::LastAdmin
        | Code::PlanRequired
        | Code::TwoFactorAlreadyEnabled
        | Code::MessageNotRetryable
        | Code::NameTaken
        | Code::SocialAlreadyLinked
        | Code::LastLoginMethod
        | Code::AppLimitReached
        | Code::PasskeyLimitReached
        | Code::TwoFactorRequiredByWorkspace => 409,
        Code::InvitationExpired => 410,
        Code::PayloadTooLarge => 413,
        Code::UnsupportedMediaType => 415,
        Code::TooManyAttempts | Code::SendLimitReached => 429,
        Code::Internal => 500,
        Code::SocialProviderError => 502,
        // Input that breaks a rule: the field says which.
        Code::InvalidEmail
        | Code::InvalidPhone
        | Code::InvalidName
        | Code::PasswordTooShort
        | Code::PasswordTooLong
        | Code::PasswordCommon
        | Code::PasswordPersonal
        | Code::InvalidCode
        | Code::CodeExpired
        | Code::CodeAttemptsExceeded
        | Code::InvalidPhoto
        | Code::TooManyInvitees
        | Code::ExtranetRequiresExtranetGroup
        | Code::InvalidAccountName
        | Code::InvalidText
        | Code::LoginRequired
        | Code::InvalidAuthorizationRequest
        | Code::InvalidGrant
        | Code::TooManyAddresses
        | Code::InvalidOtp
        | Code::TwoFactorNotEnabled
        | Code::InvalidUri
        | Code::InvalidPasskey => 422,
    }
}

#[derive(Serialize)]
struct Envelope<'a> {
    error: Body<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    second_factor: Option<SecondFactor>,
}

/// Beside `error` when a login needs its second step (API.md, `POST /login`).
#[derive(Serialize)]
struct SecondFactor {
    ticket: String,
    expires_at: String,
    methods: Vec<&'static str>,
}

#[derive(Serialize)]
struct Body<'a> {
    code: &'static str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
}

/// `{"error": {code, message, field?, reason?}}` with its status (and Retry-After).
pub fn error_response(err: &Error, lang: Lang) -> Response {
    if err.code == Code::Internal {
        worker::console_error!("internal error: {}", err.detail.as_deref().unwrap_or("-"));
    }
    let body = Envelope {
        error: Body { code: err.code.code(), message: err.message(lang), field: err.field, reason: err.code.reason() },
        second_factor: err.challenge.as_ref().map(|c| SecondFactor {
            ticket: c.ticket.clone(),
            expires_at: netid_core::time::rfc3339(c.expires_at),
            methods: if c.passkey { vec!["totp", "recovery_code", "passkey"] } else { vec!["totp", "recovery_code"] },
        }),
    };
    let text =
        serde_json::to_string(&body).unwrap_or_else(|_| String::from("{\"error\":{\"code\":\"internal_error\"}}"));
    let headers = Headers::new();
    let _ = headers.set("Content-Type", "application/json; charset=utf-8");
    if let Some(secs) = err.retry_after {
        let _ = headers.set("Retry-After", &secs.max(1).to_string());
    }
    Response::ok(text).map(|r| r.with_status(status_of(err.code)).with_headers(headers)).unwrap_or_else(|_| fallback())
}

fn fallback() -> Response {
    Response::empty().map(|r| r.with_status(500)).unwrap_or_else(|_| Response::builder().with_status(500).empty())
}

/// A JSON response with `status`.
pub fn json<T: Serialize>(status: u16, value: &T) -> ApiResult {
    let text = serde_json::to_string(value).map_err(|e| Error::internal(e.to_string()))?;
    let headers = Headers::new();
    headers.set("Content-Type", "application/json; charset=utf-8").map_err(internal)?;
    Ok(Response::ok(text).map_err(internal)?.with_status(status).with_headers(headers))
}

/// A body that is JSON already (the OpenAPI document).
pub fn json_text(status: u16, text: &str) -> ApiResult {
    let headers = Headers::new();
    headers.set("Content-Type", "application/json; charset=utf-8").map_err(internal)?;
    headers.set("Cache-Control", "public, max-age=300").map_err(internal)?;
    Ok(Response::ok(text).map_err(internal)?.with_status(status).with_headers(headers))
}

pub fn no_content() -> ApiResult {
    Ok(Response::empty().map_err(internal)?.with_status(204))
}

pub fn internal(e: impl std::fmt::Display) -> Error {
    Error::internal(e.to_string())
}

/// The language of a request: `?lang=` first, then `Accept-Language`, else English.
pub fn language(req: &Request) -> Lang {
    if let Ok(url) = req.url() {
        if let Some((_, v)) = url.query_pairs().find(|(k, _)| k == "lang") {
            if let Some(l) = Lang::from_tag(&v) {
                return l;
            }
        }
    }
    req.headers().get("Accept-Language").ok().flatten().map(|h| Lang::negotiate(&h)).unwrap_or_default()
}

/// A query parameter.
/// A boolean query parameter: absent is false; `true`/`1` and `false`/`0`; anything else is
/// 400 `invalid_request` on that field.
pub fn query_bool(req: &Request, name: &'static str) -> Result<bool, Error> {
    match query(req, name).as_deref() {
        None | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some(_) => Err(Error::field(Code::InvalidRequest, name)),
    }
}

/// The `limit` query parameter of a list: `default` when absent, 400 `invalid_request`
/// outside 1..=`max`.
pub fn query_limit(req: &Request, default: u32, max: u32) -> Result<u32, Error> {
    match query(req, "limit") {
        None => Ok(default),
        Some(l) => l
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| Error::field(Code::InvalidRequest, "limit")),
    }
}

pub fn query(req: &Request, name: &str) -> Option<String> {
    req.url().ok()?.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// Reads at most `limit` bytes of body, refusing larger ones with 413.
pub async fn read_body(req: &mut Request, limit: usize) -> Result<Vec<u8>, Error> {
    if let Ok(Some(len)) = req.headers().get("Content-Length") {
        if len.trim().parse::<usize>().is_ok_and(|n| n > limit) {
            return Err(Error::new(Code::PayloadTooLarge));
        }
    }
    let bytes = req.bytes().await.map_err(|_| Error::new(Code::InvalidJson))?;
    if bytes.len() > limit {
        return Err(Error::new(Code::PayloadTooLarge));
    }
    Ok(bytes)
}

/// Parses a JSON body into `T` (whose fields are `deny_unknown_fields`). The content type
/// was checked before the request reached its handler (`check_content_type`).
pub async fn body<T: DeserializeOwned>(req: &mut Request) -> Result<T, Error> {
    let bytes = read_body(req, MAX_JSON_BYTES).await?;
    parse_json(&bytes)
}

/// 400 `invalid_json` for bad syntax (also nesting deeper than serde_json's limit of 128, and
/// lone surrogates), then 400 `invalid_request` for wrong types, unknown, missing or
/// DUPLICATE fields (parsed straight into `T`, so `{"login":"a","login":"b"}` is refused
/// rather than silently taking one of them).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    let text = if bytes.iter().all(|b| b.is_ascii_whitespace()) { &b"{}"[..] } else { bytes };
    let value = serde_json::from_slice::<serde_json::Value>(text).map_err(|_| Error::new(Code::InvalidJson))?;
    // A body is an object: serde would also read a struct from an array of its fields.
    if !value.is_object() {
        return Err(Error::new(Code::InvalidRequest));
    }
    serde_json::from_slice::<T>(text).map_err(|_| Error::new(Code::InvalidRequest))
}

/// The session token of a request and whether it came from the cookie. The scheme is
/// compared by splitting at the first space, never by slicing bytes.
pub fn bearer(req: &Request) -> Option<(String, bool)> {
    if let Ok(Some(h)) = req.headers().get("Authorization") {
        let (scheme, token) = h.trim().split_once(' ')?;
        let token = token.trim();
        return (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| (token.to_string(), false));
    }
    let cookies = req.headers().get("Cookie").ok().flatten()?;
    cookies.split(';').find_map(|c| {
        let (k, v) = c.trim().split_once('=')?;
        (k == SESSION_COOKIE && !v.is_empty()).then(|| (v.to_string(), true))
    })
}

/// The long-lived device cookie: a random value that tells a browser that signed in to a
/// profile before from one that did not (the new-device notice). Not a credential.
pub const DEVICE_COOKIE: &str = "__Host-netid_device";

/// The browser's device cookie, when it sent one of the right shape.
pub fn device_cookie(req: &Request) -> Option<String> {
    let cookies = req.headers().get("Cookie").ok().flatten()?;
    cookies.split(';').find_map(|c| {
        let (k, v) = c.trim().split_once('=')?;
        (k == DEVICE_COOKIE
            && (16..=128).contains(&v.len())
            && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        .then(|| v.to_string())
    })
}

/// The remembered-browser cookie (`flows::browsers`): the tokens of the profiles this
/// browser skips the second step for, `~`-separated. A credential only with the device
/// cookie and the password; HttpOnly, sent to netid alone.
pub const REMEMBER_COOKIE: &str = "__Host-netid_remember";

/// The tokens of the browser's remembered-browser cookie (none when it sent none).
pub fn remember_cookie(req: &Request) -> Vec<String> {
    let Some(cookies) = req.headers().get("Cookie").ok().flatten() else {
        return Vec::new();
    };
    cookies
        .split(';')
        .find_map(|c| {
            let (k, v) = c.trim().split_once('=')?;
            (k == REMEMBER_COOKIE).then(|| netid_core::flows::browsers::parse_cookie(v))
        })
        .unwrap_or_default()
}

/// Sets the remembered-browser cookie for as long as its newest token lives (30 days).
pub fn remember_set_cookie(value: &str, max_age: i64) -> String {
    format!("{REMEMBER_COOKIE}={value}; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age={max_age}")
}

/// Sets the device cookie for 400 days (the most browsers keep one).
pub fn device_set_cookie(value: &str) -> String {
    format!("{DEVICE_COOKIE}={value}; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age={}", 400 * 24 * 3600)
}

/// Whether a response signs the browser in (it sets a non-empty session cookie).
pub fn signs_in(resp: &Response) -> bool {
    resp.headers().get("Set-Cookie").ok().flatten().is_some_and(|v| {
        v.split(", ")
            .any(|c| c.starts_with(&format!("{SESSION_COOKIE}=")) && !c.starts_with(&format!("{SESSION_COOKIE}=;")))
    })
}

fn is_unsafe(req: &Request) -> bool {
    !matches!(req.method(), Method::Get | Method::Head | Method::Options)
}

/// Unsafe requests from a browser must come from our own origin (or one listed in
/// `ALLOWED_ORIGINS`), cookie or not: a cross-site form cannot log anyone in (login CSRF) or
/// act for them. A request with an `Origin` is judged by it; one without, by
/// `Sec-Fetch-Site` (`same-origin` or `none`, a typed URL). Requests with neither header are
/// not from a browser and carry their own credentials.
pub fn check_origin(req: &Request, allowed: &[String]) -> Result<(), Error> {
    if !is_unsafe(req) {
        return Ok(());
    }
    let refuse = || Err(Error::new(Code::OriginNotAllowed));
    if let Ok(Some(origin)) = req.headers().get("Origin") {
        let own = req.url().ok().map(|u| u.origin().ascii_serialization());
        return if Some(&origin) == own.as_ref() || allowed.iter().any(|a| a == &origin) { Ok(()) } else { refuse() };
    }
    match req.headers().get("Sec-Fetch-Site") {
        Ok(Some(site)) if !matches!(site.trim().to_ascii_lowercase().as_str(), "same-origin" | "none") => refuse(),
        _ => Ok(()),
    }
}

/// Cookie-authenticated unsafe requests must carry an `Origin` or `Sec-Fetch-Site` (which
/// `check_origin` judged): a cookie alone proves nothing about who sent the request.
pub fn require_browser_origin(req: &Request) -> Result<(), Error> {
    let h = req.headers();
    let present = |name: &str| h.get(name).ok().flatten().is_some();
    if is_unsafe(req) && !present("Origin") && !present("Sec-Fetch-Site") {
        return Err(Error::new(Code::OriginNotAllowed));
    }
    Ok(())
}

/// What a route takes as a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    Json,
    /// A profile photo: PNG, JPEG or WebP bytes.
    Image,
}

/// Whether an unsafe request carries a body (a positive Content-Length, or a stream without
/// one).
fn has_body(req: &Request) -> bool {
    match req.headers().get("Content-Length") {
        Ok(Some(len)) => len.trim() != "0",
        _ => req.inner().body().is_some(),
    }
}

/// Unsafe requests with a body must say what it is: `application/json` (or a `+json` type),
/// or for photos an image type; anything else, a missing type included, is 415.
pub fn check_content_type(req: &Request, kind: BodyKind) -> Result<(), Error> {
    if !is_unsafe(req) || !has_body(req) {
        return Ok(());
    }
    let ct = req.headers().get("Content-Type").ok().flatten().unwrap_or_default();
    let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let ok = match kind {
        BodyKind::Json => {
            essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
        }
        BodyKind::Image => matches!(essence.as_str(), "image/png" | "image/jpeg" | "image/webp"),
    };
    if ok {
        Ok(())
    } else {
        Err(Error::new(Code::UnsupportedMediaType))
    }
}

/// `Set-Cookie` for a new session (or clearing it with `None`).
pub fn session_cookie(token: Option<&str>, max_age: i64) -> String {
    match token {
        Some(t) => format!("{SESSION_COOKIE}={t}; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age={max_age}"),
        None => format!("{SESSION_COOKIE}=; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=0"),
    }
}

/// The headers of every API response: never cached unless the handler said otherwise
/// (photos), never sniffed, never framed, no referrer, and in production HSTS.
pub fn secure_api_response(resp: Response, lang: Lang, dev: bool) -> Response {
    let mut resp = resp;
    let h = resp.headers_mut();
    let _ = h.set("Content-Language", lang.tag());
    if !h.has("Cache-Control").unwrap_or(false) {
        let _ = h.set("Cache-Control", "no-store");
    }
    let _ = h.set("Vary", "Accept-Language, Cookie, Authorization");
    let _ = h.set("X-Content-Type-Options", "nosniff");
    let _ = h.set("Referrer-Policy", "no-referrer");
    let _ = h.set("X-Frame-Options", "DENY");
    if !h.has("Content-Security-Policy").unwrap_or(false) {
        let _ = h.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    }
    if !dev {
        let _ = h.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
    }
    resp
}

/// Adds a header to a response we built.
pub fn with_header(resp: Response, name: &str, value: &str) -> Response {
    let mut resp = resp;
    let _ = resp.headers_mut().set(name, value);
    resp
}

/// Deserializes a JSON integer, also written as an integral float (`3.0`): JSON Schema's
/// `integer` is a mathematical integer, so a client may send either. Fractions and values
/// beyond 2^53 are refused.
pub fn de_int<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    use serde::de::Error as _;
    let n = serde_json::Number::deserialize(d)?;
    if let Some(i) = n.as_i64() {
        return Ok(i);
    }
    match n.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_992.0 => Ok(f as i64),
        _ => Err(D::Error::custom("expected an integer")),
    }
}
