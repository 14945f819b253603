//! How the memory store applies one change to its data, and evaluates a guard: the same
//! rules the D1 store writes as SQL (`worker/src/store/changes.rs`).

use super::Data;
use crate::error::Error;
use crate::model::*;
use crate::store::{Change, Guard};

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
pub(super) fn holds(d: &Data, g: &Guard) -> bool {
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
        Guard::NameFree { account_id, group, parent_id, name, except } => {
            let same = |id: &str, n: &str| Some(id) != except.as_deref() && n.trim().eq_ignore_ascii_case(name.trim());
            if *group {
                !d.groups.values().any(|g| &g.account_id == account_id && same(&g.id, &g.name))
            } else {
                !d.departments
                    .values()
                    .any(|x| &x.account_id == account_id && &x.parent_id == parent_id && same(&x.id, &x.name))
            }
        }
        Guard::SocialUnlinked { provider, subject } => {
            !d.profiles.values().any(|p| p.social.iter().any(|l| &l.provider == provider && &l.subject == subject))
        }
        Guard::SessionAlive { token_hash } => d.sessions.contains_key(token_hash),
        Guard::PasswordUnchanged { profile_id, hash } => {
            d.profiles.get(profile_id).is_some_and(|p| &p.password_hash == hash)
        }
        Guard::SocialLinked { profile_id, provider, subject } => d
            .profiles
            .get(profile_id)
            .is_some_and(|p| p.social.iter().any(|l| &l.provider == provider && &l.subject == subject)),
        Guard::OtherLoginMethod { profile_id, provider, subject } => d.profiles.get(profile_id).is_some_and(|p| {
            (p.has_password() && p.is_confirmed())
                || p.social.iter().any(|l| !(&l.provider == provider && &l.subject == subject))
        }),
    }
}

fn deletable(a: &Account, idle_before: i64) -> bool {
    a.plan == Plan::Free && a.last_activity_at < idle_before
}

pub(super) fn apply(d: &mut Data, change: Change) -> Result<(), Error> {
    match change {
        Change::Guard(g) => {
            if !holds(d, &g) {
                return Err(g.error());
            }
        }
        Change::PutProfile(mut p) => {
            // The unique indexes, answered as the D1 store answers them (a login taken between
            // a flow's read and its commit).
            for other in d.profiles.values().filter(|o| o.id != p.id) {
                if p.email.is_some() && other.email == p.email {
                    return Err(Error::field(crate::error::Code::EmailTaken, "email"));
                }
                if p.phone.is_some() && other.phone == p.phone {
                    return Err(Error::field(crate::error::Code::PhoneTaken, "phone"));
                }
            }
            // An existing row keeps its password hash and flag: those change only by SetPassword.
            if let Some(old) = d.profiles.get(&p.id) {
                p.password_hash = old.password_hash.clone();
                p.password_change_required = old.password_change_required;
                p.social = old.social.clone();
                // Two-step changes only with its secret (EnableTwoFactor, DeleteTwoFactor).
                p.two_factor_enabled = old.two_factor_enabled;
            } else {
                p.social = Vec::new();
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
            if !d.two_factor.get(&t.profile_id).is_some_and(|old| old.enabled) {
                d.two_factor.insert(t.profile_id.clone(), t);
            }
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
        Change::PutSocialState(st) => {
            d.social_states.insert(st.state_hash.clone(), st);
        }
        Change::LinkSocial { profile_id, link } => {
            let taken = d
                .profiles
                .values()
                .any(|p| p.social.iter().any(|l| l.provider == link.provider && l.subject == link.subject));
            if taken {
                return Err(Error::internal("UNIQUE constraint failed: social_identities"));
            }
            if let Some(p) = d.profiles.get_mut(&profile_id) {
                p.social.push(link);
            }
        }
        Change::UnlinkSocial { profile_id, provider, subject } => {
            if let Some(p) = d.profiles.get_mut(&profile_id) {
                p.social.retain(|l| !(l.provider == provider && l.subject == subject));
            }
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
            // Everything a claim's end removes, then the row itself (as the D1 store does).
            apply(d, Change::EndClaim(id.clone()))?;
            d.profiles.remove(&id);
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
            d.sessions.insert(s.token_hash.clone(), (*s).clone());
        }
        Change::EndClaim(id) => {
            d.two_factor.remove(&id);
            d.recovery_codes.retain(|(p, _), _| p != &id);
            d.tickets.retain(|_, t| t.profile_id != id);
            d.codes.retain(|(pid, _), _| pid != &id);
            d.sessions.retain(|_, s| s.profile_id != id);
            d.refresh_tokens.retain(|_, t| t.profile_id != id);
            d.social_states.retain(|_, s| s.profile_id.as_deref() != Some(id.as_str()));
            if let Some(p) = d.profiles.get_mut(&id) {
                p.social.clear();
                p.two_factor_enabled = false;
                p.photo_url = None;
            }
        }
        Change::DeleteTicketsOf(id) => {
            d.tickets.retain(|_, t| t.profile_id != id);
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
            d.refresh_tokens.insert(t.token_hash.clone(), (*t).clone());
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
        Change::DeleteDepartment { account_id, id } => {
            let parent = d.departments.get(&id).and_then(|x| x.parent_id.clone());
            for m in d.memberships.values_mut().filter(|m| m.account_id == account_id) {
                if m.department_id.as_deref() == Some(id.as_str()) {
                    m.department_id = None;
                }
            }
            for i in d.invitations.values_mut().filter(|i| i.account_id == account_id) {
                if i.department_id.as_deref() == Some(id.as_str()) {
                    i.department_id = None;
                }
            }
            for x in d.departments.values_mut().filter(|x| x.account_id == account_id) {
                if x.parent_id.as_deref() == Some(id.as_str()) {
                    x.parent_id = parent.clone();
                }
            }
            d.departments.remove(&id);
        }
        Change::DeleteGroup { account_id, id } => {
            for m in d.memberships.values_mut().filter(|m| m.account_id == account_id) {
                m.group_ids.retain(|g| g != &id);
            }
            for i in d.invitations.values_mut().filter(|i| i.account_id == account_id) {
                i.group_ids.retain(|g| g != &id);
            }
            d.groups.remove(&id);
        }
        Change::ClearCardPhotos { profile_id, url } => {
            for m in d.memberships.values_mut() {
                if m.profile_id.as_deref() == Some(profile_id.as_str()) && m.photo_url.as_deref() == Some(url.as_str())
                {
                    m.photo_url = None;
                }
            }
        }
        Change::CountSend { key, limit, window, now } => {
            let c = d.send_counters.entry(key).or_insert((0, now));
            if now - c.1 >= window {
                *c = (0, now);
            }
            c.0 += 1;
            if c.0 > limit {
                return Err(Error::new(crate::error::Code::SendLimitReached));
            }
        }
        Change::Audit(a) => d.audit.push(a),
        Change::UpdateCards { profile_id, first_name, last_name, contact_email, phone, photo_url } => {
            // A dismissed card is the account's record: the person's later changes skip it.
            for c in d
                .memberships
                .values_mut()
                .filter(|c| c.profile_id.as_deref() == Some(profile_id.as_str()) && c.status != MemberStatus::Dismissed)
            {
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
            // A dismissed card keeps the login it had when dismissed (the account's record);
            // others read it from the profile. The stored field holds the kept one only.
            m.login_email = if m.status == MemberStatus::Dismissed {
                d.memberships
                    .get(&m.id)
                    .and_then(|old| old.login_email.clone())
                    .or_else(|| m.profile_id.as_ref().and_then(|p| d.profiles.get(p)).and_then(|p| p.email.clone()))
            } else {
                None
            };
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
            d.send_counters.retain(|_, (_, start)| *start + 24 * 3600 > now);
            d.tickets.retain(|_, t| t.expires_at > now);
            d.social_states.retain(|_, s| s.expires_at > now);
            for m in d.outbox.iter_mut() {
                let code_dead = m.code.is_some() && m.created_at + code_ttl <= now;
                let link_dead = (m.token.is_some() || m.link.is_some()) && m.created_at + link_ttl <= now;
                if code_dead || link_dead {
                    m.code = None;
                    m.token = None;
                    m.link = None;
                    m.body = String::new();
                    m.html = String::new();
                }
            }
            // A signup's claim stays a day past its code (resend reuses it).
            d.codes.retain(|_, c| c.expires_at > now || (c.claim.is_some() && c.expires_at + 86_400 > now));
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
