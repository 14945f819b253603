//! An in-memory [`Store`] for native tests and benchmarks. Commits are atomic (applied to a
//! copy, swapped in on success) and a commit can be made to fail, to prove that a failed
//! change leaves nothing half-written.

use crate::config::ThrottlePolicy;
use crate::error::Error;
use crate::model::*;
use crate::store::{Change, Store, StoreResult};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

mod apply;
use apply::apply;

#[derive(Debug, Clone, Default)]
pub struct Data {
    pub profiles: BTreeMap<String, Profile>,
    pub codes: BTreeMap<(String, Purpose), CodeRecord>,
    pub sessions: BTreeMap<String, Session>,
    pub refresh_tokens: BTreeMap<String, RefreshToken>,
    pub throttles: BTreeMap<String, Throttle>,
    pub outbox: Vec<OutboxMessage>,
    /// Send-limit counters: key -> (count, window start).
    pub send_counters: BTreeMap<String, (u32, i64)>,
    pub audit: Vec<AuditEntry>,
    pub accounts: BTreeMap<String, Account>,
    pub memberships: BTreeMap<String, Membership>,
    pub departments: BTreeMap<String, Department>,
    pub groups: BTreeMap<String, Group>,
    pub invitations: BTreeMap<String, Invitation>,
    pub two_factor: BTreeMap<String, TwoFactor>,
    /// (profile id, code hash) -> created at.
    pub recovery_codes: BTreeMap<(String, String), i64>,
    pub tickets: BTreeMap<String, LoginTicket>,
    /// Social sign-ins in progress, by state hash.
    pub social_states: BTreeMap<String, SocialState>,
}

impl Data {
    /// The cards of a profile.
    pub fn cards_of(&self, profile_id: &str) -> Vec<&Membership> {
        self.memberships.values().filter(|m| m.profile_id.as_deref() == Some(profile_id)).collect()
    }
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

    /// Writes so far: commits and session touches.
    pub fn commits(&self) -> u32 {
        self.commits.get()
    }

    /// Puts a profile into a new account with a card of `status` (for tests).
    pub fn link_account(&self, profile_id: &str, account: AccountView, status: &str) {
        let mut d = self.data.borrow_mut();
        d.accounts.insert(
            account.id.clone(),
            Account {
                id: account.id.clone(),
                name: account.name.clone(),
                address: account.address.clone(),
                plan: Plan::parse(&account.plan).unwrap_or_default(),
                renames_left: account.renames_left,
                created_by: profile_id.to_string(),
                created_at: 0,
                last_activity_at: 0,
                warned_at: None,
            },
        );
        let id = format!("mem_{}_{}", account.id, d.memberships.len());
        d.memberships.insert(
            id.clone(),
            Membership {
                id,
                account_id: account.id.clone(),
                profile_id: Some(profile_id.to_string()),
                role: Role::parse(&account.role).unwrap_or_default(),
                status: MemberStatus::parse(status).unwrap_or_default(),
                ..Membership::default()
            },
        );
    }

    /// Messages sent to `to`, newest first.
    pub fn outbox_to(&self, to: &str) -> Vec<OutboxMessage> {
        let mut v: Vec<_> = self.data.borrow().outbox.iter().filter(|m| m.to == to).cloned().collect();
        v.reverse();
        v
    }
}

impl Store for MemoryStore {
    async fn profile(&self, id: &str) -> StoreResult<Option<Profile>> {
        Ok(self.data.borrow().profiles.get(id).cloned())
    }

    async fn profile_by_email(&self, email: &str) -> StoreResult<Option<Profile>> {
        Ok(self.data.borrow().profiles.values().find(|p| p.email.as_deref() == Some(email)).cloned())
    }

    async fn profile_by_phone(&self, phone: &str) -> StoreResult<Option<Profile>> {
        Ok(self.data.borrow().profiles.values().find(|p| p.phone.as_deref() == Some(phone)).cloned())
    }

    async fn code(&self, profile_id: &str, purpose: Purpose) -> StoreResult<Option<CodeRecord>> {
        Ok(self.data.borrow().codes.get(&(profile_id.to_string(), purpose)).cloned())
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

    async fn hit(&self, keys: &[(String, ThrottlePolicy)], now: i64) -> StoreResult<Vec<Option<Throttle>>> {
        let mut d = self.data.borrow_mut();
        let mut out = Vec::new();
        let mut first_allows = true;
        for (n, (k, p)) in keys.iter().enumerate() {
            if n > 0 && !first_allows {
                out.push(None);
                continue;
            }
            let t = Throttle::after_hit(d.throttles.get(k), k, *p, now);
            if n == 0 {
                first_allows = t.allows(*p);
            }
            d.throttles.insert(k.clone(), t.clone());
            out.push(Some(t));
        }
        Ok(out)
    }

    async fn two_factor(&self, profile_id: &str) -> StoreResult<Option<TwoFactor>> {
        Ok(self.data.borrow().two_factor.get(profile_id).cloned())
    }

    async fn profile_by_social(&self, provider: &str, subject: &str) -> StoreResult<Option<Profile>> {
        Ok(self
            .data
            .borrow()
            .profiles
            .values()
            .find(|p| p.social.iter().any(|l| l.provider == provider && l.subject == subject))
            .cloned())
    }

    async fn take_social_state(&self, state_hash: &str, now: i64) -> StoreResult<Option<SocialState>> {
        let mut d = self.data.borrow_mut();
        Ok(d.social_states.remove(state_hash).filter(|s| s.expires_at > now))
    }

    async fn attempt_ticket(&self, ticket_hash: &str, now: i64, max: u32) -> StoreResult<Option<LoginTicket>> {
        let mut d = self.data.borrow_mut();
        Ok(match d.tickets.get_mut(ticket_hash) {
            Some(t) if t.expires_at > now && t.attempts < max => {
                t.attempts += 1;
                Some(t.clone())
            }
            _ => None,
        })
    }

    async fn sessions_of(&self, profile_id: &str) -> StoreResult<Vec<Session>> {
        let mut v: Vec<Session> =
            self.data.borrow().sessions.values().filter(|s| s.profile_id == profile_id).cloned().collect();
        v.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(a.id.cmp(&b.id)));
        Ok(v)
    }

    async fn audit_of(&self, account_id: &str, limit: u32, before: Option<&str>) -> StoreResult<Vec<AuditEntry>> {
        let d = self.data.borrow();
        // Newest first by time, then by insertion (the log is append-only).
        let mut v: Vec<AuditEntry> =
            d.audit.iter().rev().filter(|a| a.account_id.as_deref() == Some(account_id)).cloned().collect();
        v.sort_by_key(|a| std::cmp::Reverse(a.at));
        if let Some(b) = before {
            let Some(pos) = v.iter().position(|a| a.id == b) else {
                return Ok(Vec::new());
            };
            v.drain(..=pos);
        }
        v.truncate(limit as usize);
        Ok(v)
    }

    async fn touch_session(&self, token_hash: &str, at: i64) -> StoreResult<bool> {
        self.commits.set(self.commits.get() + 1);
        Ok(match self.data.borrow_mut().sessions.get_mut(token_hash) {
            Some(s) => {
                s.last_seen_at = s.last_seen_at.max(at);
                true
            }
            None => false,
        })
    }

    async fn accounts_of(&self, profile_id: &str) -> StoreResult<Vec<AccountView>> {
        let d = self.data.borrow();
        let mut v: Vec<AccountView> = d
            .cards_of(profile_id)
            .into_iter()
            .filter(|m| m.status == MemberStatus::Active)
            .filter_map(|m| d.accounts.get(&m.account_id).map(|a| AccountView::of(a, m)))
            .collect();
        v.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
        Ok(v)
    }

    async fn linked_account_count(&self, profile_id: &str) -> StoreResult<u32> {
        Ok(self.data.borrow().cards_of(profile_id).iter().filter(|m| m.status != MemberStatus::Dismissed).count()
            as u32)
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

    async fn account(&self, id: &str) -> StoreResult<Option<Account>> {
        Ok(self.data.borrow().accounts.get(id).cloned())
    }

    async fn account_by_address(&self, address: &str) -> StoreResult<Option<Account>> {
        Ok(self.data.borrow().accounts.values().find(|a| a.address == address).cloned())
    }

    async fn accounts_created_by(&self, profile_id: &str) -> StoreResult<u32> {
        Ok(self.data.borrow().accounts.values().filter(|a| a.created_by == profile_id).count() as u32)
    }

    async fn membership_of(&self, account_id: &str, profile_id: &str) -> StoreResult<Option<Membership>> {
        let d = self.data.borrow();
        let found = d
            .memberships
            .values()
            .find(|m| m.account_id == account_id && m.profile_id.as_deref() == Some(profile_id))
            .cloned();
        Ok(found.map(|m| with_login(&d, m)))
    }

    async fn membership(&self, account_id: &str, id: &str) -> StoreResult<Option<Membership>> {
        let d = self.data.borrow();
        Ok(d.memberships.get(id).filter(|m| m.account_id == account_id).cloned().map(|m| with_login(&d, m)))
    }

    async fn memberships(&self, account_id: &str) -> StoreResult<Vec<Membership>> {
        let d = self.data.borrow();
        let mut v: Vec<Membership> =
            d.memberships.values().filter(|m| m.account_id == account_id).cloned().map(|m| with_login(&d, m)).collect();
        v.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
        Ok(v)
    }

    async fn departments(&self, account_id: &str) -> StoreResult<Vec<Department>> {
        Ok(self.data.borrow().departments.values().filter(|x| x.account_id == account_id).cloned().collect())
    }

    async fn groups(&self, account_id: &str) -> StoreResult<Vec<Group>> {
        Ok(self.data.borrow().groups.values().filter(|x| x.account_id == account_id).cloned().collect())
    }

    async fn invitations(&self, account_id: &str) -> StoreResult<Vec<Invitation>> {
        let mut v: Vec<Invitation> =
            self.data.borrow().invitations.values().filter(|x| x.account_id == account_id).cloned().collect();
        v.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(a.id.cmp(&b.id)));
        Ok(v)
    }

    async fn invitation_by_token(&self, token_hash: &str) -> StoreResult<Option<Invitation>> {
        Ok(self.data.borrow().invitations.values().find(|x| x.token_hash == token_hash).cloned())
    }

    async fn cleanup_candidates(&self, warn_before: i64, delete_before: i64, limit: u32) -> StoreResult<Vec<Account>> {
        let mut v: Vec<Account> = self
            .data
            .borrow()
            .accounts
            .values()
            .filter(|a| a.plan == Plan::Free)
            .filter(|a| {
                a.last_activity_at < delete_before
                    || (a.last_activity_at < warn_before && a.warned_at.is_none_or(|w| w < a.last_activity_at))
            })
            .cloned()
            .collect();
        v.sort_by(|a, b| a.last_activity_at.cmp(&b.last_activity_at).then(a.id.cmp(&b.id)));
        v.truncate(limit as usize);
        Ok(v)
    }
}

fn with_login(d: &Data, mut m: Membership) -> Membership {
    let profile = m.profile_id.as_ref().and_then(|p| d.profiles.get(p));
    if m.status == MemberStatus::Dismissed {
        // The account's record: the login kept at dismissal, and nothing of the person's factors.
        m.login_email = m.login_email.clone().or_else(|| profile.and_then(|p| p.email.clone()));
        m.two_factor_enabled = false;
    } else {
        m.login_email = profile.and_then(|p| p.email.clone());
        m.two_factor_enabled = profile.is_some_and(|p| p.two_factor_enabled);
    }
    m
}
