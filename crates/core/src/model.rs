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
    /// The password was chosen by someone else (an admin): every session is restricted to
    /// changing it until the person does.
    #[serde(default)]
    pub password_change_required: bool,
    pub created_at: i64,
    pub updated_at: i64,
    /// The social identities linked to the profile, read with it (never written through
    /// `PutProfile`: `Change::LinkSocial` and `Change::UnlinkSocial` do).
    #[serde(default)]
    pub social: Vec<SocialLink>,
}

impl Profile {
    /// What the profile is known by in throttle keys and labels: its email, else its phone,
    /// else its id.
    pub fn login(&self) -> &str {
        self.email.as_deref().or(self.phone.as_deref()).unwrap_or(self.id.as_str())
    }

    /// Whether the profile has a password (a profile made by a social signup has none until
    /// the person sets one: its hash is empty).
    pub fn has_password(&self) -> bool {
        !self.password_hash.is_empty()
    }

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
        [Purpose::Signup, Purpose::EmailChange, Purpose::PhoneChange, Purpose::PasswordReset]
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
    /// For a signup code: the credentials of whoever asked for it, set on the profile only
    /// when the code proves the address (a claim never changes before a proof).
    #[serde(default)]
    pub claim: Option<SignupClaim>,
}

/// What a signup code carries to its confirmation: the password hash and names its requester
/// chose (or, for a code a login sent, the password that login proved).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignupClaim {
    pub password_hash: String,
    pub first_name: String,
    pub last_name: String,
    /// The password is one an admin chose (a code a login sent for an admin-added profile).
    #[serde(default)]
    pub password_change_required: bool,
    /// Another party's signup to the address was pending when this one came: both got a code
    /// in the same inbox, so the confirmation must also prove this claim's password.
    #[serde(default)]
    pub contested: bool,
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
    /// The public id shown in the sessions list (never the token).
    #[serde(default)]
    pub id: String,
    pub profile_id: String,
    pub account_id: Option<String>,
    pub client: ClientKind,
    pub created_at: i64,
    /// Last recorded activity; written at most once a minute.
    pub last_seen_at: i64,
    pub absolute_expires_at: i64,
    /// Desktop sessions belong to a refresh-token family.
    pub family_id: Option<String>,
    /// Only the password change (and reading the profile, logging out) is allowed.
    #[serde(default)]
    pub password_change_required: bool,
    /// What the client said it is, when it said (at most 256 characters).
    #[serde(default)]
    pub user_agent: Option<String>,
    /// The client's address at login and its coarse location (country, city) when known.
    #[serde(default)]
    pub ip: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    /// How the session was proven (RFC 8176 `amr` values, space-separated: `pwd`, `otp`,
    /// `fed`); the workspace apps' ID tokens say it.
    #[serde(default)]
    pub amr: String,
}

/// A profile's authenticator (TOTP) secret: pending until a first code proves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactor {
    pub profile_id: String,
    /// The secret, sealed (`totp::seal`): never stored in plain text.
    pub secret_sealed: String,
    pub enabled: bool,
    /// The last time step accepted: a code is accepted once.
    pub last_step: i64,
    pub created_at: i64,
}

/// The second step of a login: issued after the right password, spent by a right code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginTicket {
    pub ticket_hash: String,
    pub profile_id: String,
    pub login: String,
    pub client: ClientKind,
    pub account_id: Option<String>,
    pub attempts: u32,
    pub expires_at: i64,
    pub created_at: i64,
    /// The first step was a social identity, not a password (the session's `amr`).
    pub by_social: bool,
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
    /// The family's absolute end (its first login plus the family lifetime): rotation never
    /// extends a family past it.
    pub family_expires_at: i64,
}

/// Attempt counter for one throttling key (`login:...`, `ip:...`, `send:...`, `code:...`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Throttle {
    pub key: String,
    pub failures: u32,
    pub window_start: i64,
    pub blocked_until: i64,
}

impl Throttle {
    /// The counter after one more attempt at `now` (what `Store::hit` does in one statement;
    /// the D1 store writes the same rule as SQL):
    /// - while a block is in force, the count stays over the limit (`max + 1`);
    /// - after a block ended, or once the window passed, counting starts again at 1;
    /// - otherwise +1, and reaching `max_failures` starts a block of `block_seconds`.
    ///
    /// The attempt is allowed when the count after it is at most `max_failures`.
    pub fn after_hit(prev: Option<&Throttle>, key: &str, p: crate::config::ThrottlePolicy, now: i64) -> Throttle {
        let block_at = |n: u32| if n >= p.max_failures { now + p.block_seconds } else { 0 };
        match prev {
            Some(t) if t.blocked_until > now => Throttle {
                key: key.to_string(),
                failures: p.max_failures.saturating_add(1),
                window_start: t.window_start,
                blocked_until: t.blocked_until,
            },
            Some(t) if t.blocked_until == 0 && now - t.window_start < p.window_seconds => {
                let n = t.failures.saturating_add(1);
                Throttle { key: key.to_string(), failures: n, window_start: t.window_start, blocked_until: block_at(n) }
            }
            _ => Throttle { key: key.to_string(), failures: 1, window_start: now, blocked_until: block_at(1) },
        }
    }

    /// Whether the attempt that produced this count may go ahead.
    pub fn allows(&self, p: crate::config::ThrottlePolicy) -> bool {
        self.failures <= p.max_failures
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Email,
    Sms,
    /// A workspace app's back-channel logout URI (the recipient): a logout token, posted.
    Backchannel,
}

impl Channel {
    pub const fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::Backchannel => "backchannel",
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
    /// The plain text (for SMS, the short text).
    pub body: String,
    /// The HTML part of an email; empty for SMS.
    #[serde(default)]
    pub html: String,
    pub code: Option<String>,
    pub link: Option<String>,
    pub token: Option<String>,
    /// The account that sends it (invitations, login details): its send limits count it.
    #[serde(default)]
    pub account_id: Option<String>,
    pub created_at: i64,
}

/// A privileged or security-relevant action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: String,
    /// The account the action concerns (its admins read it); none for profile-level events.
    #[serde(default)]
    pub account_id: Option<String>,
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
    /// Whose entry needs two-step authentication on (the workspace's policy).
    pub require_two_factor: TwoFactorPolicy,
    /// Whether its two-step rule lets a remembered browser skip the second step.
    #[serde(default = "yes", rename = "allow_remember_browser")]
    pub remember_browsers: bool,
}

fn yes() -> bool {
    true
}

impl AccountView {
    fn card_kind(&self) -> MemberType {
        if self.kind == "extranet" {
            MemberType::Extranet
        } else {
            MemberType::Employee
        }
    }

    /// Whether the workspace's policy lets a profile with two-step `on` (or off) in.
    pub fn admits(&self, two_factor_on: bool) -> bool {
        two_factor_on || !self.require_two_factor.applies_to(self.card_kind())
    }

    /// Whether the workspace lets this member's remembered browser stand in for the second
    /// step: always, unless its two-step rule applies to them and refuses remembered browsers.
    pub fn lets_browsers_remember(&self) -> bool {
        self.remember_browsers || !self.require_two_factor.applies_to(self.card_kind())
    }
}

/// A workspace's plan. Only `Free` accounts are deleted for inactivity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Plan {
    #[default]
    Free,
    Standard,
    Professional,
    Enterprise,
}

impl Plan {
    pub const fn as_str(self) -> &'static str {
        match self {
            Plan::Free => "free",
            Plan::Standard => "standard",
            Plan::Professional => "professional",
            Plan::Enterprise => "enterprise",
        }
    }

    pub fn parse(s: &str) -> Option<Plan> {
        [Plan::Free, Plan::Standard, Plan::Professional, Plan::Enterprise].into_iter().find(|p| p.as_str() == s)
    }

    pub fn is_paid(self) -> bool {
        self != Plan::Free
    }
}

/// A workspace ("account").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    pub name: String,
    pub address: String,
    pub plan: Plan,
    pub renames_left: u32,
    pub created_by: String,
    pub created_at: i64,
    /// Last login into this account by any member (login with it, or `enter`).
    pub last_activity_at: i64,
    /// When the admins were warned of the coming inactivity deletion.
    pub warned_at: Option<i64>,
    /// Whose entry needs two-step authentication on.
    pub require_two_factor: TwoFactorPolicy,
    /// Whether a remembered browser may skip the second step its two-step rule asks for.
    pub remember_browsers: bool,
}

/// A workspace's two-step policy: whose cards need a second factor to enter it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum TwoFactorPolicy {
    #[default]
    None,
    Employees,
    Everyone,
}

impl TwoFactorPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            TwoFactorPolicy::None => "none",
            TwoFactorPolicy::Employees => "employees",
            TwoFactorPolicy::Everyone => "everyone",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "none" => Some(TwoFactorPolicy::None),
            "employees" => Some(TwoFactorPolicy::Employees),
            "everyone" => Some(TwoFactorPolicy::Everyone),
            _ => None,
        }
    }

    /// Whether a card of this type needs a second factor.
    pub fn applies_to(self, kind: MemberType) -> bool {
        match self {
            TwoFactorPolicy::None => false,
            TwoFactorPolicy::Employees => kind == MemberType::Employee,
            TwoFactorPolicy::Everyone => true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum MemberType {
    #[default]
    Employee,
    Extranet,
}

impl MemberType {
    pub const fn as_str(self) -> &'static str {
        match self {
            MemberType::Employee => "employee",
            MemberType::Extranet => "extranet",
        }
    }

    pub fn parse(s: &str) -> Option<MemberType> {
        match s {
            "employee" => Some(MemberType::Employee),
            "extranet" => Some(MemberType::Extranet),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    #[default]
    User,
}

impl Role {
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::User => "user",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "user" => Some(Role::User),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum MemberStatus {
    Invited,
    #[default]
    Active,
    Dismissed,
}

impl MemberStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            MemberStatus::Invited => "invited",
            MemberStatus::Active => "active",
            MemberStatus::Dismissed => "dismissed",
        }
    }

    pub fn parse(s: &str) -> Option<MemberStatus> {
        match s {
            "invited" => Some(MemberStatus::Invited),
            "active" => Some(MemberStatus::Active),
            "dismissed" => Some(MemberStatus::Dismissed),
            _ => None,
        }
    }
}

/// A person's card in an account. `profile_id` is empty until an invitation is accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Membership {
    pub id: String,
    pub account_id: String,
    pub profile_id: Option<String>,
    pub kind: MemberType,
    pub role: Role,
    pub status: MemberStatus,
    pub first_name: String,
    pub last_name: String,
    /// Whether the card's person has two-step authentication on (read from the profile).
    #[serde(default)]
    pub two_factor_enabled: bool,
    /// The profile's login email (read through a join; not stored on the card).
    pub login_email: Option<String>,
    /// The email and phone of the card's profile as they are now, when that profile is
    /// confirmed (read through a join; not stored, not shown): what an invitation to one of
    /// them finds in this account without reading the address's owner.
    #[serde(skip)]
    pub profile_email: Option<String>,
    #[serde(skip)]
    pub profile_phone: Option<String>,
    pub contact_email: Option<String>,
    pub phone: Option<String>,
    pub photo_url: Option<String>,
    pub position: Option<String>,
    pub department_id: Option<String>,
    pub group_ids: Vec<String>,
    /// Personal data from the full admin form (gender, birthday...), as JSON.
    pub personal: Option<String>,
    pub last_login_at: Option<i64>,
    pub created_at: i64,
}

impl Membership {
    /// An admin who can run the account now: an active employee card with the admin role (the
    /// rule behind `last_admin`, written as SQL in `Guard::OtherActiveAdmin` and in
    /// `worker/invariants.sql`).
    pub fn is_active_admin(&self) -> bool {
        self.role == Role::Admin && self.kind == MemberType::Employee && self.status == MemberStatus::Active
    }
}

/// What makes two department or group names the same among siblings: trimmed, lowercased by
/// Unicode's rules ("Équipe" and "ÉQUIPE" are one name). Stored beside the name (`name_key`,
/// migration 0011) so that the commit's guard compares exactly what the flow compared.
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub parent_id: Option<String>,
    pub created_at: i64,
}

/// A group or project; extranet groups are the only thing extranet users can see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub extranet: bool,
    pub created_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InvitationState {
    Pending,
    Accepted,
    Revoked,
}

impl InvitationState {
    pub const fn as_str(self) -> &'static str {
        match self {
            InvitationState::Pending => "pending",
            InvitationState::Accepted => "accepted",
            InvitationState::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<InvitationState> {
        match s {
            "pending" => Some(InvitationState::Pending),
            "accepted" => Some(InvitationState::Accepted),
            "revoked" => Some(InvitationState::Revoked),
            _ => None,
        }
    }
}

/// An invitation into an account (token hash only), bound to the invited card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub id: String,
    pub account_id: String,
    /// The email or E.164 phone invited.
    pub to: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub token_hash: String,
    pub state: InvitationState,
    pub extranet: bool,
    pub department_id: Option<String>,
    pub group_ids: Vec<String>,
    pub membership_id: String,
    pub invited_by: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub accepted_at: Option<i64>,
}

impl AccountView {
    /// The account as the member holding `card` sees it.
    pub fn of(account: &Account, card: &Membership) -> AccountView {
        AccountView {
            id: account.id.clone(),
            name: account.name.clone(),
            address: account.address.clone(),
            plan: account.plan.as_str().to_string(),
            role: card.role.as_str().to_string(),
            kind: card.kind.as_str().to_string(),
            renames_left: account.renames_left,
            created_at: crate::time::rfc3339(account.created_at),
            require_two_factor: account.require_two_factor,
            remember_browsers: account.remember_browsers,
        }
    }
}

/// A social identity linked to a profile: (provider, subject) is unique across netid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SocialLink {
    pub provider: String,
    pub subject: String,
    pub email: Option<String>,
    #[serde(default)]
    pub created_at: i64,
}

/// What a social sign-in was started for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SocialMode {
    /// Log in with an identity already linked.
    Login,
    /// Create a profile from the identity (or log in when it is linked already).
    Signup,
    /// Link the identity to the logged-in profile that started it.
    Connect,
}

impl SocialMode {
    pub const fn as_str(self) -> &'static str {
        match self {
            SocialMode::Login => "login",
            SocialMode::Signup => "signup",
            SocialMode::Connect => "connect",
        }
    }

    pub fn parse(s: &str) -> Option<SocialMode> {
        match s {
            "login" => Some(SocialMode::Login),
            "signup" => Some(SocialMode::Signup),
            "connect" => Some(SocialMode::Connect),
            _ => None,
        }
    }
}

/// One social sign-in in progress (stored by hash of its `state`, spent by the callback).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SocialState {
    /// Hex SHA-256 of the `state` parameter.
    pub state_hash: String,
    pub provider: String,
    pub mode: SocialMode,
    /// The profile that started a connect.
    pub profile_id: Option<String>,
    /// A connect: the token hash of the session that started it, which must still be alive at
    /// the callback (a connect started before a logout links nothing).
    #[serde(default)]
    pub session_hash: Option<String>,
    pub nonce: String,
    /// The PKCE code verifier (RFC 7636).
    pub verifier: String,
    pub return_to: String,
    /// Hex SHA-256 of the browser-binding cookie the start set.
    pub binding_hash: String,
    pub client: ClientKind,
    pub lang: Lang,
    pub expires_at: i64,
    pub created_at: i64,
}

/// How a workspace's application authenticates at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AppType {
    /// A server that keeps a secret (`client_secret_basic` or `client_secret_post`).
    #[default]
    Confidential,
    /// A browser or native app: no secret, PKCE required.
    Public,
}

impl AppType {
    pub fn as_str(self) -> &'static str {
        match self {
            AppType::Confidential => "confidential",
            AppType::Public => "public",
        }
    }

    pub fn parse(s: &str) -> Option<AppType> {
        match s {
            "confidential" => Some(AppType::Confidential),
            "public" => Some(AppType::Public),
            _ => None,
        }
    }
}

/// A workspace's application: an OpenID Connect client of exactly one account.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct App {
    pub client_id: String,
    pub account_id: String,
    pub name: String,
    pub kind: AppType,
    /// Matched exactly (a loopback one's port may differ, RFC 8252 section 7.3).
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    /// Where back-channel logout tokens are posted (a server-side request target).
    pub backchannel_logout_uri: Option<String>,
    /// The app's own "start sign-in" address (OIDC third-party initiated login).
    pub initiate_login_uri: Option<String>,
    /// SHA-256 (hex) of a confidential client's secret.
    pub secret_hash: Option<String>,
    /// Disabled by the operator: it signs nobody in.
    pub disabled: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One of the provider's signing keys (ES256). The Worker makes it with WebCrypto; core
/// stores it and says which one signs and which ones the JWKS serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningKey {
    pub kid: String,
    /// The public half as a JWK (JSON text, with `kid`, `alg`, `use`).
    pub public_jwk: String,
    /// The private half (PKCS #8), sealed under the service's key and bound to the kid.
    pub private_sealed: String,
    pub created_at: i64,
    /// Served from its creation; signs from here on (the newest such key signs).
    pub signs_from: i64,
    /// Leaves the JWKS then (every token it signed has expired).
    pub retire_at: Option<i64>,
}

impl SigningKey {
    /// In the JWKS at `now`.
    pub fn published(&self, now: i64) -> bool {
        self.retire_at.is_none_or(|r| r > now)
    }
}

/// An authorization code (stored as its SHA-256): 60 seconds, single use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthCode {
    pub code_hash: String,
    pub client_id: String,
    pub account_id: String,
    pub profile_id: String,
    /// The netid session the person was signed in with, and its public id (`sid`).
    pub session_hash: String,
    pub sid: String,
    pub redirect_uri: String,
    /// The S256 challenge the request carried.
    pub code_challenge: Option<String>,
    pub nonce: Option<String>,
    pub scope: String,
    pub auth_time: i64,
    pub amr: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

/// A workspace app's refresh token (stored as its SHA-256): rotated on every use; its
/// family is the code that began it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OauthToken {
    pub token_hash: String,
    pub family_id: String,
    pub client_id: String,
    pub account_id: String,
    pub profile_id: String,
    pub session_hash: String,
    pub sid: String,
    pub scope: String,
    pub auth_time: i64,
    pub amr: String,
    pub used_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub created_at: i64,
    pub expires_at: i64,
    /// The issuer the family's tokens carry (its back-channel logout token says it too).
    #[serde(default)]
    pub issuer: String,
}

/// A browser that may skip the second step ("remember this browser", 30 days).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RememberedBrowser {
    pub id: String,
    pub profile_id: String,
    /// The SHA-256 of the cookie token's secret.
    pub token_hash: String,
    /// The SHA-256 of the browser's device cookie: the token is good on that browser only.
    pub device: String,
    pub user_agent: Option<String>,
    pub location: Option<String>,
    pub created_at: i64,
    pub last_used_at: i64,
    pub expires_at: i64,
}

/// A registered passkey (a WebAuthn public-key credential).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Passkey {
    pub id: String,
    pub profile_id: String,
    /// The authenticator's credential id, base64url.
    pub credential_id: String,
    /// The COSE public key, base64url CBOR.
    pub public_key: String,
    /// Its COSE algorithm (-7 ES256, -8 EdDSA, -257 RS256).
    pub alg: i64,
    /// The last signature counter seen (0 for credentials that do not count, as synced ones).
    pub sign_count: i64,
    /// The BE flag: the credential may be synced (backed up) to other devices.
    pub backup_eligible: bool,
    /// The BS flag, as last seen: the credential is backed up.
    pub backed_up: bool,
    /// The authenticator model's AAGUID (all zeros when it does not say).
    pub aaguid: String,
    /// The transports the browser reported, comma-separated.
    pub transports: String,
    /// The WebAuthn user handle the credential was made for (the profile's).
    pub user_handle: String,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// What a WebAuthn challenge was issued for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CeremonyPurpose {
    /// Registering a passkey on a logged-in profile.
    Register,
    /// A passkey login (a discoverable credential: the profile is not known yet).
    Login,
    /// A passkey as the second step of a login ticket.
    Second,
}

impl CeremonyPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            CeremonyPurpose::Register => "register",
            CeremonyPurpose::Login => "login",
            CeremonyPurpose::Second => "second",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "register" => Some(CeremonyPurpose::Register),
            "login" => Some(CeremonyPurpose::Login),
            "second" => Some(CeremonyPurpose::Second),
            _ => None,
        }
    }
}

/// A WebAuthn challenge between its options and the browser's answer: single use, hashed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ceremony {
    pub challenge_hash: String,
    pub purpose: CeremonyPurpose,
    /// The profile it is bound to (a registration, a second step).
    pub profile_id: Option<String>,
    /// The login ticket it finishes (a second step).
    pub ticket_hash: Option<String>,
    /// The user handle a registration offered.
    pub user_handle: Option<String>,
    pub expires_at: i64,
    pub created_at: i64,
}
