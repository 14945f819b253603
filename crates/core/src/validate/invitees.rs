//! The mass-invitation text box: addresses separated by spaces, commas, semicolons or new
//! lines; deduplicated after normalization; one entry per distinct address.

use super::{Email, Phone};
use crate::error::{Code, Error};

/// Most addresses one mass invitation may carry.
pub const MAX_MASS_ADDRESSES: usize = 100;

/// One distinct address of a mass invitation: the text as typed and what it parsed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MassEntry {
    pub input: String,
    pub parsed: Result<Invitee, Error>,
}

/// A valid invitee address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invitee {
    Email(Email),
    Phone(Phone),
}

impl Invitee {
    pub fn as_str(&self) -> &str {
        match self {
            Invitee::Email(e) => e.as_str(),
            Invitee::Phone(p) => p.as_str(),
        }
    }

    /// An address typed for an invitation, told apart by the login rule
    /// ([`Login::kind_of`](super::Login::kind_of)): email when it has `@` or a letter, else an
    /// international phone.
    pub fn parse(input: &str) -> Result<Invitee, Error> {
        match super::Login::kind_of(input) {
            Some(super::LoginKind::Phone) => Phone::parse(input, None).map(Invitee::Phone),
            _ => Email::parse(input).map(Invitee::Email),
        }
    }
}

/// Splits and deduplicates the text. More than [`MAX_MASS_ADDRESSES`] distinct entries is
/// `too_many_addresses`.
pub fn parse_mass(text: &str) -> Result<Vec<MassEntry>, Error> {
    let mut out: Vec<MassEntry> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for token in text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';')) {
        let token = token.trim_matches(|c: char| matches!(c, '<' | '>' | '"' | '\''));
        if token.is_empty() {
            continue;
        }
        let parsed = Invitee::parse(token);
        let key = match &parsed {
            Ok(i) => i.as_str().to_string(),
            Err(_) => token.to_lowercase(),
        };
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        out.push(MassEntry { input: token.to_string(), parsed });
        if out.len() > MAX_MASS_ADDRESSES {
            return Err(Error::field(Code::TooManyAddresses, "emails"));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_dedupes_and_keeps_bad_entries() {
        let v =
            parse_mass("a@example.com b@example.org,A@Example.com;\n\tnot-an-address  <c@example.net> a@example.com")
                .unwrap();
        let inputs: Vec<&str> = v.iter().map(|e| e.input.as_str()).collect();
        assert_eq!(inputs, vec!["a@example.com", "b@example.org", "not-an-address", "c@example.net"]);
        assert_eq!(v[2].parsed.as_ref().map_err(|e| e.code), Err(Code::InvalidEmail));
        assert!(parse_mass("   ").unwrap().is_empty());
        let many: String = (0..101).map(|i| format!("u{i}@example.com ")).collect();
        assert_eq!(parse_mass(&many).map_err(|e| e.code), Err(Code::TooManyAddresses));
    }
}
