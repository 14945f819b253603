//! The rules of a person's card that people, invitations and structure share: what an
//! address already is in an account, where a card may be placed, the text others see, and
//! whether a card is the account's last admin. It imports no other flow but `accounts`.

use super::{not_found, Env};
use crate::error::Result;
use crate::model::*;
use crate::store::Store;
use crate::validate::Invitee;

/// How an address stands in an account, for invitations and new cards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressState {
    Free,
    AlreadyMember,
    AlreadyInvited,
    /// Bound to a dismissed card (its contact email or its person's login).
    Taken,
}

/// Checks `address` against the account's cards (and the profile owning it).
pub(crate) fn address_state(cards: &[Membership], owner: Option<&Profile>, address: &str) -> AddressState {
    let mut state = AddressState::Free;
    for c in cards {
        // The card of the address's owner (a confirmed profile with that login): known from
        // the owner, or from the card's own join of its profile's logins.
        let owns = c.profile_email.as_deref() == Some(address) || c.profile_phone.as_deref() == Some(address);
        let by_profile = owns || owner.is_some_and(|o| c.profile_id.as_deref() == Some(o.id.as_str()));
        let by_contact = c.contact_email.as_deref() == Some(address) || c.phone.as_deref() == Some(address);
        let by_login = if c.status == MemberStatus::Dismissed {
            // The person's login as it is now binds (the card shows the one it had when
            // dismissed, for the account's record; API.md: only the contact email stays bound
            // once the person moved on).
            c.profile_email.as_deref() == Some(address)
                || (by_profile && owner.is_some_and(|o| o.email.as_deref() == Some(address)))
        } else {
            c.login_email.as_deref() == Some(address)
        };
        if !(by_profile || by_contact || by_login) {
            continue;
        }
        let s = match c.status {
            MemberStatus::Active => AddressState::AlreadyMember,
            MemberStatus::Invited => AddressState::AlreadyInvited,
            // A dismissed card keeps its contact email and its person's login bound.
            MemberStatus::Dismissed if by_contact || by_login => AddressState::Taken,
            MemberStatus::Dismissed => continue,
        };
        if s == AddressState::AlreadyMember {
            return s;
        }
        if state == AddressState::Free || s == AddressState::Taken {
            state = s;
        }
    }
    state
}

pub(crate) async fn owner_of<S: Store>(env: &Env<'_, S>, invitee: &Invitee) -> Result<Option<Profile>> {
    let p = match invitee {
        Invitee::Email(e) => env.store.profile_by_email(e.as_str()).await?,
        Invitee::Phone(p) => env.store.profile_by_phone(p.as_str()).await?,
    };
    Ok(p.filter(Profile::is_confirmed))
}

/// Department and groups must belong to the account.
pub(crate) async fn check_placement<S: Store>(
    env: &Env<'_, S>,
    account_id: &str,
    department_id: Option<&str>,
    group_ids: &[String],
) -> Result<Vec<Group>> {
    if let Some(d) = department_id {
        if !env.store.departments(account_id).await?.iter().any(|x| x.id == d) {
            return Err(not_found().at("department_id"));
        }
    }
    let groups = env.store.groups(account_id).await?;
    let mut chosen = Vec::new();
    for g in group_ids {
        match groups.iter().find(|x| &x.id == g) {
            Some(x) => chosen.push(x.clone()),
            None => return Err(not_found().at("group_ids")),
        }
    }
    Ok(chosen)
}

pub(crate) fn text_field(v: Option<String>, field: &'static str, max: usize) -> Result<Option<String>> {
    // Text other people see: no control, bidirectional or invisible formatting character.
    v.map_or(Ok(None), |s| crate::validate::parse_text(&s, field, max))
}

pub(crate) async fn is_last_admin<S: Store>(env: &Env<'_, S>, account_id: &str, card: &Membership) -> Result<bool> {
    let admins =
        env.store.memberships(account_id).await?.into_iter().filter(|m| m.is_active_admin() && m.id != card.id).count();
    Ok(admins == 0)
}
