//! The use cases, written against [`Store`]. Each reads what it needs, decides, and commits
//! one list of changes. No I/O, clock or randomness of their own: [`Env`] brings them.

pub mod accounts;
pub mod apps;
pub mod browsers;
pub mod cards;
pub mod claims;
pub mod cleanup;
mod codes;
pub mod gate;
pub mod invitations;
mod login;
mod me;
pub mod operators;
pub mod passkeys;
mod password;
pub mod people;
mod profile;
pub mod provider;
pub mod sessions;
mod signup;
pub mod social;
pub mod structure;
mod throttle;
pub mod two_factor;

pub use login::{login, LoginInput};
pub use me::{me, me_by_id, me_of, Me};
pub use password::{forgot_password, reset_password, ResetInput};
pub use profile::{
    change_password, confirm_email_change, confirm_phone_change, delete_profile, remove_photo, request_email_change,
    request_phone_change, set_photo, update_names, NamesInput,
};
pub use sessions::{authenticate, authenticate_with_me, live, logout, refresh, Grant};
pub use signup::{confirm_signup, resend_signup_code, signup, signup_errors, ConfirmInput, SignupInput, SignupOutcome};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::lang::Lang;
use crate::mail::{self, MailKind};
use crate::model::{AuditEntry, OutboxMessage};
use crate::store::{Change, Guard, Store};
use crate::tokens::{new_id, Entropy};

/// What every flow runs with: storage, the rules, the time, randomness, the person's language.
pub struct Env<'a, S: Store> {
    pub store: &'a S,
    pub config: &'a Config,
    /// Unix seconds, from the service clock (the dev clock in development).
    pub now: i64,
    pub rng: &'a mut dyn Entropy,
    pub lang: Lang,
    /// The client's address, for per-IP throttling and the sessions list.
    pub ip: Option<String>,
    /// The client's User-Agent and coarse location, for the sessions list.
    pub user_agent: Option<String>,
    pub location: Option<String>,
    /// When the caller's session was created (a sensitive change from a profile without a
    /// password needs a session younger than [`REAUTH_WINDOW`]).
    pub session_started: Option<i64>,
    /// The token hash of the caller's session, for a request that has one: every commit the
    /// request makes then requires that session still alive (`Guard::SessionAlive`, decided in
    /// the commit), so a request in flight when its session ended (a logout, a reset, a claim's
    /// end) writes nothing.
    pub session_hash: Option<String>,
    /// Where a sign-in comes from, for its notice: the SHA-256 of the browser's device cookie
    /// (the Worker makes one for a browser that sent none) and Cloudflare's country code.
    pub device: Option<String>,
    pub country: Option<String>,
    /// The origin links in messages point to (the one the request came to).
    pub origin: Option<String>,
    /// The tokens of the browser's remembered-browser cookie (`flows::browsers`), as sent.
    pub remembered: Vec<String>,
}

/// How young a session must be to stand in for the password of a profile without one.
pub const REAUTH_WINDOW: i64 = 600;

impl<S: Store> Env<'_, S> {
    pub(crate) fn id(&mut self, prefix: &str) -> String {
        new_id(prefix, self.rng)
    }

    /// Commits `changes`, with the send limits of the messages among them counted in the
    /// same transaction (`Change::CountSend`).
    pub(crate) async fn commit(&self, mut changes: Vec<Change>) -> Result<()> {
        let counts = self.send_counts(&changes);
        changes.extend(counts);
        if let Some(h) = &self.session_hash {
            changes.insert(0, Change::Guard(Guard::SessionAlive { token_hash: h.clone() }));
        }
        self.store.commit(changes).await
    }

    /// A request that failed after a right password: its counted attempt is given back
    /// (`refunds`, what `reauthenticate` answered) before the error is answered. On success
    /// the refunds ride in the request's own commit instead.
    pub(crate) async fn settle<T>(&self, refunds: Vec<Change>, outcome: Result<T>) -> Result<T> {
        if outcome.is_err() && !refunds.is_empty() {
            // Unguarded by the session: the attempt was counted whatever happens to it.
            self.store.commit(refunds).await?;
        }
        outcome
    }

    /// The counters each requested message (`MailKind::is_requested`) adds to: its address's
    /// day, and its account's day on its channel.
    fn send_counts(&self, changes: &[Change]) -> Vec<Change> {
        const DAY: i64 = 24 * 3600;
        let c = &self.config;
        let mut out = Vec::new();
        for m in changes.iter().filter_map(|c| match c {
            Change::Outbox(m) => Some(m),
            _ => None,
        }) {
            if !MailKind::from_name(&m.kind).is_some_and(MailKind::is_requested) {
                continue;
            }
            let now = self.now;
            out.push(Change::CountSend {
                key: format!("to:{}", m.to),
                limit: c.send_daily_per_address,
                window: DAY,
                now,
            });
            if let Some(account) = &m.account_id {
                let limit = match m.channel {
                    crate::model::Channel::Email => c.send_daily_per_account_email,
                    crate::model::Channel::Sms => c.send_daily_per_account_sms,
                    // Not a requested message: never counted (`is_requested` filtered it).
                    crate::model::Channel::Backchannel => continue,
                };
                let key = format!("account:{account}:{}", m.channel.as_str());
                out.push(Change::CountSend { key, limit, window: DAY, now });
            }
        }
        out
    }

    pub(crate) fn audit(&mut self, actor: Option<&str>, action: &str, target: &str, detail: &str) -> Change {
        Change::Audit(AuditEntry {
            id: self.id("aud"),
            account_id: None,
            at: self.now,
            actor: actor.map(str::to_string),
            action: action.to_string(),
            target: target.to_string(),
            detail: detail.to_string(),
        })
    }

    /// An audit row an account's admins read.
    pub(crate) fn account_audit(
        &mut self,
        account_id: &str,
        actor: Option<&str>,
        action: &str,
        target: &str,
        detail: &str,
    ) -> Change {
        let mut c = self.audit(actor, action, target, detail);
        if let Change::Audit(a) = &mut c {
            a.account_id = Some(account_id.to_string());
        }
        c
    }

    /// A message with no placeholder but the code.
    pub(crate) fn message(&mut self, kind: MailKind, lang: Lang, to: &str, code: Option<&str>) -> Change {
        let vars: Vec<(&str, &str)> = code.map(|c| ("code", c)).into_iter().collect();
        self.outbox(kind, lang, to, &vars, None)
    }

    /// A message to `to`, composed in core (`mail::compose`) with `vars` filled in. The
    /// `code`, `link` and `token` among `vars` are also kept on the row (the development
    /// outbox shows them; they are erased once delivered or expired).
    pub(crate) fn outbox(
        &mut self,
        kind: MailKind,
        lang: Lang,
        to: &str,
        vars: &[(&str, &str)],
        account_id: Option<&str>,
    ) -> Change {
        let channel = mail::channel_for(to);
        let m = mail::compose(kind, lang, channel, vars);
        let get = |name: &str| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_string());
        Change::Outbox(OutboxMessage {
            id: self.id("msg"),
            channel,
            to: to.to_string(),
            kind: kind.as_str().to_string(),
            lang,
            subject: m.subject,
            body: m.text,
            html: m.html,
            code: get("code"),
            link: get("link"),
            token: get("token"),
            account_id: account_id.map(str::to_string),
            created_at: self.now,
        })
    }
}

/// How a new profile's login stands when someone other than a signup creates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Provenance {
    /// The login was proven by the way it arrived (an invitation link that reached it).
    Proven,
    /// An admin typed the login and chose the password: the owner must still confirm the
    /// address and change the password at the first login.
    AdminCreated,
}

/// A new profile made outside signup (accepting an invitation, an admin adding a user).
pub(crate) fn new_profile<S: Store>(
    env: &mut Env<'_, S>,
    email: Option<String>,
    phone: Option<String>,
    first: &crate::validate::Name,
    last: &crate::validate::Name,
    password: &crate::validate::Password,
    provenance: Provenance,
) -> crate::model::Profile {
    let now = env.now;
    let proven = provenance == Provenance::Proven;
    crate::model::Profile {
        id: new_id("prf", env.rng),
        email_confirmed: proven && email.is_some(),
        phone_confirmed: proven && phone.is_some(),
        email,
        phone,
        password_hash: crate::hashing::hash_password(
            password.as_str(),
            env.config.hash,
            env.config.pepper.as_deref(),
            env.rng,
        ),
        first_name: first.as_str().to_string(),
        last_name: last.as_str().to_string(),
        photo_url: None,
        lang: env.lang,
        two_factor_enabled: false,
        password_change_required: !proven,
        created_at: now,
        updated_at: now,
        social: Vec::new(),
    }
}

pub(crate) fn not_found() -> Error {
    Error::new(crate::error::Code::NotFound)
}
