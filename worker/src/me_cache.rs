//! A per-isolate micro-cache of `GET /me`: the session and `Me` of a token, kept for
//! [`TTL_MS`] so that a person's repeated reads cost no storage round trip.
//!
//! What keeps it honest:
//! - Every rule of a session still runs on a hit (`flows::live`): idle and absolute deadlines
//!   against the request's clock, and the once-a-minute touch, an update-only write that
//!   refuses a session whose row is gone.
//! - Every commit in this isolate drops what it may change ([`invalidate`]): the entries of
//!   each profile or session it names, and everything for changes it cannot attribute
//!   (accounts renamed or deleted, refresh families revoked, anything new).
//! - Other isolates learn of a write only from D1: an entry there lives at most `TTL_MS`, so
//!   a session revoked elsewhere is refused by `GET /me` within that time (every other route
//!   reads D1 on every request), and a write made through another isolate shows within it.

use netid_core::flows::Me;
use netid_core::model::Session;
use netid_core::store::Change;
use std::cell::RefCell;
use std::collections::HashMap;

/// How long an entry serves, in milliseconds of real time.
pub const TTL_MS: f64 = 1_000.0;
/// At most this many entries per isolate (an isolate's memory is 128 MB).
const MAX_ENTRIES: usize = 4_096;

#[derive(Clone)]
pub struct Entry {
    pub session: Session,
    pub me: Me,
    fetched_at: f64,
}

thread_local! {
    static ENTRIES: RefCell<HashMap<String, Entry>> = RefCell::new(HashMap::new());
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The fresh entry of a token hash, if any.
pub fn get(token_hash: &str) -> Option<Entry> {
    let now = now_ms();
    ENTRIES.with(|m| {
        let mut m = m.borrow_mut();
        match m.get(token_hash) {
            Some(e) if now - e.fetched_at < TTL_MS && now >= e.fetched_at => Some(e.clone()),
            Some(_) => {
                m.remove(token_hash);
                None
            }
            None => None,
        }
    })
}

/// Keeps what a request read (`fetched_at` is when the read began, so a write committed
/// during the read can only shorten the entry's life, never extend a stale one).
pub fn put(session: Session, me: Me, fetched_at: f64) {
    let now = now_ms();
    ENTRIES.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= MAX_ENTRIES {
            m.retain(|_, e| now - e.fetched_at < TTL_MS);
            if m.len() >= MAX_ENTRIES {
                m.clear();
            }
        }
        m.insert(session.token_hash.clone(), Entry { session, me, fetched_at });
    });
}

/// Records the touch a hit made (the session's new `last_seen_at`).
pub fn touched(token_hash: &str, last_seen_at: i64) {
    ENTRIES.with(|m| {
        if let Some(e) = m.borrow_mut().get_mut(token_hash) {
            e.session.last_seen_at = last_seen_at;
        }
    });
}

pub fn forget(token_hash: &str) {
    ENTRIES.with(|m| {
        m.borrow_mut().remove(token_hash);
    });
}

/// What a start of a read must be compared with: the time now.
pub fn clock() -> f64 {
    now_ms()
}

enum Scope<'a> {
    Nothing,
    Profile(&'a str),
    Session(&'a str),
    Everything,
}

/// Drops the entries a commit may have changed. Called before the commit is sent, so a read
/// racing it in this isolate cannot put back what it replaces (a read that began before is
/// older than the drop and is refused by `fetched_at` below).
pub fn invalidate(changes: &[Change]) {
    let mut profiles = Vec::new();
    let mut sessions = Vec::new();
    let mut everything = false;
    for c in changes {
        match scope(c) {
            Scope::Nothing => {}
            Scope::Profile(p) => profiles.push(p.to_string()),
            Scope::Session(s) => sessions.push(s.to_string()),
            Scope::Everything => everything = true,
        }
    }
    if !everything && profiles.is_empty() && sessions.is_empty() {
        return;
    }
    let stamp = now_ms();
    ENTRIES.with(|m| {
        let mut m = m.borrow_mut();
        if everything {
            m.clear();
        } else {
            m.retain(|hash, e| !sessions.contains(hash) && !profiles.contains(&e.session.profile_id));
        }
    });
    LAST_INVALIDATION.with(|l| l.set(stamp));
}

thread_local! {
    /// When entries were last dropped: a read that began before it may carry what was
    /// dropped, and is not kept.
    static LAST_INVALIDATION: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) };
}

/// Whether a read that began at `fetched_at` may be kept.
pub fn may_keep(fetched_at: f64) -> bool {
    LAST_INVALIDATION.with(|l| fetched_at > l.get())
}

fn scope(c: &Change) -> Scope<'_> {
    match c {
        // Writes that change nothing `Me` or a session shows.
        Change::PutCode(_)
        | Change::CodeFailed { .. }
        | Change::DeleteCode { .. }
        | Change::PutSession(_)
        | Change::PutRefreshToken(_)
        | Change::SpendRefreshToken(_)
        | Change::DeleteRefreshTokensOf { .. }
        | Change::DeleteThrottle(_)
        | Change::Refund(_)
        | Change::Outbox(_)
        | Change::Audit(_)
        | Change::PutAccount(_)
        | Change::MarkWarned { .. }
        | Change::PutDepartment(_)
        | Change::PutGroup(_)
        | Change::DeleteDepartment { .. }
        | Change::DeleteGroup { .. }
        | Change::CountSend { .. }
        | Change::PutInvitation(_)
        | Change::RecordActivity { .. }
        | Change::PutTwoFactor(_)
        | Change::UseTotpStep { .. }
        | Change::ReplaceRecoveryCodes { .. }
        | Change::UseRecoveryCode { .. }
        | Change::PutTicket(_)
        | Change::DeleteTicket(_)
        | Change::DeleteTicketsOf(_)
        | Change::PutSocialState(_)
        | Change::PutApp(_)
        | Change::SetAppSecret { .. }
        | Change::SetAppDisabled { .. }
        | Change::DeleteApp { .. }
        | Change::PutSigningKey { .. }
        | Change::RetireSigningKeys { .. }
        | Change::PutAuthCode(_)
        | Change::UseAuthCode { .. }
        | Change::PutOauthToken(_)
        | Change::UseOauthToken { .. }
        | Change::RevokeOauthFamily { .. }
        | Change::EndAppSessions { .. }
        | Change::PutPasskeyUser { .. }
        | Change::SignInPlace { .. }
        | Change::PutCeremony(_)
        | Change::UsePasskey { .. }
        | Change::PutRememberedBrowser(_)
        | Change::UseRememberedBrowser { .. }
        | Change::ForgetBrowser { .. }
        | Change::ForgetBrowsers(_)
        | Change::Guard(_) => Scope::Nothing,
        // One person's profile, sessions or cards.
        Change::PutProfile(p) => Scope::Profile(&p.id),
        Change::SetPassword { profile_id, .. }
        | Change::LinkSocial { profile_id, .. }
        | Change::UnlinkSocial { profile_id, .. }
        | Change::DeleteSessionsOf { profile_id, .. }
        | Change::UpdateCards { profile_id, .. }
        | Change::ClearCardPhotos { profile_id, .. }
        | Change::EnableTwoFactor { profile_id, .. }
        | Change::DeleteSessionById { profile_id, .. }
        | Change::RenamePasskey { profile_id, .. }
        | Change::DeletePasskey { profile_id, .. } => Scope::Profile(profile_id),
        Change::PutPasskey(p) => Scope::Profile(&p.profile_id),
        Change::DeleteProfile(id)
        | Change::EndClaim(id)
        | Change::ClearPasswordChangeRequired(id)
        | Change::DeleteTwoFactor(id) => Scope::Profile(id),
        Change::PutMembership(m) => match &m.profile_id {
            Some(p) => Scope::Profile(p),
            None => Scope::Nothing,
        },
        Change::DeleteSession(hash) => Scope::Session(hash),
        Change::SetSessionAccount { token_hash, .. } => Scope::Session(token_hash),
        // Accounts seen by many people, a family's sessions, expiry sweeps: everything goes.
        Change::RenameAccount { .. }
        | Change::SetPlan { .. }
        | Change::GrantRenames { .. }
        | Change::DeleteAccount(_)
        | Change::DeleteAccounts { .. }
        | Change::DeleteMembership(_)
        | Change::RevokeFamily(_)
        | Change::SetTwoFactorPolicy { .. }
        | Change::PurgeExpired { .. } => Scope::Everything,
    }
}
