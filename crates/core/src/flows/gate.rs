//! The one gate to a session. Every way in (a password login, its second step, a signup
//! confirmation, an invitation's acceptance, a social login or sign-up, a desktop refresh, and
//! whatever comes later) ends in [`admit`], which applies every rule a login applies:
//!
//! - the profile is live: it exists, and it has a confirmed login or a social identity that
//!   just logged in (a claim's own author may use it; nobody else can reach it);
//! - the second factor, when the profile has it on, unless the proof already included it (the
//!   second step) or the session continues one that passed this gate (a refresh): otherwise
//!   the answer is a single-use ticket for `POST /login/second-factor`, never a session;
//! - `password_change_required` travels onto the session, which then may only change it;
//! - the workspace's two-step policy: the session enters the workspace only when its rule
//!   admits the profile (`AccountView::admits`), else it is made outside it.
//!
//! A session exists in storage only as `Change::PutSession(Admitted<Session>)`, and an
//! [`Admitted`] value can be built in this module only: no other code can hand one out.

use super::Env;
use crate::error::{Code, Error, Result};
use crate::mail::MailKind;
use crate::model::{AccountView, ClientKind, LoginTicket, Profile, RefreshToken, Session};
use crate::store::{Change, Store};
use crate::tokens::{new_token, token_hash};
use std::ops::Deref;

/// A session handed to a client: the bearer token (and for desktop clients, a refresh token).
#[derive(Debug, Clone)]
pub struct Grant {
    pub token: String,
    pub session: Session,
    pub refresh_token: Option<String>,
    pub profile: Profile,
    /// The profile's active accounts, read before the session's commit (a login reads them
    /// with the profile), so the answer needs no read after it.
    pub accounts: Vec<AccountView>,
    /// The remembered-browser cookie's new value, when this sign-in remembered the browser
    /// (`flows::browsers::remember`).
    pub remembered: Option<String>,
}

impl Grant {
    /// When the session ends if unused: the idle deadline or the absolute cap.
    pub fn expires_at(&self, idle_timeout: i64) -> i64 {
        (self.session.last_seen_at + idle_timeout).min(self.session.absolute_expires_at)
    }
}

/// A record the gate admitted (a session, or its refresh token). Only this module can make
/// one; storage reads it through `Deref`. Outside it, a session cannot be made:
///
/// ```compile_fail
/// # fn session() -> netid_core::model::Session { unimplemented!() }
/// let forged = netid_core::store::Admitted(session()); // the field is private to the gate
/// let _ = netid_core::store::Change::PutSession(forged);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admitted<T>(T);

impl<T> Deref for Admitted<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// What proved the person at the door.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Proof {
    /// The password alone: the second factor comes next when it is on.
    Password,
    /// The password and a second factor verified in this request (its spending changes are
    /// among the commit's).
    PasswordAndFactor,
    /// A social identity (the ticket's first step) and a second factor verified in this request.
    SocialAndFactor,
    /// The address (a signup code, an invitation link that reached it): the second factor
    /// comes next when it is on.
    Address,
    /// A linked social identity: the second factor comes next when it is on.
    Social,
    /// A passkey with the user verified: possession and inherence (or a PIN), two factors.
    Passkey,
    /// The password, then a passkey as the second step, in this request.
    PasswordAndPasskey,
    /// A social identity (the ticket's first step), then a passkey as the second step.
    SocialAndPasskey,
    /// The password on a browser remembered after a second step (`flows::browsers`): its
    /// guard and use are among the commit's. No second factor was shown (`amr` says `pwd`).
    PasswordAndBrowser,
    /// A linked social identity on a remembered browser (`amr` says `fed`).
    SocialAndBrowser,
    /// A desktop refresh token of a family the gate admitted at its login: the family goes on.
    Refresh { family_id: String, family_expires_at: i64 },
}

impl Proof {
    /// The session's `amr` (RFC 8176). An address proof (a signup code, an invitation link)
    /// comes with the password the person just chose; a desktop refresh continues a login
    /// that passed the gate, with the second factor when the profile has it on.
    fn amr(&self, second_factor: bool) -> &'static str {
        match (self, second_factor) {
            (Proof::Social, true) => "fed otp",
            (Proof::Social, false) | (Proof::SocialAndBrowser, _) => "fed",
            (Proof::SocialAndFactor, _) => "fed otp",
            (Proof::Passkey, _) => "hwk user",
            (Proof::PasswordAndPasskey, _) => "pwd hwk",
            (Proof::SocialAndPasskey, _) => "fed hwk",
            (Proof::PasswordAndFactor, _) | (Proof::Refresh { .. }, true) => "pwd otp",
            _ => "pwd",
        }
    }

    /// Whether the proof stands for the second step (a remembered browser does, without
    /// showing a factor).
    pub(crate) fn includes_second_factor(&self) -> bool {
        matches!(
            self,
            Proof::PasswordAndFactor
                | Proof::SocialAndFactor
                | Proof::Passkey
                | Proof::PasswordAndPasskey
                | Proof::SocialAndPasskey
                | Proof::PasswordAndBrowser
                | Proof::SocialAndBrowser
                | Proof::Refresh { .. }
        )
    }
}

/// Where the session goes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Entry {
    pub account_id: Option<String>,
    pub client: ClientKind,
    /// The profile's active accounts as they will be after the commit, when the flow read
    /// them already (else the gate reads them before committing).
    pub accounts: Option<Vec<AccountView>>,
    /// The login the ticket of a second step counts on (the profile's own login by default).
    pub login: Option<String>,
}

/// Whether a profile may have a session at all (see the module's rules).
pub(crate) fn live(profile: &Profile) -> bool {
    // A claim with a social identity is its author's (the identity logged in, or its second
    // step did); a password alone never reaches an unconfirmed login (`login` stops it).
    profile.is_confirmed() || !profile.social.is_empty()
}

/// Admits `profile` through the gate: commits `changes` with a new session (and for a desktop
/// client its refresh token), or, when the second factor is on and `proof` does not include
/// it, commits `changes` with a login ticket and fails with `second_factor_required` (the
/// error carries the ticket).
pub(crate) async fn admit<S: Store>(
    env: &mut Env<'_, S>,
    profile: Profile,
    proof: Proof,
    entry: Entry,
    mut changes: Vec<Change>,
) -> Result<Grant> {
    if !live(&profile) {
        return Err(Error::new(Code::Unauthenticated));
    }
    if profile.two_factor_enabled && !proof.includes_second_factor() {
        let by_social = proof == Proof::Social;
        return Err(challenge(env, &profile, &entry, by_social, changes).await);
    }
    let token = new_token(env.rng);
    let now = env.now;
    // A family keeps the absolute end of its first login: rotation never extends it.
    let family = match (entry.client, &proof) {
        (ClientKind::Desktop, Proof::Refresh { family_id, family_expires_at }) => {
            Some((family_id.clone(), *family_expires_at))
        }
        (ClientKind::Desktop, _) => Some((env.id("fam"), now + env.config.refresh_family_ttl)),
        (ClientKind::Browser, _) => None,
    };
    // What the answer shows is read before the commit: once it landed, nothing may fail.
    let accounts = match entry.accounts {
        Some(a) => a,
        None => env.store.accounts_of(&profile.id).await?,
    };
    // The workspace's two-step policy: a session is never inside a workspace whose rule the
    // person does not meet (a refresh after the rule was switched on, an acceptance): it is
    // made outside it, and entering answers `two_factor_required`.
    let account_id = entry
        .account_id
        .filter(|id| accounts.iter().find(|a| a.id == *id).is_none_or(|a| a.admits(profile.two_factor_enabled)));
    let session = Session {
        id: env.id("ses"),
        user_agent: env.user_agent.clone(),
        ip: env.ip.clone(),
        location: env.location.clone(),
        token_hash: token_hash(&token),
        profile_id: profile.id.clone(),
        account_id,
        client: entry.client,
        created_at: now,
        last_seen_at: now,
        absolute_expires_at: now + env.config.absolute_timeout,
        family_id: family.as_ref().map(|(f, _)| f.clone()),
        password_change_required: profile.password_change_required,
        amr: proof.amr(profile.two_factor_enabled).to_string(),
    };
    changes.push(Change::PutSession(Admitted(session.clone())));
    let mut refresh_token = None;
    if let Some((family_id, family_expires_at)) = family {
        let rt = new_token(env.rng);
        changes.push(Change::PutRefreshToken(Admitted(RefreshToken {
            token_hash: token_hash(&rt),
            family_id,
            profile_id: profile.id.clone(),
            session_hash: session.token_hash.clone(),
            used: false,
            created_at: now,
            expires_at: (now + env.config.refresh_ttl).min(family_expires_at),
            family_expires_at,
        })));
        refresh_token = Some(rt);
    }
    // Where the person signs in from is recorded at every admission but a refresh (the same
    // login going on); a login from a device or a country new to a profile that signed in
    // before is told (decided in the commit). An address proof (a signup's or an acceptance's
    // first session) records silently.
    if !matches!(proof, Proof::Refresh { .. }) && (env.device.is_some() || env.country.is_some()) {
        let notice = if proof == Proof::Address { None } else { new_sign_in_notice(env, &profile) };
        changes.push(Change::SignInPlace {
            profile_id: profile.id.clone(),
            device: env.device.clone(),
            country: env.country.clone(),
            at: now,
            notice,
        });
    }
    env.commit(changes).await?;
    Ok(Grant { token, session, refresh_token, profile, accounts, remembered: None })
}

/// The new-place notice of a sign-in now: the time (UTC), the place (Cloudflare's city and
/// country, else the address), the device (from its User-Agent) and the sessions list.
fn new_sign_in_notice<S: Store>(env: &mut Env<'_, S>, profile: &Profile) -> Option<crate::model::OutboxMessage> {
    let to = super::me::notice_address(profile)?;
    let stamp = crate::time::rfc3339(env.now);
    let time = format!("{} UTC", stamp.get(..16).unwrap_or(&stamp).replace('T', " "));
    let place = env.location.clone().or_else(|| env.ip.clone()).unwrap_or_else(|| "?".into());
    let device = crate::useragent::label(env.user_agent.as_deref().unwrap_or(""));
    let link = format!("{}/#/security", env.origin.as_deref().unwrap_or(""));
    let vars =
        [("time", time.as_str()), ("place", place.as_str()), ("device", device.as_str()), ("link", link.as_str())];
    match env.outbox(MailKind::NewSignIn, profile.lang, &to, &vars, None) {
        Change::Outbox(m) => Some(m),
        _ => None,
    }
}

/// The second step instead of a session: a single-use ticket (stored hashed) that
/// `POST /login/second-factor` finishes, committed with `changes`.
async fn challenge<S: Store>(
    env: &mut Env<'_, S>,
    profile: &Profile,
    entry: &Entry,
    by_social: bool,
    mut changes: Vec<Change>,
) -> Error {
    let ticket = new_token(env.rng);
    let expires_at = env.now + env.config.ticket_ttl;
    changes.push(Change::PutTicket(LoginTicket {
        ticket_hash: token_hash(&ticket),
        profile_id: profile.id.clone(),
        login: entry.login.clone().unwrap_or_else(|| profile.login().to_string()),
        client: entry.client,
        account_id: entry.account_id.clone(),
        attempts: 0,
        expires_at,
        created_at: env.now,
        by_social,
    }));
    // Whether a passkey can be the second step (the methods the answer lists).
    let passkey = match env.store.passkeys_of(&profile.id).await {
        Ok(p) => !p.is_empty(),
        Err(e) => return e,
    };
    match env.commit(changes).await {
        Ok(()) => Error::second_factor(ticket, expires_at, passkey),
        Err(e) => e,
    }
}
