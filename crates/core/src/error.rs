//! The one domain error type: a stable code, an optional field, a localized message.

use crate::lang::Lang;
use crate::messages;

/// Every error netid can answer with. The wire code (`code()`) is stable; several variants
/// may share a wire code when they differ only in the message (e.g. the `weak_password` reasons).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    InvalidJson,
    InvalidRequest,
    PayloadTooLarge,
    UnsupportedMediaType,
    InvalidEmail,
    InvalidPhone,
    InvalidName,
    PasswordTooShort,
    PasswordTooLong,
    PasswordCommon,
    PasswordPersonal,
    InvalidCode,
    CodeExpired,
    CodeAttemptsExceeded,
    InvalidCredentials,
    EmailUnconfirmed,
    PhoneUnconfirmed,
    SecondFactorRequired,
    TooManyAttempts,
    Unauthenticated,
    InvalidRefreshToken,
    Forbidden,
    OriginNotAllowed,
    NotFound,
    MethodNotAllowed,
    EmailTaken,
    PhoneTaken,
    ValueUnchanged,
    ProfileHasAccounts,
    InvalidPhoto,
    NotAccountAdmin,
    AccountLimitReached,
    RenameLimitReached,
    TooManyInvitees,
    AlreadyMember,
    AlreadyInvited,
    InvitationExpired,
    ExtranetRequiresExtranetGroup,
    InvalidAccountName,
    /// A free-text field (a department's or group's name, a position) empty where it is
    /// required, too long, or with control, invisible or bidirectional formatting
    /// characters (`validate::visible_text`) (422).
    InvalidText,
    LastAdmin,
    /// The daily send limit of an address or an account is reached (429).
    SendLimitReached,
    /// A login field left blank (422).
    LoginRequired,
    /// A department or group name already used by a sibling (409).
    NameTaken,
    /// An outbox message that cannot be sent again: delivered, or its code or link erased (409).
    MessageNotRetryable,
    TooManyAddresses,
    PlanRequired,
    PasswordChangeRequired,
    /// A wrong or replayed second-factor code where a code is being proven (422).
    InvalidOtp,
    /// The same at login (401).
    InvalidOtpLogin,
    /// A wrong or spent recovery code at login (401; on the wire `invalid_otp`, its message
    /// speaks of the recovery code, not of the authenticator app).
    InvalidRecoveryCode,
    TwoFactorNotEnabled,
    TwoFactorAlreadyEnabled,
    /// A social identity linked to no profile tried to log in (401).
    SocialNotLinked,
    /// The social identity is linked to another profile already (409).
    SocialAlreadyLinked,
    /// An address a workspace's application registers is not one it may use: not https (http
    /// only on a loopback host), with credentials or a fragment, or, for a back-channel logout
    /// address, not on a public host (422).
    InvalidUri,
    /// The account has registered as many applications as it may (409).
    AppLimitReached,
    /// Removing it would leave the profile no way in (409).
    LastLoginMethod,
    /// An authorization request netid cannot answer at the app: an unknown or disabled
    /// client, or a redirect URI it has not registered exactly (400, an error page).
    InvalidAuthorizationRequest,
    /// The person holds no active card in the application's workspace (403, an error page).
    NoWorkspaceAccess,
    /// An authorization code or refresh token that is unknown, expired, spent, revoked, for
    /// another client or redirect URI, or whose PKCE verifier does not match (400).
    InvalidGrant,
    /// The application could not be authenticated: unknown client, wrong secret, or a
    /// method it may not use (401).
    InvalidClient,
    /// A social callback whose state is unknown, spent, expired or from another browser (400).
    SocialStateInvalid,
    /// The provider's answer failed verification (signature, issuer, audience, expiry, nonce) (401).
    SocialTokenInvalid,
    /// The person declined at the provider (401).
    SocialDenied,
    /// The provider could not be reached or answered with an error (502).
    SocialProviderError,
    /// A sensitive change from a profile without a password needs a session younger than 10 minutes (403).
    ReauthenticationRequired,
    /// A passkey's registration failed verification: its challenge, origin, RP ID, flags,
    /// key or attestation format (422).
    InvalidPasskey,
    /// The profile has registered as many passkeys as it may (10) (409).
    PasskeyLimitReached,
    /// The workspace requires two-step authentication of this member, who has it off: set it
    /// up first (403).
    TwoFactorRequired,
    /// Switching two-step off is refused while a workspace of the person's requires it (409).
    TwoFactorRequiredByWorkspace,
    /// The operator API is called with a session that was not signed in with a second
    /// factor (an authenticator code or a passkey) (403).
    OperatorSecondFactorRequired,
    Internal,
}

impl Code {
    /// Every variant, so tests can prove each has a message in every language.
    pub const ALL: [Code; 73] = [
        Code::InvalidJson,
        Code::InvalidRequest,
        Code::PayloadTooLarge,
        Code::UnsupportedMediaType,
        Code::InvalidEmail,
        Code::InvalidPhone,
        Code::InvalidName,
        Code::PasswordTooShort,
        Code::PasswordTooLong,
        Code::PasswordCommon,
        Code::PasswordPersonal,
        Code::InvalidCode,
        Code::CodeExpired,
        Code::CodeAttemptsExceeded,
        Code::InvalidCredentials,
        Code::EmailUnconfirmed,
        Code::PhoneUnconfirmed,
        Code::SecondFactorRequired,
        Code::TooManyAttempts,
        Code::Unauthenticated,
        Code::InvalidRefreshToken,
        Code::Forbidden,
        Code::OriginNotAllowed,
        Code::NotFound,
        Code::MethodNotAllowed,
        Code::EmailTaken,
        Code::PhoneTaken,
        Code::ValueUnchanged,
        Code::ProfileHasAccounts,
        Code::InvalidPhoto,
        Code::NotAccountAdmin,
        Code::AccountLimitReached,
        Code::RenameLimitReached,
        Code::TooManyInvitees,
        Code::AlreadyMember,
        Code::AlreadyInvited,
        Code::InvitationExpired,
        Code::ExtranetRequiresExtranetGroup,
        Code::InvalidAccountName,
        Code::InvalidText,
        Code::LastAdmin,
        Code::SendLimitReached,
        Code::LoginRequired,
        Code::NameTaken,
        Code::MessageNotRetryable,
        Code::TooManyAddresses,
        Code::PlanRequired,
        Code::PasswordChangeRequired,
        Code::InvalidOtp,
        Code::InvalidOtpLogin,
        Code::InvalidRecoveryCode,
        Code::TwoFactorNotEnabled,
        Code::TwoFactorAlreadyEnabled,
        Code::SocialNotLinked,
        Code::SocialAlreadyLinked,
        Code::LastLoginMethod,
        Code::InvalidUri,
        Code::AppLimitReached,
        Code::InvalidAuthorizationRequest,
        Code::NoWorkspaceAccess,
        Code::InvalidGrant,
        Code::InvalidClient,
        Code::SocialStateInvalid,
        Code::SocialTokenInvalid,
        Code::SocialDenied,
        Code::SocialProviderError,
        Code::ReauthenticationRequired,
        Code::InvalidPasskey,
        Code::PasskeyLimitReached,
        Code::TwoFactorRequired,
        Code::TwoFactorRequiredByWorkspace,
        Code::OperatorSecondFactorRequired,
        Code::Internal,
    ];

    /// The stable wire code.
    pub const fn code(self) -> &'static str {
        match self {
            Code::InvalidJson => "invalid_json",
            Code::InvalidRequest => "invalid_request",
            Code::PayloadTooLarge => "payload_too_large",
            Code::UnsupportedMediaType => "unsupported_media_type",
            Code::InvalidEmail => "invalid_email",
            Code::InvalidPhone => "invalid_phone",
            Code::InvalidName => "invalid_name",
            Code::PasswordTooShort | Code::PasswordTooLong | Code::PasswordCommon | Code::PasswordPersonal => {
                "weak_password"
            }
            Code::InvalidCode => "invalid_code",
            Code::CodeExpired => "code_expired",
            Code::CodeAttemptsExceeded => "code_attempts_exceeded",
            Code::InvalidCredentials => "invalid_credentials",
            Code::EmailUnconfirmed => "email_unconfirmed",
            Code::PhoneUnconfirmed => "phone_unconfirmed",
            Code::SecondFactorRequired => "second_factor_required",
            Code::TooManyAttempts => "too_many_attempts",
            Code::Unauthenticated => "unauthenticated",
            Code::InvalidRefreshToken => "invalid_refresh_token",
            Code::Forbidden => "forbidden",
            Code::OriginNotAllowed => "origin_not_allowed",
            Code::NotFound => "not_found",
            Code::MethodNotAllowed => "method_not_allowed",
            Code::EmailTaken => "email_taken",
            Code::PhoneTaken => "phone_taken",
            Code::ValueUnchanged => "value_unchanged",
            Code::ProfileHasAccounts => "profile_has_accounts",
            Code::InvalidPhoto => "invalid_photo",
            Code::NotAccountAdmin => "not_account_admin",
            Code::AccountLimitReached => "account_limit_reached",
            Code::RenameLimitReached => "rename_limit_reached",
            Code::TooManyInvitees => "too_many_invitees",
            Code::AlreadyMember => "already_member",
            Code::AlreadyInvited => "already_invited",
            Code::InvitationExpired => "invitation_expired",
            Code::ExtranetRequiresExtranetGroup => "extranet_requires_extranet_group",
            Code::InvalidAccountName => "invalid_account_name",
            Code::InvalidText => "invalid_text",
            Code::LastAdmin => "last_admin",
            Code::SendLimitReached => "send_limit_reached",
            Code::LoginRequired => "login_required",
            Code::NameTaken => "name_taken",
            Code::MessageNotRetryable => "message_not_retryable",
            Code::TooManyAddresses => "too_many_addresses",
            Code::PlanRequired => "plan_required",
            Code::PasswordChangeRequired => "password_change_required",
            Code::InvalidOtp | Code::InvalidOtpLogin | Code::InvalidRecoveryCode => "invalid_otp",
            Code::TwoFactorNotEnabled => "two_factor_not_enabled",
            Code::TwoFactorAlreadyEnabled => "two_factor_already_enabled",
            Code::SocialNotLinked => "social_not_linked",
            Code::SocialAlreadyLinked => "social_already_linked",
            Code::LastLoginMethod => "last_login_method",
            Code::InvalidUri => "invalid_uri",
            Code::AppLimitReached => "app_limit_reached",
            Code::InvalidAuthorizationRequest => "invalid_authorization_request",
            Code::NoWorkspaceAccess => "no_workspace_access",
            Code::InvalidGrant => "invalid_grant",
            Code::InvalidClient => "invalid_client",
            Code::SocialStateInvalid => "social_state_invalid",
            Code::SocialTokenInvalid => "social_token_invalid",
            Code::SocialDenied => "social_denied",
            Code::SocialProviderError => "social_provider_error",
            Code::ReauthenticationRequired => "reauthentication_required",
            Code::InvalidPasskey => "invalid_passkey",
            Code::PasskeyLimitReached => "passkey_limit_reached",
            Code::TwoFactorRequired => "two_factor_required",
            Code::TwoFactorRequiredByWorkspace => "two_factor_required_by_workspace",
            Code::OperatorSecondFactorRequired => "operator_second_factor_required",
            Code::Internal => "internal_error",
        }
    }

    /// A finer reason for codes that share a wire code (`weak_password`).
    pub const fn reason(self) -> Option<&'static str> {
        match self {
            Code::PasswordTooShort => Some("too_short"),
            Code::PasswordTooLong => Some("too_long"),
            Code::PasswordCommon => Some("common"),
            Code::PasswordPersonal => Some("personal"),
            _ => None,
        }
    }

    /// The message in `lang`.
    pub fn message(self, lang: Lang) -> &'static str {
        messages::message(self, lang)
    }

    /// Looks a variant up by wire code (the first variant with that code).
    pub fn from_code(code: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// A domain error: what went wrong, which input (if one) is at fault, and for throttling,
/// how many seconds to wait.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .code.code())]
pub struct Error {
    pub code: Code,
    pub field: Option<&'static str>,
    pub retry_after: Option<u64>,
    /// For `second_factor_required`: the ticket that finishes the login.
    pub challenge: Option<Challenge>,
    /// For `Internal`: what failed, for the logs only (never sent to clients).
    pub detail: Option<String>,
}

impl Error {
    pub fn new(code: Code) -> Self {
        Error { code, field: None, retry_after: None, challenge: None, detail: None }
    }

    pub fn field(code: Code, field: &'static str) -> Self {
        Error { code, field: Some(field), retry_after: None, challenge: None, detail: None }
    }

    /// With a different field name (e.g. `new_password` instead of `password`).
    pub fn at(mut self, field: &'static str) -> Self {
        self.field = Some(field);
        self
    }

    pub fn throttled(retry_after: u64) -> Self {
        Error {
            code: Code::TooManyAttempts,
            field: None,
            retry_after: Some(retry_after),
            challenge: None,
            detail: None,
        }
    }

    pub fn internal(detail: impl Into<String>) -> Self {
        Error { code: Code::Internal, field: None, retry_after: None, challenge: None, detail: Some(detail.into()) }
    }

    pub fn message(&self, lang: Lang) -> &'static str {
        self.code.message(lang)
    }
}

/// The second step a login needs: a single-use ticket and when it expires (unix seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub ticket: String,
    pub expires_at: i64,
    /// The profile has passkeys: one may be the second step.
    pub passkey: bool,
}

impl Error {
    /// `second_factor_required` with its ticket.
    pub fn second_factor(ticket: String, expires_at: i64, passkey: bool) -> Self {
        let mut e = Error::new(Code::SecondFactorRequired);
        e.challenge = Some(Challenge { ticket, expires_at, passkey });
        e
    }
}

impl From<Code> for Error {
    fn from(code: Code) -> Self {
        Error::new(code)
    }
}

pub type Result<T, E = Error> = core::result::Result<T, E>;
