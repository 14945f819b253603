//! An in-memory [`Store`] for native tests and benchmarks. Commits are atomic (applied to a
//! copy, swapped in on success) and a commit can be made to fail, to prove that a failed
//! change leaves nothing half-written.

use crate::error::Error;
use crate::model::*;
use crate::store::{Change, Store, StoreResult};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default)]
pub struct Data {
    pub profiles: BTreeMap<String, Profile>,
    pub codes: BTreeMap<(String, Purpose), CodeRecord>,
    pub sessions: BTreeMap<String, Session>,
    pub refresh_tokens: BTreeMap<String, RefreshToken>,
    pub throttles: BTreeMap<String, Throttle>,
    pub outbox: Vec<OutboxMessage>,
    pub audit: Vec<AuditEntry>,
    /// (profile_id, account, membership status), for the profile-side views.
    pub memberships: Vec<(String, AccountView, String)>,
    /// (profile_id, first, last, contact_email, phone, photo) of cards, per account.
    pub cards: Vec<CardRow>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CardRow {
    pub account_id: String,
    pub profile_id: String,
    pub first_name: String,
    pub last_name: String,
    pub contact_email: Option<String>,
    pub phone: Option<String>,
    pub photo_url: Option<String>,
}

#[derive(Debug, Default)]
pub struct MemoryStore {
    data: RefCell<Data>,
    fail_next_commit: Cell<bool>,
    commits: Cell<u32>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// A snapshot of everything stored.
    pub fn data(&self) -> Data {
        self.data.borrow().clone()
    }

    /// Makes the next commit fail (as a D1 batch can), writing nothing.
    pub fn fail_next_commit(&self) {
        self.fail_next_commit.set(true);
    }

    pub fn commits(&self) -> u32 {
        self.commits.get()
    }

    /// Links a profile to an account (accounts are managed elsewhere; this is for tests).
    pub fn link_account(&self, profile_id: &str, account: AccountView, status: &str) {
        let mut d = self.data.borrow_mut();
        d.cards.push(CardRow {
            account_id: account.id.clone(),
            profile_id: profile_id.to_string(),
            ..CardRow::default()
        });
        d.memberships
            .push((profile_id.to_string(), account, status.to_string()));
    }

    /// Messages sent to `to`, newest first.
    pub fn outbox_to(&self, to: &str) -> Vec<OutboxMessage> {
        let mut v: Vec<_> = self
            .data
            .borrow()
            .outbox
            .iter()
            .filter(|m| m.to == to)
            .cloned()
            .collect();
        v.reverse();
        v
    }
}

fn apply(d: &mut Data, change: Change) -> Result<(), Error> {
    match change {
        Change::PutProfile(p) => {
            for other in d.profiles.values() {
                if other.id != p.id
                    && ((p.email.is_some() && other.email == p.email)
                        || (p.phone.is_some() && other.phone == p.phone))
                {
                    return Err(Error::internal(
                        "unique constraint failed: profiles.email/phone",
                    ));
                }
            }
            d.profiles.insert(p.id.clone(), p);
        }
        Change::DeleteProfile(id) => {
            d.profiles.remove(&id);
            d.codes.retain(|(pid, _), _| pid != &id);
            d.sessions.retain(|_, s| s.profile_id != id);
            d.refresh_tokens.retain(|_, t| t.profile_id != id);
        }
        Change::PutCode(c) => {
            d.codes.insert((c.profile_id.clone(), c.purpose), c);
        }
        Change::DeleteCode {
            profile_id,
            purpose,
        } => {
            d.codes.remove(&(profile_id, purpose));
        }
        Change::PutSession(s) => {
            d.sessions.insert(s.token_hash.clone(), s);
        }
        Change::DeleteSession(h) => {
            d.sessions.remove(&h);
        }
        Change::DeleteSessionsOf { profile_id, except } => {
            d.sessions
                .retain(|h, s| s.profile_id != profile_id || except.as_deref() == Some(h.as_str()));
        }
        Change::PutRefreshToken(t) => {
            d.refresh_tokens.insert(t.token_hash.clone(), t);
        }
        Change::RevokeFamily(f) => {
            d.refresh_tokens.retain(|_, t| t.family_id != f);
            d.sessions
                .retain(|_, s| s.family_id.as_deref() != Some(f.as_str()));
        }
        Change::DeleteRefreshTokensOf {
            profile_id,
            except_family,
        } => {
            d.refresh_tokens.retain(|_, t| {
                t.profile_id != profile_id || except_family.as_deref() == Some(t.family_id.as_str())
            });
        }
        Change::PutThrottle(t) => {
            d.throttles.insert(t.key.clone(), t);
        }
        Change::DeleteThrottle(k) => {
            d.throttles.remove(&k);
        }
        Change::Outbox(m) => d.outbox.push(m),
        Change::Audit(a) => d.audit.push(a),
        Change::UpdateCards {
            profile_id,
            first_name,
            last_name,
            contact_email,
            phone,
            photo_url,
        } => {
            for c in d.cards.iter_mut().filter(|c| c.profile_id == profile_id) {
                if let Some(v) = &first_name {
                    c.first_name = v.clone();
                }
                if let Some(v) = &last_name {
                    c.last_name = v.clone();
                }
                if let Some(v) = &contact_email {
                    c.contact_email = Some(v.clone());
                }
                if let Some(v) = &phone {
                    c.phone = Some(v.clone());
                }
                if let Some(v) = &photo_url {
                    c.photo_url = Some(v.clone());
                }
            }
        }
    }
    Ok(())
}

impl Store for MemoryStore {
    async fn profile(&self, id: &str) -> StoreResult<Option<Profile>> {
        Ok(self.data.borrow().profiles.get(id).cloned())
    }

    async fn profile_by_email(&self, email: &str) -> StoreResult<Option<Profile>> {
        Ok(self
            .data
            .borrow()
            .profiles
            .values()
            .find(|p| p.email.as_deref() == Some(email))
            .cloned())
    }

    async fn profile_by_phone(&self, phone: &str) -> StoreResult<Option<Profile>> {
        Ok(self
            .data
            .borrow()
            .profiles
            .values()
            .find(|p| p.phone.as_deref() == Some(phone))
            .cloned())
    }

    async fn code(&self, profile_id: &str, purpose: Purpose) -> StoreResult<Option<CodeRecord>> {
        Ok(self
            .data
            .borrow()
            .codes
            .get(&(profile_id.to_string(), purpose))
            .cloned())
    }

    async fn session(&self, token_hash: &str) -> StoreResult<Option<Session>> {
        Ok(self.data.borrow().sessions.get(token_hash).cloned())
    }

    async fn refresh_token(&self, token_hash: &str) -> StoreResult<Option<RefreshToken>> {
        Ok(self.data.borrow().refresh_tokens.get(token_hash).cloned())
    }

    async fn throttle(&self, key: &str) -> StoreResult<Option<Throttle>> {
        Ok(self.data.borrow().throttles.get(key).cloned())
    }

    async fn accounts_of(&self, profile_id: &str) -> StoreResult<Vec<AccountView>> {
        Ok(self
            .data
            .borrow()
            .memberships
            .iter()
            .filter(|(p, _, s)| p == profile_id && s == "active")
            .map(|(_, a, _)| a.clone())
            .collect())
    }

    async fn linked_account_count(&self, profile_id: &str) -> StoreResult<u32> {
        Ok(self
            .data
            .borrow()
            .memberships
            .iter()
            .filter(|(p, _, s)| p == profile_id && s != "dismissed")
            .count() as u32)
    }

    async fn commit(&self, changes: Vec<Change>) -> StoreResult<()> {
        if self.fail_next_commit.replace(false) {
            return Err(Error::internal("injected commit failure"));
        }
        let mut copy = self.data.borrow().clone();
        for c in changes {
            apply(&mut copy, c)?;
        }
        *self.data.borrow_mut() = copy;
        self.commits.set(self.commits.get() + 1);
        Ok(())
    }
}
