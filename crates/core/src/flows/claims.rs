//! A profile's states, and what proving an address does to them. This is the one place the
//! rule is written; the flows (signup, its confirmation, password reset, invitations, social
//! sign-up) call it.
//!
//! States:
//! - **Claim**: no login of the profile is proven. A password signup not yet confirmed, a
//!   profile an admin added and its owner has not confirmed, a social sign-up whose provider
//!   did not assert the address verified. A claim is not an identity: it never blocks the
//!   address's owner and never becomes theirs.
//! - **Owned**: a login of the profile is proven (its email or its phone is confirmed).
//!
//! Transitions (each names what it ends):
//!
//! | from  | event                                                        | to            | ends |
//! |-------|--------------------------------------------------------------|---------------|------|
//! | -     | password signup, unverified social sign-up, an admin adds    | Claim         | -    |
//! | -     | verified social sign-up, invitation accepted (new profile)   | Owned         | -    |
//! | Claim | another claim on the address (`POST /signup`)                | Claim, as it was; the new claim waits in its code ([`crate::model::SignupClaim`]), `contested` when another password was pending or stored | nothing |
//! | Claim | a contested code confirmed without its password               | Owned, clean, with no password (the session sets one) | as below |
//! | Claim | its address proven by the claim's author (a session of it)   | Owned, adopted | nothing |
//! | Claim | its address proven by anyone else (a signup code, a reset code, an invitation link, a verified social sign-up) | Owned, clean | sessions, refresh tokens, login tickets, codes, second factor, social identities, unproven other login, photo |
//! | Owned | reset with a code to its confirmed login                      | Owned         | sessions, refresh tokens, login tickets |
//! | Owned | a claim on its address (signup, social sign-up, reset via an unconfirmed login) | refused (`email_taken`, or nothing sent) | - |
//!
//! "Anyone else" includes a party we cannot tell from the author: a proof that arrives
//! without a session of the claim. The cards the claim holds stay with the profile (an admin
//! bound them to the address, or the claim created the account); the proven owner can leave
//! them.

use crate::error::{Code, Error, Result};
use crate::model::{Profile, Session};
use crate::store::{Change, Store};
use crate::validate::{Email, Phone};

/// The address a form names: exactly one of email and phone.
pub(crate) enum Address {
    Email(Email),
    Phone(Phone),
}

impl Address {
    pub(crate) fn parse(email: Option<&str>, phone: Option<&str>, region: Option<&str>) -> Result<Address> {
        match (email, phone) {
            (Some(e), None) => Email::parse(e).map(Address::Email),
            (None, Some(p)) => Phone::parse(p, region).map(Address::Phone),
            (Some(_), Some(_)) => Err(Error::field(Code::InvalidRequest, "phone")),
            (None, None) => Err(Error::field(Code::InvalidEmail, "email")),
        }
    }

    /// How a login names it.
    pub(crate) fn key(&self) -> crate::store::LoginKey<'_> {
        match self {
            Address::Email(e) => crate::store::LoginKey::Email(e.as_str()),
            Address::Phone(p) => crate::store::LoginKey::Phone(p.as_str()),
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        match self {
            Address::Email(e) => e.as_str(),
            Address::Phone(p) => p.as_str(),
        }
    }

    pub(crate) async fn owner<S: Store>(&self, store: &S) -> Result<Option<Profile>> {
        match self {
            Address::Email(e) => store.profile_by_email(e.as_str()).await,
            Address::Phone(p) => store.profile_by_phone(p.as_str()).await,
        }
    }

    /// Whether `profile` holds this address confirmed.
    pub(crate) fn confirmed_by(&self, profile: &Profile) -> bool {
        match self {
            Address::Email(e) => profile.email_confirmed && profile.email.as_deref() == Some(e.as_str()),
            Address::Phone(p) => profile.phone_confirmed && profile.phone.as_deref() == Some(p.as_str()),
        }
    }

    pub(crate) fn taken(&self) -> Error {
        match self {
            Address::Email(_) => Error::field(Code::EmailTaken, "email"),
            Address::Phone(_) => Error::field(Code::PhoneTaken, "phone"),
        }
    }
}

/// A profile's state (see the module's table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Claim,
    Owned,
}

pub fn state(profile: &Profile) -> State {
    if profile.is_confirmed() {
        State::Owned
    } else {
        State::Claim
    }
}

/// Who proves an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Prover {
    /// The claim's own author: the proof came with a live session of that very profile.
    Author,
    /// Anyone else, or someone we cannot tell from anyone else.
    Other,
}

impl Prover {
    /// The prover of a proof that came with `caller`'s session (or none) for `profile`.
    pub(crate) fn of(profile: &Profile, caller: Option<&Session>) -> Prover {
        match caller {
            Some(s) if s.profile_id == profile.id => Prover::Author,
            _ => Prover::Other,
        }
    }
}

/// Proves `address` on `profile` (which holds it): the profile as it is afterwards, and the
/// changes to commit before the proof's own (a `PutProfile` of the result, the password, the
/// session). A claim proven by anyone but its author ends ([`Change::EndClaim`]) and what
/// remains is clean: only the proven login, no second factor, no social identity, no photo.
pub(crate) fn prove(profile: &mut Profile, address: &Address, by: Prover) -> Vec<Change> {
    let mut changes = Vec::new();
    if state(profile) == State::Claim && by == Prover::Other {
        changes.push(Change::EndClaim(profile.id.clone()));
        profile.two_factor_enabled = false;
        profile.social.clear();
        profile.photo_url = None;
        profile.password_change_required = false;
        match address {
            Address::Email(_) => profile.phone = None,
            Address::Phone(_) => profile.email = None,
        }
    }
    match address {
        Address::Email(e) => {
            profile.email = Some(e.as_str().to_string());
            profile.email_confirmed = true;
        }
        Address::Phone(p) => {
            profile.phone = Some(p.as_str().to_string());
            profile.phone_confirmed = true;
        }
    }
    changes
}
