//! The providers behind one trait: Resend (email over HTTP, idempotency keys), Cloudflare's
//! own Email Sending (the `send_email` binding) and Twilio (SMS, form-encoded, Basic auth).
//! Each answers what happened to one message; the consumer decides what to do with it.

use super::Outgoing;
use base64::Engine;
use futures_util::future::{select, Either};
use serde::Deserialize;
use std::time::Duration;
use wasm_bindgen::JsValue;
use worker::{AbortController, Delay, Fetch, Headers, Method, Request, RequestInit, Response};

/// What became of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The provider accepted it (its id).
    Sent(String),
    /// It may work later (timeout, lost connection, 5xx, 429): try again, after `after`
    /// seconds when the provider said so (Retry-After).
    Retry { error: String, after: Option<u32> },
    /// The provider refused it for good (a bad address, a rejected request).
    Refused(String),
}

#[allow(async_fn_in_trait)]
pub trait Provider {
    /// Delivers `m`. `m.id` is the idempotency key: a second call for one message must not
    /// deliver it twice.
    async fn send(&self, m: &Outgoing) -> Outcome;
}

pub struct Http {
    pub timeout_ms: u32,
}

impl Http {
    /// One request with a deadline: a provider that does not answer in time is abandoned
    /// (aborted) and reported as a retryable timeout.
    pub(crate) async fn call(
        &self,
        method: Method,
        url: &str,
        headers: Headers,
        body: Option<String>,
    ) -> Result<Response, String> {
        let mut init = RequestInit::new();
        init.with_method(method).with_headers(headers).with_body(body.map(|b| JsValue::from_str(&b)));
        let req = Request::new_with_init(url, &init).map_err(|e| format!("request: {e}"))?;
        let controller = AbortController::default();
        let signal = controller.signal();
        let fetch = Fetch::Request(req);
        let sending = std::pin::pin!(fetch.send_with_signal(&signal));
        let timeout = std::pin::pin!(Delay::from(Duration::from_millis(u64::from(self.timeout_ms))));
        match select(sending, timeout).await {
            Either::Left((Ok(resp), _)) => Ok(resp),
            Either::Left((Err(e), _)) => Err(format!("network: {}", short(&e.to_string()))),
            Either::Right(_) => {
                controller.abort();
                Err(format!("timeout after {} ms", self.timeout_ms))
            }
        }
    }
}

fn short(s: &str) -> String {
    s.chars().take(200).collect()
}

/// The classification of an HTTP answer that is not a success.
fn failure(status: u16, retry_after: Option<String>, code: &str) -> Outcome {
    let error = if code.is_empty() { format!("http {status}") } else { format!("http {status} {}", short(code)) };
    match status {
        408 | 409 | 425 | 429 | 500..=599 => {
            Outcome::Retry { error, after: retry_after.and_then(|v| v.trim().parse::<u32>().ok()) }
        }
        _ => Outcome::Refused(error),
    }
}

/// The error name a provider put in its JSON answer (Resend: `name`; Twilio: `code`), never
/// the whole body (it may echo what was sent).
#[derive(Deserialize, Default)]
struct ErrorBody {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    code: Option<serde_json::Value>,
}

async fn error_code(resp: &mut Response) -> String {
    let text = resp.text().await.unwrap_or_default();
    let b: ErrorBody = serde_json::from_str(&text).unwrap_or_default();
    b.name.or_else(|| b.code.map(|c| c.to_string())).unwrap_or_default()
}

/// Resend's `POST /emails`. The outbox row's id is the `Idempotency-Key`: Resend answers a
/// repeated key with the first result for 24 hours, so a retry after a lost answer never
/// sends twice.
pub struct Resend {
    pub http: Http,
    pub base_url: String,
    pub api_key: String,
    pub from: String,
}

#[derive(Deserialize)]
struct IdBody {
    id: String,
}

impl Provider for Resend {
    async fn send(&self, m: &Outgoing) -> Outcome {
        let body = serde_json::json!({
            "from": self.from,
            "to": [m.recipient],
            "subject": m.subject,
            "text": m.body,
            "html": m.html,
        });
        let headers = Headers::new();
        let auth = format!("Bearer {}", self.api_key);
        for (k, v) in
            [("Authorization", auth.as_str()), ("Content-Type", "application/json"), ("Idempotency-Key", &m.id)]
        {
            if headers.set(k, v).is_err() {
                return Outcome::Refused(format!("header {k}"));
            }
        }
        let url = format!("{}/emails", self.base_url.trim_end_matches('/'));
        let mut resp = match self.http.call(Method::Post, &url, headers, Some(body.to_string())).await {
            Ok(r) => r,
            Err(e) => return Outcome::Retry { error: e, after: None },
        };
        let status = resp.status_code();
        if (200..300).contains(&status) {
            return match resp.json::<IdBody>().await {
                Ok(b) => Outcome::Sent(b.id),
                // Accepted, but the answer was cut: the key makes the retry safe.
                Err(_) => Outcome::Retry { error: "accepted without an id".into(), after: None },
            };
        }
        let retry_after = resp.headers().get("Retry-After").ok().flatten();
        let code = error_code(&mut resp).await;
        failure(status, retry_after, &code)
    }
}

/// Twilio's Messages API. Twilio has no idempotency key, so before another attempt the
/// driver asks Twilio what it sent to that number since the message was written: a message
/// with the same body means the earlier attempt went through (its answer was lost).
pub struct Twilio {
    pub http: Http,
    pub base_url: String,
    pub account_sid: String,
    pub auth_token: String,
    /// A phone number, or a Messaging Service SID (`MG...`).
    pub from: String,
}

#[derive(Deserialize)]
struct TwilioMessage {
    sid: String,
    #[serde(default)]
    body: String,
}

#[derive(Deserialize)]
struct TwilioList {
    #[serde(default)]
    messages: Vec<TwilioMessage>,
}

impl Twilio {
    fn headers(&self, form: bool) -> Option<Headers> {
        let headers = Headers::new();
        let basic =
            base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", self.account_sid, self.auth_token));
        headers.set("Authorization", &format!("Basic {basic}")).ok()?;
        if form {
            headers.set("Content-Type", "application/x-www-form-urlencoded").ok()?;
        }
        Some(headers)
    }

    fn messages_url(&self) -> String {
        format!("{}/2010-04-01/Accounts/{}/Messages.json", self.base_url.trim_end_matches('/'), self.account_sid)
    }

    /// The SID of a message already sent for `m`, if Twilio has one.
    async fn already_sent(&self, m: &Outgoing) -> Result<Option<String>, String> {
        // Twilio filters by the UTC day; the body decides which message is ours.
        let iso = js_sys::Date::new(&JsValue::from_f64((m.created_at as f64) * 1000.0)).to_iso_string();
        let date: String = String::from(iso).chars().take(10).collect();
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("To", &m.recipient)
            .append_pair("DateSent>", &date)
            .append_pair("PageSize", "100")
            .finish();
        let headers = self.headers(false).ok_or("headers")?;
        let mut resp = self.http.call(Method::Get, &format!("{}?{query}", self.messages_url()), headers, None).await?;
        if !(200..300).contains(&resp.status_code()) {
            return Err(format!("lookup http {}", resp.status_code()));
        }
        let list: TwilioList = resp.json().await.map_err(|_| "lookup: unreadable answer".to_string())?;
        Ok(list.messages.into_iter().find(|x| x.body == m.body).map(|x| x.sid))
    }
}

impl Provider for Twilio {
    async fn send(&self, m: &Outgoing) -> Outcome {
        if m.attempts > 1 {
            match self.already_sent(m).await {
                Ok(Some(sid)) => return Outcome::Sent(sid),
                Ok(None) => {}
                // Not knowing what was sent, sending again could send twice: wait.
                Err(e) => return Outcome::Retry { error: e, after: None },
            }
        }
        let sender = if self.from.starts_with("MG") { "MessagingServiceSid" } else { "From" };
        let form = form_urlencoded::Serializer::new(String::new())
            .append_pair("To", &m.recipient)
            .append_pair(sender, &self.from)
            .append_pair("Body", &m.body)
            .finish();
        let Some(headers) = self.headers(true) else { return Outcome::Refused("headers".into()) };
        let mut resp = match self.http.call(Method::Post, &self.messages_url(), headers, Some(form)).await {
            Ok(r) => r,
            Err(e) => return Outcome::Retry { error: e, after: None },
        };
        let status = resp.status_code();
        if (200..300).contains(&status) {
            return match resp.json::<TwilioMessage>().await {
                Ok(b) => Outcome::Sent(b.sid),
                Err(_) => Outcome::Retry { error: "accepted without a sid".into(), after: None },
            };
        }
        let retry_after = resp.headers().get("Retry-After").ok().flatten();
        let code = error_code(&mut resp).await;
        failure(status, retry_after, &code)
    }
}

/// Cloudflare Email Sending through the `send_email` binding (`[[send_email]]`). It has no
/// idempotency key: a retry after a lost answer may send twice, so Resend is preferred when
/// both are configured.
pub struct CloudflareEmail {
    pub binding: worker::SendEmail,
    pub from: String,
}

impl Provider for CloudflareEmail {
    async fn send(&self, m: &Outgoing) -> Outcome {
        let message =
            worker::SendEmailBuilder::builder(&self.from, &m.recipient, &m.subject).text(&m.body).html(&m.html).build();
        match self.binding.send_with_builder(&message).await {
            Ok(r) => Outcome::Sent(r.message_id()),
            Err(e) => Outcome::Retry { error: format!("send_email: {}", short(&format!("{e:?}"))), after: None },
        }
    }
}

/// A workspace app's back-channel logout receiver (OpenID Connect Back-Channel Logout 1.0
/// section 2.5): the signed logout token, form-posted; 200 or 204 is delivered. The URI was
/// checked for its use when the app registered it (https on a public host outside
/// development, no credentials).
pub struct Backchannel {
    pub http: Http,
}

impl Backchannel {
    pub async fn send(&self, m: &Outgoing, logout_token: Option<&str>) -> Outcome {
        let Some(token) = logout_token else {
            return Outcome::Retry { error: "the logout token could not be made".into(), after: None };
        };
        let headers = Headers::new();
        let _ = headers.set("Content-Type", "application/x-www-form-urlencoded");
        let body: String = form_urlencoded::Serializer::new(String::new()).append_pair("logout_token", token).finish();
        match self.http.call(Method::Post, &m.recipient, headers, Some(body)).await {
            Ok(resp) if matches!(resp.status_code(), 200 | 204) => Outcome::Sent(format!("backchannel:{}", m.id)),
            Ok(resp) => {
                let retry_after = resp.headers().get("Retry-After").ok().flatten();
                failure(resp.status_code(), retry_after, "")
            }
            Err(e) => Outcome::Retry { error: e, after: None },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_classified_as_a_provider_means_them() {
        assert_eq!(
            failure(429, Some("7".into()), "rate_limit_exceeded"),
            Outcome::Retry { error: "http 429 rate_limit_exceeded".into(), after: Some(7) }
        );
        assert!(matches!(failure(503, None, ""), Outcome::Retry { after: None, .. }));
        assert!(matches!(failure(422, None, "validation_error"), Outcome::Refused(_)));
        assert!(matches!(failure(401, None, ""), Outcome::Refused(_)));
    }
}
