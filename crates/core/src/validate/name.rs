use crate::error::{Code, Error};
use serde::Serialize;

/// A first or last name: 1..=50 characters after trimming and collapsing inner spaces;
/// letters (any script, with combining marks), spaces, hyphens, apostrophes and dots;
/// at least one letter; no digits or symbols.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Name(String);

impl Name {
    pub const MAX_CHARS: usize = 50;

    pub fn parse(input: &str, field: &'static str) -> Result<Name, Error> {
        let bad = || Error::field(Code::InvalidName, field);
        let collapsed = input.split_whitespace().collect::<Vec<_>>().join(" ");
        let count = collapsed.chars().count();
        if count == 0 || count > Self::MAX_CHARS {
            return Err(bad());
        }
        let mut letters = 0;
        for c in collapsed.chars() {
            if c.is_alphabetic() {
                letters += 1;
            } else if is_combining_mark(c) || matches!(c, ' ' | '-' | '\'' | '\u{2019}' | '.' | '\u{2010}') {
            } else {
                return Err(bad());
            }
        }
        if letters == 0 {
            return Err(bad());
        }
        Ok(Name(collapsed))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn from_trusted(s: String) -> Name {
        Name(s)
    }
}

/// Unicode combining diacritical marks (used by decomposed Vietnamese, among others).
fn is_combining_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}
