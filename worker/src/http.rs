//! The HTTP edge of netid: the error envelope (the ONE place errors become statuses),
//! language negotiation, bounded JSON bodies, cookies and the Origin check.

use netid_core::{Code, Error, Lang};
use serde::de::DeserializeOwned;
use serde::Serialize;
use worker::{Headers, Method, Request, Response};

/// JSON bodies above this are refused with 413.
pub const MAX_JSON_BYTES: usize = 64 * 1024;
pub const SESSION_COOKIE: &str = "netid_session";

pub type ApiResult = Result<Response, Error>;

/// The HTTP status of each error code.
pub fn status_of(code: Code) -> u16 {
    match code {
        Code::InvalidJson | Code::InvalidRequest => 400,
        Code::InvalidCredentials | Code::SecondFactorRequired | Code::Unauthenticated | Code::InvalidRefreshToken => {
            401
        }
        Code::EmailUnconfirmed
        | Code::PhoneUnconfirmed
        | Code::Forbidden
        | Code::OriginNotAllowed
        | Code::NotAccountAdmin => 403,
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
        | Code::PlanRequired => 409,
        Code::InvitationExpired => 410,
        Code::PayloadTooLarge => 413,
        Code::UnsupportedMediaType => 415,
        Code::TooManyAttempts => 429,
        Code::Internal => 500,
        _ => 422,
    }
}

#[derive(Serialize)]
struct Envelope<'a> {
    error: Body<'a>,
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

/// Parses a JSON body into `T` (whose fields are `deny_unknown_fields`): 400 `invalid_json`
/// for bad syntax, 400 `invalid_request` for wrong types, unknown or missing fields.
pub async fn body<T: DeserializeOwned>(req: &mut Request) -> Result<T, Error> {
    if let Ok(Some(ct)) = req.headers().get("Content-Type") {
        let ct = ct.to_ascii_lowercase();
        // curl's default form type is accepted too: the body must still be JSON.
        let ok =
            ["application/json", "text/plain", "application/x-www-form-urlencoded"].iter().any(|t| ct.starts_with(t));
        if !ok {
            return Err(Error::new(Code::UnsupportedMediaType));
        }
    }
    let bytes = read_body(req, MAX_JSON_BYTES).await?;
    parse_json(&bytes)
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    let text = if bytes.iter().all(|b| b.is_ascii_whitespace()) { &b"{}"[..] } else { bytes };
    // Syntax first (so `{"a":}` is invalid_json, not an unknown field), then the shape.
    let value: serde_json::Value = serde_json::from_slice(text).map_err(|_| Error::new(Code::InvalidJson))?;
    serde_json::from_value(value).map_err(|_| Error::new(Code::InvalidRequest))
}

/// The session token of a request and whether it came from the cookie.
pub fn bearer(req: &Request) -> Option<(String, bool)> {
    if let Ok(Some(h)) = req.headers().get("Authorization") {
        let h = h.trim();
        if h.len() > 7 && h[..7].eq_ignore_ascii_case("bearer ") {
            return Some((h[7..].trim().to_string(), false));
        }
        return None;
    }
    let cookies = req.headers().get("Cookie").ok().flatten()?;
    cookies.split(';').find_map(|c| {
        let (k, v) = c.trim().split_once('=')?;
        (k == SESSION_COOKIE && !v.is_empty()).then(|| (v.to_string(), true))
    })
}

/// Cookie-authenticated unsafe requests must come from our own origin (or an allowed one).
pub fn check_origin(req: &Request, allowed: &[String]) -> Result<(), Error> {
    if matches!(req.method(), Method::Get | Method::Head | Method::Options) {
        return Ok(());
    }
    let origin = req.headers().get("Origin").ok().flatten();
    let own = req.url().ok().map(|u| u.origin().ascii_serialization());
    match origin {
        Some(o) if Some(&o) == own.as_ref() || allowed.iter().any(|a| a == &o) => Ok(()),
        _ => Err(Error::new(Code::OriginNotAllowed)),
    }
}

/// `Set-Cookie` for a new session (or clearing it with `None`).
pub fn session_cookie(token: Option<&str>, max_age: i64) -> String {
    match token {
        Some(t) => format!("{SESSION_COOKIE}={t}; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age={max_age}"),
        None => format!("{SESSION_COOKIE}=; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=0"),
    }
}

/// Adds a header to a response we built.
pub fn with_header(resp: Response, name: &str, value: &str) -> Response {
    let mut resp = resp;
    let _ = resp.headers_mut().set(name, value);
    resp
}
