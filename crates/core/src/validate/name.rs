use super::text::visible_text;
use crate::error::{Code, Error};
use serde::Serialize;

/// A first or last name: 1..=50 characters after trimming and collapsing inner spaces;
/// letters (any script, with combining marks), spaces, hyphens, apostrophes and dots;
/// at least one letter; no digits or symbols. ZWNJ and ZWJ (Persian, Indic scripts) are
/// allowed only between two non-ASCII letters; no other invisible or bidirectional
/// formatting character ([`visible_text`](super::visible_text)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Name(String);

impl Name {
    pub const MAX_CHARS: usize = 50;

    pub fn parse(input: &str, field: &'static str) -> Result<Name, Error> {
        let bad = || Error::field(Code::InvalidName, field);
        let collapsed = input.split_whitespace().collect::<Vec<_>>().join(" ");
        let count = collapsed.chars().count();
        if count == 0 || count > Self::MAX_CHARS || !visible_text(&collapsed) {
            return Err(bad());
        }
        let mut letters = 0;
        for c in collapsed.chars() {
            if c.is_alphabetic() {
                letters += 1;
            } else if is_combining_mark(c)
                || matches!(c, ' ' | '-' | '\'' | '\u{2019}' | '.' | '\u{2010}' | '\u{200C}' | '\u{200D}')
            {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_bidi_or_invisible_characters() {
        let bad = |s: &str| Name::parse(s, "last_name").map_err(|e| (e.code, e.field));
        for s in [
            "Payroll \u{202e}exe.nalp",
            "Anna\u{202E}",
            "An\u{200B}na",
            "\u{200F}Anna",
            "Anna\u{2066}",
            "An\u{00AD}na",
            "An\u{034F}na",
            "\u{FEFF}Anna",
            "Anna\u{E0041}",
            "An\u{200D}na",
            "\u{3164}",
        ] {
            assert_eq!(bad(s), Err((Code::InvalidName, Some("last_name"))), "{s:?}");
        }
        assert_eq!(Name::parse("علی\u{200C}رضا", "first_name").map(|n| n.0), Ok("علی\u{200C}رضا".to_string()));
        assert!(Name::parse("Anna-Maria", "first_name").is_ok());
    }
}
