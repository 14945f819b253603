use super::{Email, Phone};
use crate::error::{Code, Error};

/// What a person types to log in: an email (anything with `@`) or a phone number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Login {
    Email(Email),
    Phone(Phone),
}

/// What a login input is taken for. One rule, used by the server and (through
/// `@netid/client`'s `validateLogin`) by the pages, so both show the same error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginKind {
    Email,
    Phone,
}

impl LoginKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            LoginKind::Email => "email",
            LoginKind::Phone => "phone",
        }
    }
}

impl Login {
    /// An `@` or any letter makes an email (a mistyped address gets the email error, not the
    /// phone one); only digits, spaces and `+-.()/` make a phone number; blank is neither.
    pub fn kind_of(input: &str) -> Option<LoginKind> {
        let s = input.trim();
        if s.is_empty() {
            None
        } else if s.contains('@') || s.chars().any(char::is_alphabetic) {
            Some(LoginKind::Email)
        } else {
            Some(LoginKind::Phone)
        }
    }

    /// Parses a login; a bad one is `invalid_credentials`-neutral: it answers with the
    /// validation error of the kind it looks like, on the field `login` (`login_required`
    /// when blank).
    pub fn parse(input: &str, default_region: Option<&str>) -> Result<Login, Error> {
        match Login::kind_of(input) {
            None => Err(Error::field(Code::LoginRequired, "login")),
            Some(LoginKind::Email) => Email::parse(input).map(Login::Email).map_err(|e| e.at("login")),
            Some(LoginKind::Phone) => Phone::parse(input, default_region)
                .map(Login::Phone)
                .map_err(|_| Error::field(Code::InvalidPhone, "login")),
        }
    }

    pub fn kind(&self) -> LoginKind {
        match self {
            Login::Email(_) => LoginKind::Email,
            Login::Phone(_) => LoginKind::Phone,
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Login::Email(e) => e.as_str(),
            Login::Phone(p) => p.as_str(),
        }
    }
}
