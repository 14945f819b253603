//! Records the flows read and write. Times are unix seconds (UTC).

use crate::lang::Lang;
use serde::{Deserialize, Serialize};

/// A network profile: one person, one login, one password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub id: String,
    pub email: Option<String>,
    pub email_confirmed: bool,
    pub phone: Option<String>,
    pub phone_confirmed: bool,
    pub password_hash: String,
    pub first_name: String,
    pub last_name: String,
    pub photo_url: Option<String>,
    pub lang: Lang,
    pub two_factor_enabled: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Profile {
    /// A profile is usable once one of its logins is confirmed.
    pub fn is_confirmed(&self) -> bool {
        self.email_confirmed || self.phone_confirmed
    }
}

/// What a confirmation code confirms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    Signup,
    EmailChange,
    PhoneChange,
    PasswordReset,
}

impl Purpose {
    pub const fn as_str(self) -> &'static str {
        match self {
            Purpose::Signup => "signup",
            Purpose::EmailChange => "email_change",
            Purpose::PhoneChange => "phone_change",
            Purpose::PasswordReset => "password_reset",
        }
    }

    pub fn parse(s: &str) -> Option<Purpose> {
        [
            Purpose::Signup,
            Purpose::EmailChange,
            Purpose::PhoneChange,
            Purpose::PasswordReset,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
    }
}

/// A pending 6-digit code (only its hash is kept). One per profile and purpose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeRecord {
    pub profile_id: String,
    pub purpose: Purpose,
    /// The address the code was sent to (and that it confirms).
    pub target: String,
    pub code_hash: String,
    pub attempts: u32,
    pub expires_at: i64,
    pub created_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ClientKind {
    #[default]
    Browser,
    Desktop,
}

impl ClientKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            ClientKind::Browser => "browser",
            ClientKind::Desktop => "desktop",
        }
    }

    pub fn parse(s: &str) -> Option<ClientKind> {
        match s {
            "browser" => Some(ClientKind::Browser),
            "desktop" => Some(ClientKind::Desktop),
            _ => None,
        }
    }
}

/// A login session, keyed by the hash of its bearer token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub token_hash: String,
    pub profile_id: String,
    pub account_id: Option<String>,
    pub client: ClientKind,
    pub created_at: i64,
    /// Last recorded activity; written at most once a minute.
    pub last_seen_at: i64,
    pub absolute_expires_at: i64,
    /// Desktop sessions belong to a refresh-token family.
    pub family_id: Option<String>,
}

/// A desktop refresh token (hash only). Spent on use; reusing a spent one revokes its family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshToken {
    pub token_hash: String,
    pub family_id: String,
    pub profile_id: String,
    pub session_hash: String,
    pub used: bool,
    pub created_at: i64,
    pub expires_at: i64,
}

/// Failure counter for one throttling key (`login:...`, `ip:...`, `send:...`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Throttle {
    pub key: String,
    pub failures: u32,
    pub window_start: i64,
    pub blocked_until: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    pub const fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }
}

/// A message waiting for delivery, written in the same transaction as its cause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub id: String,
    pub channel: Channel,
    pub to: String,
    pub kind: String,
    pub lang: Lang,
    pub subject: String,
    pub body: String,
    pub code: Option<String>,
    pub link: Option<String>,
    pub token: Option<String>,
    pub created_at: i64,
}

/// A privileged or security-relevant action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: String,
    pub at: i64,
    pub actor: Option<String>,
    pub action: String,
    pub target: String,
    pub detail: String,
}

/// An account as seen by one of its members (the `Account` object of the API).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub id: String,
    pub name: String,
    pub address: String,
    pub plan: String,
    pub role: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub renames_left: u32,
    pub created_at: String,
}
