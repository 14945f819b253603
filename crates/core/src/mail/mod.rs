//! What netid sends, in the person's language: per kind a subject, a plain-text body and an
//! HTML body for email, and a short text for SMS. Rendered here (natively testable), stored
//! with the outbox row, sent as they are by the Worker's delivery.

mod html;
mod sms;
mod texts;

pub use html::escape as escape_html;
pub use sms::{segments as sms_segments, SmsEncoding};

use crate::lang::Lang;
use crate::model::Channel;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    /// Confirms a new profile's email or phone (also re-sent at login while unconfirmed).
    SignupCode,
    EmailChangeCode,
    PhoneChangeCode,
    PasswordResetCode,
    PasswordChanged,
    /// To the OLD address after an email change.
    EmailChanged,
    /// Two-step authentication was switched off (by the person or an admin).
    TwoFactorDisabled,
    /// A recovery code was used to log in.
    RecoveryCodeUsed,
    /// An invitation into an account, with the acceptance link.
    Invitation,
    /// "Add a user": the admin created the login; how to sign in.
    LoginDetails,
    /// Free account idle for 43 days: deleted in 7 days unless someone logs in.
    InactivityWarning,
    /// A social login ({provider}) was connected to the profile.
    SocialConnected,
    /// A passkey ({name}) was added to the profile.
    PasskeyAdded,
    /// A passkey ({name}) was removed from the profile.
    PasskeyRemoved,
    /// A passkey ({name}) answered with a signature counter that went back: a copy of it
    /// may exist; the login was refused.
    PasskeyCloned,
    /// Two-step authentication was switched on.
    TwoFactorEnabled,
    /// New recovery codes were made; the old ones stopped working.
    RecoveryCodesRenewed,
    /// A code of the authenticator app was presented again after it was used.
    OtpReplayed,
    /// To the OLD number after a phone change.
    PhoneChanged,
    /// A sign-in from a device (its device cookie) or a country not seen before on the
    /// profile: {time}, {place}, {device}, and {link} to the sessions list.
    NewSignIn,
}

impl MailKind {
    pub const ALL: [MailKind; 20] = [
        MailKind::SignupCode,
        MailKind::EmailChangeCode,
        MailKind::PhoneChangeCode,
        MailKind::PasswordResetCode,
        MailKind::PasswordChanged,
        MailKind::EmailChanged,
        MailKind::TwoFactorDisabled,
        MailKind::RecoveryCodeUsed,
        MailKind::Invitation,
        MailKind::LoginDetails,
        MailKind::InactivityWarning,
        MailKind::SocialConnected,
        MailKind::PasskeyAdded,
        MailKind::PasskeyRemoved,
        MailKind::PasskeyCloned,
        MailKind::TwoFactorEnabled,
        MailKind::RecoveryCodesRenewed,
        MailKind::OtpReplayed,
        MailKind::PhoneChanged,
        MailKind::NewSignIn,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            MailKind::SignupCode => "signup_code",
            MailKind::EmailChangeCode => "email_change_code",
            MailKind::PhoneChangeCode => "phone_change_code",
            MailKind::PasswordResetCode => "password_reset_code",
            MailKind::PasswordChanged => "password_changed",
            MailKind::EmailChanged => "email_changed",
            MailKind::TwoFactorDisabled => "two_factor_disabled",
            MailKind::RecoveryCodeUsed => "recovery_code_used",
            MailKind::Invitation => "invitation",
            MailKind::LoginDetails => "login_details",
            MailKind::InactivityWarning => "inactivity_warning",
            MailKind::SocialConnected => "social_connected",
            MailKind::PasskeyAdded => "passkey_added",
            MailKind::PasskeyRemoved => "passkey_removed",
            MailKind::PasskeyCloned => "passkey_cloned",
            MailKind::TwoFactorEnabled => "two_factor_enabled",
            MailKind::RecoveryCodesRenewed => "recovery_codes_renewed",
            MailKind::OtpReplayed => "otp_replayed",
            MailKind::PhoneChanged => "phone_changed",
            MailKind::NewSignIn => "new_sign_in",
        }
    }
}

impl MailKind {
    pub fn from_name(name: &str) -> Option<MailKind> {
        MailKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// Sent because someone asked for it, to an address they typed (codes, invitations,
    /// login details): these count against the send limits. Security notices about a
    /// profile's own changes and the cleanup's warnings are never held back by them.
    pub const fn is_requested(self) -> bool {
        matches!(
            self,
            MailKind::SignupCode
                | MailKind::EmailChangeCode
                | MailKind::PhoneChangeCode
                | MailKind::PasswordResetCode
                | MailKind::Invitation
                | MailKind::LoginDetails
        )
    }
}

/// A message ready to send: for SMS `text` is the short text and `html` is empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Names that come from people (an account's name) are shown as data, never as a link:
/// a zero-width space after every `.`, `@`, `:` and `/` stops mail clients from turning
/// "pay.example.com" into one.
fn as_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        out.push(c);
        if matches!(c, '.' | '@' | ':' | '/') {
            out.push('\u{200B}');
        }
    }
    out
}

fn fill(template: &str, vars: &[(&str, String)]) -> String {
    let mut out = template.to_string();
    for (k, v) in vars {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

fn index(lang: Lang) -> usize {
    Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0)
}

/// The message of `kind` in `lang` for `channel`, with `{name}` placeholders filled in from
/// `vars` (`code`, `link`, `account`, `login`, `email`).
pub fn compose(kind: MailKind, lang: Lang, channel: Channel, vars: &[(&str, &str)]) -> Composed {
    let vars: Vec<(&str, String)> =
        vars.iter().map(|(k, v)| (*k, if *k == "account" { as_data(v) } else { (*v).to_string() })).collect();
    let get = |name: &str| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str());
    let (subject, body) = texts::texts(kind)[index(lang)];
    let subject = fill(subject, &vars);
    match channel {
        // A logout token is no text (the delivery signs it): its rows never come through here.
        Channel::Sms | Channel::Backchannel => {
            Composed { subject, text: fill(sms::text(kind)[index(lang)], &vars), html: String::new() }
        }
        Channel::Email => {
            // The code box and the button only for what the text itself carries.
            let code = get("code").filter(|_| body.contains("{code}"));
            let link = get("link").filter(|_| body.contains("{link}"));
            let text = fill(body, &vars);
            let html = html::render(kind, lang, &subject, &text, code, link);
            Composed { subject, text, html }
        }
    }
}

/// The channel that reaches an address: SMS for phone numbers.
pub fn channel_for(address: &str) -> Channel {
    if address.starts_with('+') {
        Channel::Sms
    } else {
        Channel::Email
    }
}

#[cfg(test)]
mod tests;
