//! An in-memory [`Store`] for native tests and benchmarks. Commits are atomic (applied to a
//! copy, swapped in on success) and a commit can be made to fail, to prove that a failed
//! change leaves nothing half-written.

use crate::config::ThrottlePolicy;
use crate::error::Error;
use crate::model::*;
use crate::store::{Change, Guard, Store, StoreResult};
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
    pub accounts: BTreeMap<String, Account>,
    pub memberships: BTreeMap<String, Membership>,
    pub departments: BTreeMap<String, Department>,
    pub groups: BTreeMap<String, Group>,
    pub invitations: BTreeMap<String, Invitation>,
    pub two_factor: BTreeMap<String, TwoFactor>,
    /// (profile id, code hash) -> created at.
    pub recovery_codes: BTreeMap<(String, String), i64>,
    pub tickets: BTreeMap<String, LoginTicket>,
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

fn delete_account(d: &mut Data, id: &str) {
    d.accounts.remove(id);
    d.memberships.retain(|_, m| m.account_id != id);
    d.departments.retain(|_, x| x.account_id != id);
    d.groups.retain(|_, x| x.account_id != id);
    d.invitations.retain(|_, x| x.account_id != id);
    for s in d.sessions.values_mut().filter(|s| s.account_id.as_deref() == Some(id)) {
        s.account_id = None;
    }
}

/// Whether a guard holds in `d` (the same conditions the D1 store writes as SQL).
fn holds(d: &Data, g: &Guard) -> bool {
    match g {
        Guard::OtherActiveAdmin { account_id, membership_id } => d.memberships.values().any(|m| {
            &m.account_id == account_id
                && &m.id != membership_id
                && m.role == Role::Admin
                && m.kind == MemberType::Employee
                && m.status == MemberStatus::Active
        }),
        Guard::AccountsCreatedBelow { profile_id, max } => {
            (d.accounts.values().filter(|a| &a.created_by == profile_id).count() as u32) < *max
        }
        Guard::RenamesLeft { account_id } => d.accounts.get(account_id).is_some_and(|a| a.renames_left > 0),
        Guard::PaidPlan { account_id } => d.accounts.get(account_id).is_some_and(|a| a.plan.is_paid()),
        Guard::CodeUnspent { profile_id, purpose, code_hash } => {
            d.codes.get(&(profile_id.clone(), *purpose)).is_some_and(|c| &c.code_hash == code_hash)
        }
        Guard::RefreshUnused { token_hash } => d.refresh_tokens.get(token_hash).is_some_and(|t| !t.used),
        Guard::InvitationPending { invitation_id, token_hash } => d
            .invitations
            .get(invitation_id)
            .is_some_and(|i| i.state == InvitationState::Pending && &i.token_hash == token_hash),
        Guard::TotpStepUnused { profile_id, step } => d.two_factor.get(profile_id).is_some_and(|t| t.last_step < *step),
        Guard::RecoveryCodeUnused { profile_id, code_hash } => {
            d.recovery_codes.contains_key(&(profile_id.clone(), code_hash.clone()))
        }
        Guard::TicketUnspent { ticket_hash } => d.tickets.contains_key(ticket_hash),
    }
}

fn deletable(a: &Account, idle_before: i64) -> bool {
    a.plan == Plan::Free && a.last_activity_at < idle_before
}

fn apply(d: &mut Data, change: Change) -> Result<(), Error> {
    match change {
        Change::Guard(g) => {
            if !holds(d, &g) {
                return Err(g.error());
            }
        }
        Change::PutProfile(mut p) => {
            for other in d.profiles.values() {
                if other.id != p.id
                    && ((p.email.is_some() && other.email == p.email) || (p.phone.is_some() && other.phone == p.phone))
                {
                    return Err(Error::internal("unique constraint failed: profiles.email/phone"));
                }
            }
            // An existing row keeps its password hash and flag: those change only by SetPassword.
            if let Some(old) = d.profiles.get(&p.id) {
                p.password_hash = old.password_hash.clone();
                p.password_change_required = old.password_change_required;
            }
            d.profiles.insert(p.id.clone(), p);
        }
        Change::SetPassword { profile_id, hash, replaces, change_required } => {
            if let Some(p) = d.profiles.get_mut(&profile_id) {
                if replaces.as_ref().is_none_or(|r| r == &p.password_hash) {
                    p.password_hash = hash;
                    p.password_change_required = change_required;
                }
            }
        }
        Change::PutTwoFactor(t) => {
            d.two_factor.insert(t.profile_id.clone(), t);
        }
        Change::EnableTwoFactor { profile_id, step } => {
            if let Some(t) = d.two_factor.get_mut(&profile_id) {
                t.enabled = true;
                t.last_step = step;
                if let Some(p) = d.profiles.get_mut(&profile_id) {
                    p.two_factor_enabled = true;
                }
            }
        }
        Change::UseTotpStep { profile_id, step } => {
            if let Some(t) = d.two_factor.get_mut(&profile_id) {
                t.last_step = t.last_step.max(step);
            }
        }
        Change::DeleteTwoFactor(profile_id) => {
            d.two_factor.remove(&profile_id);
            d.recovery_codes.retain(|(p, _), _| p != &profile_id);
            if let Some(p) = d.profiles.get_mut(&profile_id) {
                p.two_factor_enabled = false;
            }
        }
        Change::ReplaceRecoveryCodes { profile_id, hashes, at } => {
            d.recovery_codes.retain(|(p, _), _| p != &profile_id);
            for h in hashes {
                d.recovery_codes.insert((profile_id.clone(), h), at);
            }
        }
        Change::UseRecoveryCode { profile_id, code_hash } => {
            d.recovery_codes.remove(&(profile_id, code_hash));
        }
        Change::PutTicket(t) => {
            d.tickets.insert(t.ticket_hash.clone(), t);
        }
        Change::DeleteTicket(h) => {
            d.tickets.remove(&h);
        }
        Change::DeleteSessionById { profile_id, id } => {
            d.sessions.retain(|_, s| !(s.profile_id == profile_id && s.id == id));
        }
        Change::CodeFailed { profile_id, purpose } => {
            if let Some(c) = d.codes.get_mut(&(profile_id, purpose)) {
                c.attempts = c.attempts.saturating_add(1);
            }
        }
        Change::ClearPasswordChangeRequired(profile_id) => {
            for s in d.sessions.values_mut().filter(|s| s.profile_id == profile_id) {
                s.password_change_required = false;
            }
        }
        Change::SpendRefreshToken(h) => {
            if let Some(t) = d.refresh_tokens.get_mut(&h) {
                t.used = true;
            }
        }
        Change::Refund(k) => {
            if let Some(t) = d.throttles.get_mut(&k) {
                t.failures = t.failures.saturating_sub(1);
            }
        }
        Change::RenameAccount { account_id, name, address } => {
            if d.accounts.values().any(|o| o.id != account_id && o.address == address) {
                return Err(Error::internal("unique constraint failed: accounts.address"));
            }
            if let Some(a) = d.accounts.get_mut(&account_id) {
                a.name = name;
                a.address = address;
                a.renames_left = a.renames_left.saturating_sub(1);
            }
        }
        Change::SetPlan { account_id, plan } => {
            if let Some(a) = d.accounts.get_mut(&account_id) {
                a.plan = plan;
            }
        }
        Change::GrantRenames { account_id, n } => {
            if let Some(a) = d.accounts.get_mut(&account_id) {
                a.renames_left = a.renames_left.saturating_add(n);
            }
        }
        Change::MarkWarned { account_id, at } => {
            if let Some(a) = d.accounts.get_mut(&account_id) {
                a.warned_at = Some(at);
            }
        }
        Change::DeleteProfile(id) => {
            d.profiles.remove(&id);
            d.two_factor.remove(&id);
            d.recovery_codes.retain(|(p, _), _| p != &id);
            d.tickets.retain(|_, t| t.profile_id != id);
            d.codes.retain(|(pid, _), _| pid != &id);
            d.sessions.retain(|_, s| s.profile_id != id);
            d.refresh_tokens.retain(|_, t| t.profile_id != id);
        }
        Change::PutCode(c) => {
            d.codes.insert((c.profile_id.clone(), c.purpose), c);
        }
        Change::DeleteCode { profile_id, purpose } => {
            d.codes.remove(&(profile_id, purpose));
        }
        Change::PutSession(s) => {
            if d.sessions.contains_key(&s.token_hash) {
                return Err(Error::internal("unique constraint failed: sessions.token_hash"));
            }
            d.sessions.insert(s.token_hash.clone(), s);
        }
        Change::DeleteSession(h) => {
            d.sessions.remove(&h);
        }
        Change::DeleteSessionsOf { profile_id, except } => {
            d.sessions.retain(|h, s| s.profile_id != profile_id || except.as_deref() == Some(h.as_str()));
        }
        Change::PutRefreshToken(t) => {
            if d.refresh_tokens.contains_key(&t.token_hash) {
                return Err(Error::internal("unique constraint failed: refresh_tokens.token_hash"));
            }
            d.refresh_tokens.insert(t.token_hash.clone(), t);
        }
        Change::RevokeFamily(f) => {
            d.refresh_tokens.retain(|_, t| t.family_id != f);
            d.sessions.retain(|_, s| s.family_id.as_deref() != Some(f.as_str()));
        }
        Change::DeleteRefreshTokensOf { profile_id, except_family } => {
            d.refresh_tokens
                .retain(|_, t| t.profile_id != profile_id || except_family.as_deref() == Some(t.family_id.as_str()));
        }
        Change::DeleteThrottle(k) => {
            d.throttles.remove(&k);
        }
        Change::Outbox(m) => d.outbox.push(m),
        Change::Audit(a) => d.audit.push(a),
        Change::UpdateCards { profile_id, first_name, last_name, contact_email, phone, photo_url } => {
            for c in d.memberships.values_mut().filter(|c| c.profile_id.as_deref() == Some(profile_id.as_str())) {
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
        Change::PutAccount(a) => {
            if d.accounts.values().any(|o| o.address == a.address) || d.accounts.contains_key(&a.id) {
                return Err(Error::internal("unique constraint failed: accounts.address"));
            }
            d.accounts.insert(a.id.clone(), a);
        }
        Change::DeleteAccount(id) => delete_account(d, &id),
        Change::DeleteAccounts { ids, idle_before } => {
            for id in ids {
                if d.accounts.get(&id).is_some_and(|a| deletable(a, idle_before)) {
                    delete_account(d, &id);
                }
            }
        }
        Change::PutMembership(mut m) => {
            m.login_email = None;
            d.memberships.insert(m.id.clone(), m);
        }
        Change::DeleteMembership(id) => {
            d.memberships.remove(&id);
        }
        Change::PutDepartment(x) => {
            d.departments.insert(x.id.clone(), x);
        }
        Change::PutGroup(x) => {
            d.groups.insert(x.id.clone(), x);
        }
        Change::PutInvitation(x) => {
            d.invitations.insert(x.id.clone(), x);
        }
        Change::RecordActivity { account_id, membership_id, at } => {
            if let Some(a) = d.accounts.get_mut(&account_id) {
                a.last_activity_at = a.last_activity_at.max(at);
            }
            if let Some(m) = d.memberships.get_mut(&membership_id) {
                m.last_login_at = Some(at);
            }
        }
        Change::SetSessionAccount { token_hash, account_id } => {
            if let Some(s) = d.sessions.get_mut(&token_hash) {
                s.account_id = account_id;
            }
        }
        Change::PurgeExpired { now, idle_timeout, invitations_before, code_ttl, link_ttl, outbox_before } => {
            d.outbox.retain(|m| m.created_at >= outbox_before);
            d.tickets.retain(|_, t| t.expires_at > now);
            for m in d.outbox.iter_mut() {
                let code_dead = m.code.is_some() && m.created_at + code_ttl <= now;
                let link_dead = (m.token.is_some() || m.link.is_some()) && m.created_at + link_ttl <= now;
                if code_dead || link_dead {
                    m.code = None;
                    m.token = None;
                    m.link = None;
                    m.body = String::new();
                }
            }
            d.codes.retain(|_, c| c.expires_at > now);
            d.sessions.retain(|_, s| s.last_seen_at + idle_timeout > now && s.absolute_expires_at > now);
            d.refresh_tokens.retain(|_, t| t.expires_at > now);
            let expired: Vec<Invitation> = d
                .invitations
                .values()
                .filter(|i| i.state == InvitationState::Pending && i.expires_at <= invitations_before)
                .cloned()
                .collect();
            for i in expired {
                d.invitations.remove(&i.id);
                if d.memberships.get(&i.membership_id).is_some_and(|m| m.status == MemberStatus::Invited) {
                    d.memberships.remove(&i.membership_id);
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
    m.login_email = profile.and_then(|p| p.email.clone());
    m.two_factor_enabled = profile.is_some_and(|p| p.two_factor_enabled);
    m
}
