use super::text::visible_text;
use crate::error::{Code, Error};

/// An account (workspace) name: 1..=100 characters after trimming and collapsing inner
/// spaces, no control, bidirectional or invisible formatting character
/// ([`visible_text`](super::visible_text)): account names reach strangers in invitations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountName(String);

impl AccountName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(input: &str) -> Result<AccountName, Error> {
        let collapsed = input.split_whitespace().collect::<Vec<_>>().join(" ");
        let n = collapsed.chars().count();
        if n == 0 || n > Self::MAX_CHARS || !visible_text(&collapsed) {
            return Err(Error::field(Code::InvalidAccountName, "name"));
        }
        Ok(AccountName(collapsed))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address slug derived from the name: lowercase ASCII letters and digits joined by
    /// single hyphens (Latin diacritics folded), at most 40 characters; empty when nothing is left.
    pub fn slug(&self) -> String {
        let mut out = String::new();
        let mut dash = false;
        for c in self.0.chars().flat_map(char::to_lowercase) {
            let c = fold(c);
            if c.is_ascii_alphanumeric() {
                if dash && !out.is_empty() {
                    out.push('-');
                }
                dash = false;
                out.push(c);
            } else {
                dash = true;
            }
            if out.len() >= 40 {
                break;
            }
        }
        out.trim_end_matches('-').to_string()
    }
}

/// Folds common Latin letters with diacritics to ASCII (Polish, French, Vietnamese basics).
fn fold(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ą' | 'ă' | 'ạ' | 'ả' | 'ấ' | 'ầ' | 'ẩ' | 'ẫ' | 'ậ' | 'ắ' | 'ằ' | 'ẳ'
        | 'ẵ' | 'ặ' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'đ' | 'ď' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ę' | 'ẹ' | 'ẻ' | 'ẽ' | 'ế' | 'ề' | 'ể' | 'ễ' | 'ệ' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'ị' | 'ỉ' | 'ĩ' => 'i',
        'ł' => 'l',
        'ñ' | 'ń' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ơ' | 'ọ' | 'ỏ' | 'ố' | 'ồ' | 'ổ' | 'ỗ' | 'ộ' | 'ớ' | 'ờ' | 'ở' | 'ỡ'
        | 'ợ' => 'o',
        'ś' | 'š' => 's',
        'ù' | 'ú' | 'û' | 'ü' | 'ư' | 'ụ' | 'ủ' | 'ũ' | 'ứ' | 'ừ' | 'ử' | 'ữ' | 'ự' => 'u',
        'ý' | 'ÿ' | 'ỳ' | 'ỵ' | 'ỷ' | 'ỹ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_slugs() {
        assert_eq!(AccountName::parse("  Acme   Corp ").map(|n| n.slug()), Ok("acme-corp".to_string()));
        assert_eq!(AccountName::parse("Łódź Żółć & Co.").map(|n| n.slug()), Ok("lodz-zolc-co".to_string()));
        assert_eq!(AccountName::parse("Công ty Việt").map(|n| n.slug()), Ok("cong-ty-viet".to_string()));
        assert_eq!(AccountName::parse("Рога и копыта").map(|n| n.slug()), Ok(String::new()));
        assert!(AccountName::parse("").is_err());
        assert!(AccountName::parse(&"x".repeat(101)).is_err());
        assert!(AccountName::parse("a\u{0007}b").is_err());
    }

    #[test]
    fn no_bidi_or_invisible_characters() {
        let bad = |s: &str| AccountName::parse(s).map_err(|e| e.code);
        assert_eq!(bad("Payroll \u{202e}exe.nalp"), Err(Code::InvalidAccountName));
        assert_eq!(bad("Acme\u{200B}Corp"), Err(Code::InvalidAccountName));
        assert_eq!(bad("Acme\u{2066}Corp\u{2069}"), Err(Code::InvalidAccountName));
        assert_eq!(bad("\u{FEFF}Acme"), Err(Code::InvalidAccountName));
        assert_eq!(bad("Acme\u{E0041}"), Err(Code::InvalidAccountName));
        assert_eq!(bad("\u{3164}"), Err(Code::InvalidAccountName));
        assert!(AccountName::parse("شرکت می\u{200C}خواهم").is_ok(), "ZWNJ between Persian letters");
        assert!(AccountName::parse("Team 👩\u{200D}💻").is_ok(), "an emoji ZWJ sequence");
    }
}
