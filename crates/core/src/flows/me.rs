//! The `Me` view of a profile.

use crate::error::Result;
use crate::model::{AccountView, Profile};
use crate::store::Store;
use crate::time::rfc3339;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Social {
    pub provider: String,
    pub subject: String,
    pub email: Option<String>,
}

/// The network profile as its owner sees it (API.md `Me`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Me {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub photo_url: Option<String>,
    pub email: Option<String>,
    pub email_confirmed: bool,
    pub phone: Option<String>,
    pub phone_confirmed: bool,
    pub social: Vec<Social>,
    /// False for a profile made by a social signup until the person sets a password.
    pub has_password: bool,
    pub two_factor_enabled: bool,
    /// The password was set by an admin and must be changed before anything else.
    pub password_change_required: bool,
    pub accounts: Vec<AccountView>,
    pub lang: String,
    pub created_at: String,
}

/// Builds `Me` for a profile, with its active accounts.
pub async fn me<S: Store>(store: &S, profile: &Profile) -> Result<Me> {
    let accounts = store.accounts_of(&profile.id).await?;
    Ok(me_of(profile, accounts))
}

/// `Me` for a profile id, read in one go (`Store::profile_with_accounts`).
pub async fn me_by_id<S: Store>(store: &S, profile_id: &str) -> Result<Option<Me>> {
    Ok(store.profile_with_accounts(profile_id).await?.map(|(p, a)| me_of(&p, a)))
}

/// `Me` from a profile and its active accounts already read.
pub fn me_of(profile: &Profile, accounts: Vec<AccountView>) -> Me {
    Me {
        id: profile.id.clone(),
        first_name: profile.first_name.clone(),
        last_name: profile.last_name.clone(),
        photo_url: profile.photo_url.clone(),
        email: profile.email.clone(),
        email_confirmed: profile.email_confirmed,
        phone: profile.phone.clone(),
        phone_confirmed: profile.phone_confirmed,
        social: profile
            .social
            .iter()
            .map(|l| Social { provider: l.provider.clone(), subject: l.subject.clone(), email: l.email.clone() })
            .collect(),
        has_password: profile.has_password(),
        two_factor_enabled: profile.two_factor_enabled,
        password_change_required: profile.password_change_required,
        accounts,
        lang: profile.lang.tag().to_string(),
        created_at: rfc3339(profile.created_at),
    }
}

/// Where security notices go: the confirmed email, else the confirmed phone.
pub(crate) fn notice_address(profile: &Profile) -> Option<String> {
    profile
        .email
        .clone()
        .filter(|_| profile.email_confirmed)
        .or_else(|| profile.phone.clone().filter(|_| profile.phone_confirmed))
}
