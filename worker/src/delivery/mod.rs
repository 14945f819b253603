//! Delivery: every outbox row leaves once, and nothing is lost.
//!
//! The outbox row is written in the same D1 batch as its cause (core's commit). Then:
//! 1. relay: right after the response (`waitUntil`) the request hands the ids it committed to
//!    the `DELIVERY` queue;
//! 2. consume: the queue consumer claims each row (a conditional UPDATE whose row count
//!    decides, so two deliveries of one queue message never both send), calls the provider
//!    with the row id as idempotency key, and records the outcome; a retryable failure puts
//!    the row back to `pending` and the queue message is retried with exponential backoff
//!    (or the provider's Retry-After); after the last attempt, or a refusal, the row is
//!    `failed`; the dead-letter queue marks whatever reaches it `failed`;
//! 3. sweep (cron, every minute): rows the queue never acknowledged (a crash between commit
//!    and enqueue, a lost queue message, a consumer that died holding a claim) are enqueued
//!    again.
//!
//! With no provider configured for a channel (the local default), its rows stay `pending`
//! and readable at `/dev/outbox`.

pub mod providers;

use crate::ctx::Ctx;
use crate::store::D1Store;
use netid_core::flows::operators::Operator;
use netid_core::model::Channel;
use netid_core::sql::{i, s, stmt, Database, Round, Statement, Value};
use netid_core::{Code, Error};
use providers::{Backchannel, CloudflareEmail, Http, Outcome, Provider, Resend, Twilio};
use serde::{Deserialize, Serialize};
use worker::{MessageBatch, MessageExt, QueueRetryOptionsBuilder};

/// The queue binding (producer) and the dead-letter queue's name.
pub const QUEUE: &str = "DELIVERY";
pub const DEAD_LETTER_QUEUE: &str = "netid-delivery-dlq";

/// What travels through the queue: the row id only (no address, no code).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    pub id: String,
}

/// A claimed row, as the providers send it.
#[derive(Debug, Clone, Deserialize)]
pub struct Outgoing {
    pub id: String,
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub html: String,
    pub attempts: i64,
    pub created_at: i64,
}

/// The rules of delivery, from Worker vars.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub max_attempts: i64,
    /// The first retry waits this long; each next one twice as long (at most 15 minutes).
    pub retry_seconds: u32,
    pub timeout_ms: u32,
    /// A claim expires after this long (a consumer that died holding it).
    pub lease_seconds: i64,
}

impl Policy {
    pub fn from_env(env: &worker::Env) -> Policy {
        let num = |name: &str| env.var(name).ok().and_then(|v| v.to_string().trim().parse::<u32>().ok());
        Policy {
            max_attempts: i64::from(num("DELIVERY_MAX_ATTEMPTS").unwrap_or(5).clamp(1, 20)),
            retry_seconds: num("DELIVERY_RETRY_SECONDS").unwrap_or(30).clamp(1, 3600),
            timeout_ms: num("DELIVERY_TIMEOUT_MS").unwrap_or(10_000).clamp(100, 60_000),
            lease_seconds: 120,
        }
    }

    /// The wait before attempt `attempts + 1`: exponential, or what the provider asked for.
    pub fn backoff(&self, attempts: i64, asked: Option<u32>) -> u32 {
        let shift = (attempts.max(1) - 1).min(10) as u32;
        let exp = self.retry_seconds.saturating_mul(1 << shift).min(900);
        asked.map_or(exp, |a| a.clamp(1, 900).max(self.retry_seconds))
    }
}

fn text_var(env: &worker::Env, name: &str) -> Option<String> {
    env.var(name)
        .ok()
        .map(|v| v.to_string())
        .or_else(|| env.secret(name).ok().map(|v| v.to_string()))
        .filter(|v| !v.trim().is_empty())
}

/// The configured email driver, if any.
pub enum Email {
    Resend(Resend),
    Cloudflare(CloudflareEmail),
}

pub struct Drivers {
    pub email: Option<Email>,
    pub sms: Option<Twilio>,
    /// Always there: an app's logout receiver needs no provider account.
    pub backchannel: Backchannel,
}

impl Drivers {
    pub fn from_env(env: &worker::Env, p: &Policy) -> Drivers {
        let from = text_var(env, "EMAIL_FROM").unwrap_or_else(|| "netid <no-reply@netid.invalid>".into());
        let email = match text_var(env, "EMAIL_PROVIDER").as_deref() {
            Some("resend") => text_var(env, "RESEND_API_KEY").map(|api_key| {
                Email::Resend(Resend {
                    http: Http { timeout_ms: p.timeout_ms },
                    base_url: text_var(env, "RESEND_API_URL").unwrap_or_else(|| "https://api.resend.com".into()),
                    api_key,
                    from: from.clone(),
                })
            }),
            Some("cloudflare") => {
                env.send_email("EMAIL").ok().map(|binding| Email::Cloudflare(CloudflareEmail { binding, from }))
            }
            _ => None,
        };
        let sms = match text_var(env, "SMS_PROVIDER").as_deref() {
            Some("twilio") => match (
                text_var(env, "TWILIO_ACCOUNT_SID"),
                text_var(env, "TWILIO_AUTH_TOKEN"),
                text_var(env, "TWILIO_FROM"),
            ) {
                (Some(account_sid), Some(auth_token), Some(from)) => Some(Twilio {
                    http: Http { timeout_ms: p.timeout_ms },
                    base_url: text_var(env, "TWILIO_API_URL").unwrap_or_else(|| "https://api.twilio.com".into()),
                    account_sid,
                    auth_token,
                    from,
                }),
                _ => None,
            },
            _ => None,
        };
        Drivers { email, sms, backchannel: Backchannel { http: Http { timeout_ms: p.timeout_ms } } }
    }

    pub fn serves(&self, channel: Channel) -> bool {
        match channel {
            Channel::Email => self.email.is_some(),
            Channel::Sms => self.sms.is_some(),
            Channel::Backchannel => true,
        }
    }

    /// The channels with a driver, for SQL (`channel IN (...)`).
    fn channels(&self) -> Vec<&'static str> {
        [Channel::Email, Channel::Sms, Channel::Backchannel]
            .into_iter()
            .filter(|c| self.serves(*c))
            .map(Channel::as_str)
            .collect()
    }

    async fn send(&self, m: &Outgoing, logout_token: Option<&str>) -> Outcome {
        match (m.channel.as_str(), &self.email, &self.sms) {
            ("backchannel", _, _) => self.backchannel.send(m, logout_token).await,
            ("email", Some(Email::Resend(r)), _) => r.send(m).await,
            ("email", Some(Email::Cloudflare(c)), _) => c.send(m).await,
            ("sms", _, Some(t)) => t.send(m).await,
            _ => Outcome::Retry { error: "no provider for this channel".into(), after: None },
        }
    }
}

/// Hands committed messages to the queue (after the response). A failure here loses
/// nothing: the sweep finds the rows.
pub async fn relay(env: &worker::Env, messages: Vec<(String, Channel)>) {
    let drivers = Drivers::from_env(env, &Policy::from_env(env));
    let ids: Vec<String> = messages.into_iter().filter(|(_, c)| drivers.serves(*c)).map(|(id, _)| id).collect();
    if ids.is_empty() {
        return;
    }
    if let Err(e) = enqueue(env, &ids, 0).await {
        worker::console_error!("delivery: enqueue failed, the sweep will retry: {e}");
    }
}

/// After a commit that ended sessions: the back-channel logouts it wrote (in SQL) go to the
/// queue at once. A failure loses nothing: the sweep finds them.
pub async fn relay_backchannel(env: &worker::Env) {
    let Ok(ctx) = Ctx::new(env, None).await else { return };
    let rows: Result<Vec<IdRow>, Error> = ctx
        .store
        .all(
            "SELECT id FROM outbox WHERE channel = 'backchannel' AND status = 'pending' AND attempts = 0 \
             AND created_at >= unixepoch() - 300 ORDER BY created_at LIMIT 500",
            &[],
        )
        .await;
    let ids: Vec<String> = rows.map(|r| r.into_iter().map(|r| r.id).collect()).unwrap_or_default();
    if ids.is_empty() {
        return;
    }
    if let Err(e) = enqueue(env, &ids, 0).await {
        worker::console_error!("delivery: back-channel enqueue failed, the sweep will retry: {e}");
    }
}

/// The signed logout token of a back-channel row (`None` when it cannot be made: the row is
/// then retried).
async fn logout_token(ctx: &mut Ctx, m: &Outgoing) -> Option<String> {
    let event: netid_core::flows::provider::LogoutEvent = serde_json::from_str(&m.body).ok()?;
    let jti = netid_core::tokens::new_id("lo", &mut ctx.rng);
    let claims = netid_core::flows::provider::logout_claims(&ctx.config, &event, ctx.now, &jti).ok()?;
    crate::oidc::sign(ctx, "logout+jwt", &claims).await.ok()
}

async fn enqueue(env: &worker::Env, ids: &[String], delay: u32) -> worker::Result<()> {
    let queue = env.queue(QUEUE)?;
    for chunk in ids.chunks(100) {
        let mut batch = worker::BatchMessageBuilder::new();
        for id in chunk {
            batch = batch.message(Job { id: id.clone() });
        }
        if delay > 0 {
            batch = batch.delay_seconds(delay);
        }
        queue.send_batch(batch.build()).await?;
    }
    Ok(())
}

#[derive(Deserialize)]
struct IdRow {
    id: String,
}

/// The cron's part: rows nobody acknowledged go back to the queue. Answers how many.
pub async fn sweep(ctx: &Ctx) -> Result<usize, Error> {
    let drivers = Drivers::from_env(&ctx.worker_env, &Policy::from_env(&ctx.worker_env));
    let channels = drivers.channels();
    if channels.is_empty() {
        return Ok(0);
    }
    let list = channels.iter().map(|c| format!("'{c}'")).collect::<Vec<_>>().join(",");
    let sql = format!(
        "SELECT id FROM outbox WHERE channel IN ({list}) AND \
         ((status = 'pending' AND next_attempt_at <= ?1 - 60) OR (status = 'sending' AND claimed_until <= ?1)) \
         ORDER BY created_at LIMIT 500"
    );
    let rows: Vec<IdRow> = ctx.store.all(&sql, &[i(ctx.now)]).await?;
    let ids: Vec<String> = rows.into_iter().map(|r| r.id).collect();
    if !ids.is_empty() {
        enqueue(&ctx.worker_env, &ids, 0).await.map_err(crate::http::internal)?;
    }
    Ok(ids.len())
}

/// The queue consumer. Never fails as a whole: a storage failure retries the batch.
pub async fn consume(batch: MessageBatch<Job>, env: worker::Env) {
    let dead_letters = batch.queue() == DEAD_LETTER_QUEUE;
    let messages = match batch.messages() {
        Ok(m) => m,
        Err(e) => {
            worker::console_error!("delivery: unreadable batch: {e}");
            batch.ack_all();
            return;
        }
    };
    let mut ctx = match Ctx::new(&env, None).await {
        Ok(c) => c,
        Err(e) => {
            worker::console_error!("delivery: no context: {}", e.code.code());
            batch.retry_all();
            return;
        }
    };
    let ids: Vec<String> = messages.iter().map(|m| m.body().id.clone()).collect();
    if dead_letters {
        let outcome = mark_dead(&ctx.store, &ids).await;
        if outcome.is_err() {
            batch.retry_all();
        } else {
            batch.ack_all();
        }
        return;
    }
    let policy = Policy::from_env(&env);
    let drivers = Drivers::from_env(&env, &policy);
    let claimed = match claim(&ctx, &ids, &policy).await {
        Ok(c) => c,
        Err(e) => {
            worker::console_error!("delivery: claim failed: {}", e.detail.unwrap_or_default());
            batch.retry_all();
            return;
        }
    };
    // The batch's messages are sent concurrently (at most max_batch_size, 10): one slow or
    // hung provider call does not hold the others back. A provider's rate limit (429) goes
    // through the backoff like any other retryable answer.
    // Logout tokens are signed first (one key, one isolate), then everything is sent at once.
    let mut tokens = Vec::new();
    for m in &claimed {
        tokens.push(if m.channel == "backchannel" { logout_token(&mut ctx, m).await } else { None });
    }
    let outcomes =
        futures_util::future::join_all(claimed.iter().zip(&tokens).map(|(m, t)| drivers.send(m, t.as_deref()))).await;
    let results: Vec<(Outgoing, Outcome)> = claimed.iter().cloned().zip(outcomes).collect();
    let mut stmts = Vec::new();
    let mut verdicts: Vec<(String, Option<u32>)> = Vec::new();
    for (m, outcome) in &results {
        let (stmt, retry) = match record(&ctx, m, outcome, &policy) {
            Ok(x) => x,
            Err(_) => {
                batch.retry_all();
                return;
            }
        };
        stmts.push(stmt);
        verdicts.push((m.id.clone(), retry));
    }
    if !stmts.is_empty() && ctx.store.batch(Round::Count, stmts).await.is_err() {
        // The outcomes are not recorded: the claims expire and the sweep retries; the
        // idempotency keys make the repeats harmless.
        batch.retry_all();
        return;
    }
    for msg in messages {
        let id = &msg.body().id;
        match verdicts.iter().find(|(v, _)| v == id).and_then(|(_, r)| *r) {
            Some(delay) => msg.retry_with_options(&QueueRetryOptionsBuilder::new().with_delay_seconds(delay).build()),
            // Delivered, failed for good, or not ours to send (claimed elsewhere, done).
            None => msg.ack(),
        }
    }
}

const OUTGOING_COLS: &str = "id, channel, recipient, subject, body, html, attempts, created_at";

/// Claims the due rows among `ids`: one conditional UPDATE per row, all in one batch; a row
/// another consumer holds, or one already delivered, is simply not returned.
async fn claim(ctx: &Ctx, ids: &[String], policy: &Policy) -> Result<Vec<Outgoing>, Error> {
    let mut stmts = Vec::new();
    for id in ids {
        stmts.push(stmt(
            &format!(
                "UPDATE outbox SET status = 'sending', attempts = attempts + 1, claimed_until = ?2 + ?3 \
                 WHERE id = ?1 AND ((status = 'pending' AND next_attempt_at <= ?2 + 1) \
                 OR (status = 'sending' AND claimed_until <= ?2)) RETURNING {OUTGOING_COLS}"
            ),
            &[s(id), i(ctx.now), i(policy.lease_seconds)],
        )?);
    }
    let results = ctx.store.batch(Round::Count, stmts).await?;
    let mut out = Vec::new();
    for r in results {
        out.extend(<crate::store::D1 as netid_core::sql::Database>::rows::<Outgoing>(&r)?);
    }
    Ok(out)
}

/// The statement that records one attempt, and the queue delay when it is to be retried.
fn record(ctx: &Ctx, m: &Outgoing, outcome: &Outcome, policy: &Policy) -> Result<(Statement, Option<u32>), Error> {
    let (id, now) = (s(&m.id), i(ctx.now));
    Ok(match outcome {
        Outcome::Sent(provider_id) => (
            // Delivered: the code, link and token are erased at once.
            stmt(
                "UPDATE outbox SET status = 'delivered', delivered_at = ?2, provider_id = ?3, claimed_until = 0, \
                 last_error = NULL, code = NULL, token = NULL, link = NULL, body = '', html = '', erased_at = ?2 \
                 WHERE id = ?1",
                &[id, now, s(provider_id)],
            )?,
            None,
        ),
        Outcome::Refused(error) => (failed(id, now, error)?, None),
        Outcome::Retry { error, .. } if m.attempts >= policy.max_attempts => (failed(id, now, error)?, None),
        Outcome::Retry { error, after } => {
            let delay = policy.backoff(m.attempts, *after);
            (
                stmt(
                    "UPDATE outbox SET status = 'pending', claimed_until = 0, last_error = ?3, next_attempt_at = ?2 + ?4 \
                     WHERE id = ?1 AND status = 'sending'",
                    &[id, now, s(error), i(i64::from(delay))],
                )?,
                Some(delay),
            )
        }
    })
}

fn failed(id: Value, now: Value, error: &str) -> Result<Statement, Error> {
    stmt(
        "UPDATE outbox SET status = 'failed', claimed_until = 0, last_error = ?3, next_attempt_at = ?2 \
         WHERE id = ?1 AND status = 'sending'",
        &[id, now, s(error)],
    )
}

async fn mark_dead(store: &D1Store, ids: &[String]) -> Result<(), Error> {
    let mut stmts = Vec::new();
    for id in ids {
        stmts.push(stmt(
            "UPDATE outbox SET status = 'failed', claimed_until = 0, \
             last_error = COALESCE(last_error, 'dead-lettered') WHERE id = ?1 AND status IN ('pending', 'sending')",
            &[s(id)],
        )?);
    }
    store.batch(Round::Count, stmts).await.map(|_| ())
}

/// A row as the operator sees it: no body, no code, no link.
#[derive(Debug, Serialize, Deserialize)]
pub struct OperatorRow {
    pub id: String,
    pub channel: String,
    pub to: String,
    pub kind: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub provider_id: Option<String>,
    pub created_at: i64,
    pub delivered_at: Option<i64>,
}

/// `GET /operator/outbox?status=&limit=`: newest first.
pub async fn list(ctx: &Ctx, status: &str, limit: u32) -> Result<Vec<OperatorRow>, Error> {
    if !matches!(status, "pending" | "sending" | "delivered" | "failed" | "expired") {
        return Err(Error::field(Code::InvalidRequest, "status"));
    }
    ctx.store
        .all(
            "SELECT id, channel, recipient AS \"to\", kind, status, attempts, last_error, provider_id, created_at, \
             delivered_at FROM outbox WHERE status = ?1 ORDER BY created_at DESC, id DESC LIMIT ?2",
            &[s(status), i(i64::from(limit.clamp(1, 500)))],
        )
        .await
}

/// `POST /operator/outbox/{id}/retry`: a failed (or stuck pending) row gets a fresh set of
/// attempts and goes back to the queue. Delivered or erased rows cannot be sent again.
pub async fn retry(ctx: &mut Ctx, op: &Operator, id: &str) -> Result<OperatorRow, Error> {
    // The retry and its audit row land together: the row is written only when the message
    // was re-armed by the statement before it (same batch, one transaction).
    let audit_id = netid_core::tokens::new_id("aud", &mut ctx.rng);
    let detail = format!("by {}", op.login);
    let args = [s(id), i(ctx.now), s(&audit_id), s(&op.profile_id), s(&detail)];
    let results = ctx
        .store
        .batch(
            Round::Commit,
            vec![
                stmt(
                    "UPDATE outbox SET status = 'pending', attempts = 0, claimed_until = 0, next_attempt_at = ?2 \
                     WHERE id = ?1 AND status IN ('failed', 'pending') AND erased_at IS NULL \
                     RETURNING id, channel, recipient AS \"to\", kind, status, attempts, last_error, provider_id, created_at, delivered_at",
                    &args[..2],
                )?,
                stmt(
                    "INSERT INTO audit_log (id, at, actor, action, target, detail) \
                     SELECT ?3, ?2, ?4, 'operator.outbox_retry', ?1, ?5 WHERE EXISTS \
                     (SELECT 1 FROM outbox WHERE id = ?1 AND status = 'pending' AND attempts = 0 AND next_attempt_at = ?2)",
                    &args,
                )?,
            ],
        )
        .await?;
    let row: Option<OperatorRow> = match results.first() {
        Some(r) => <crate::store::D1 as Database>::rows::<OperatorRow>(r)?.into_iter().next(),
        None => None,
    };
    let Some(row) = row else {
        let exists: Option<IdRow> = ctx.store.first("SELECT id FROM outbox WHERE id = ?1", &[s(id)]).await?;
        return Err(Error::new(if exists.is_some() { Code::MessageNotRetryable } else { Code::NotFound }));
    };
    let channel = if row.channel == "sms" { Channel::Sms } else { Channel::Email };
    let drivers = Drivers::from_env(&ctx.worker_env, &Policy::from_env(&ctx.worker_env));
    if drivers.serves(channel) {
        enqueue(&ctx.worker_env, std::slice::from_ref(&row.id), 0).await.map_err(crate::http::internal)?;
    }
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_honours_retry_after_within_bounds() {
        let p = Policy { max_attempts: 5, retry_seconds: 30, timeout_ms: 10_000, lease_seconds: 120 };
        assert_eq!([1, 2, 3, 4].map(|a| p.backoff(a, None)), [30, 60, 120, 240]);
        assert_eq!(p.backoff(20, None), 900);
        assert_eq!(p.backoff(1, Some(120)), 120);
        assert_eq!(p.backoff(1, Some(5)), 30, "never sooner than the base");
        assert_eq!(p.backoff(1, Some(100_000)), 900);
    }
}
