use super::{Email, Phone};
use crate::error::{Code, Error};

/// What a person types to log in: an email (anything with `@`) or a phone number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Login {
    Email(Email),
    Phone(Phone),
}

impl Login {
    /// Parses a login; a bad one is `invalid_credentials`-neutral: it answers with the
    /// validation error of the kind it looks like, on the field `login`.
    pub fn parse(input: &str, default_region: Option<&str>) -> Result<Login, Error> {
        if input.contains('@') {
            Email::parse(input).map(Login::Email).map_err(|e| e.at("login"))
        } else {
            Phone::parse(input, default_region).map(Login::Phone).map_err(|_| Error::field(Code::InvalidPhone, "login"))
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Login::Email(e) => e.as_str(),
            Login::Phone(p) => p.as_str(),
        }
    }
}
