use crate::error::{Code, Error};
use email_address::{EmailAddress, Options};
use serde::Serialize;

/// An email address, RFC 5322 addr-spec (via the `email_address` crate) restricted to what
/// can receive mail on the Internet: a dotted domain name, no IP literals, no display names,
/// at most 254 characters (64 before the `@`). Stored lowercase.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(input: &str) -> Result<Email, Error> {
        let bad = || Error::field(Code::InvalidEmail, "email");
        let s = input.trim();
        if s.is_empty() || s.len() > Self::MAX_LEN || s.chars().any(|c| c.is_control()) {
            return Err(bad());
        }
        let options = Options { minimum_sub_domains: 2, allow_domain_literal: false, allow_display_text: false };
        let parsed = EmailAddress::parse_with_options(s, options).map_err(|_| bad())?;
        if parsed.local_part().len() > 64 {
            return Err(bad());
        }
        let domain = parsed.domain();
        let tld = domain.rsplit('.').next().unwrap_or("");
        let tld_ok =
            tld.len() >= 2 && (tld.chars().all(|c| c.is_alphabetic()) || tld.to_ascii_lowercase().starts_with("xn--"));
        if !tld_ok || domain.split('.').any(|label| label.is_empty() || label.len() > 63) {
            return Err(bad());
        }
        Ok(Email(s.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before `@`.
    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map(|(l, _)| l).unwrap_or(&self.0)
    }

    /// A trusted value read back from storage (already validated when written).
    pub fn from_trusted(s: String) -> Email {
        Email(s)
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
