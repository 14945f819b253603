//! Development-only endpoints (ENVIRONMENT=development): the outbox and the clock.

use crate::ctx::{dev_clock_offset, Ctx};
use crate::http::{self, ApiResult};
use crate::store::{i, s};
use netid_core::time::rfc3339;
use netid_core::validate::{Email, Phone};
use netid_core::{Code, Error};
use serde::{Deserialize, Serialize};
use worker::Request;

#[derive(Deserialize, Serialize)]
struct MessageRow {
    id: String,
    channel: String,
    #[serde(rename(serialize = "to"))]
    recipient: String,
    kind: String,
    lang: String,
    subject: String,
    body: String,
    code: Option<String>,
    link: Option<String>,
    token: Option<String>,
    created_at: i64,
}

pub async fn outbox(req: &Request, ctx: &mut Ctx) -> ApiResult {
    let to = http::query(req, "to").ok_or_else(|| Error::field(Code::InvalidRequest, "to"))?;
    let to = Email::parse(&to)
        .map(|e| e.as_str().to_string())
        .or_else(|_| Phone::parse(&to, None).map(|p| p.as_str().to_string()))
        .unwrap_or(to);
    let rows = ctx
        .store
        .all::<MessageRow>(
            "SELECT id, channel, recipient, kind, lang, subject, body, code, link, token, created_at FROM outbox \
             WHERE recipient = ?1 ORDER BY created_at DESC, rowid DESC LIMIT 100",
            &[s(&to)],
        )
        .await?;
    let messages: Vec<serde_json::Value> = rows
        .into_iter()
        .map(|r| {
            let created = rfc3339(r.created_at);
            let mut v = serde_json::to_value(r).unwrap_or_default();
            v["created_at"] = serde_json::Value::String(created);
            v
        })
        .collect();
    http::json(200, &serde_json::json!({"messages": messages}))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockReq {
    advance_seconds: i64,
}

pub async fn advance_clock(req: &mut Request, ctx: &mut Ctx) -> ApiResult {
    let b: ClockReq = http::body(req).await?;
    if !(0..=10 * 365 * 86_400).contains(&b.advance_seconds) {
        return Err(Error::field(Code::InvalidRequest, "advance_seconds"));
    }
    let offset = dev_clock_offset(&ctx.store).await? + b.advance_seconds;
    let stmt = ctx.store.stmt(
        "INSERT INTO settings (key, value) VALUES ('clock_offset', ?1) ON CONFLICT(key) DO UPDATE SET value = ?1",
        &[s(&offset.to_string())],
    )?;
    ctx.store.batch(vec![stmt]).await?;
    let _ = i(0);
    http::json(200, &serde_json::json!({"now": rfc3339(ctx.now + b.advance_seconds), "offset_seconds": offset}))
}

pub async fn clock(ctx: &mut Ctx) -> ApiResult {
    http::json(200, &serde_json::json!({"now": rfc3339(ctx.now)}))
}

/// Times one bare PBKDF2 derivation inside the Worker (for the benchmarks and for choosing
/// the PRF): `?alg=sha256|sha512&iterations=N`.
pub async fn hash(req: &Request) -> ApiResult {
    use netid_core::hashing::{derive_once, Algorithm, HashPolicy};
    let algorithm = match http::query(req, "alg").as_deref() {
        Some("sha256") => Algorithm::Sha256,
        None | Some("sha512") => Algorithm::Sha512,
        Some(_) => return Err(Error::field(Code::InvalidRequest, "alg")),
    };
    let iterations = match http::query(req, "iterations") {
        None => algorithm.owasp_2023_iterations(),
        Some(v) => v
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=HashPolicy::MAX_ITERATIONS).contains(n))
            .ok_or_else(|| Error::field(Code::InvalidRequest, "iterations"))?,
    };
    let policy = HashPolicy { algorithm, iterations };
    let start = worker::Date::now().as_millis();
    let out = derive_once(policy, b"correct horse battery staple", b"0123456789abcdef");
    let elapsed = worker::Date::now().as_millis().saturating_sub(start);
    http::json(
        200,
        &serde_json::json!({"alg": algorithm.phc_id(), "iterations": iterations, "ms": elapsed, "first_byte": out.first().copied().unwrap_or(0)}),
    )
}
