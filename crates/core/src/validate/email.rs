use super::text::is_invisible;
use crate::error::{Code, Error};
use caseless::Caseless;
use icu_normalizer::{ComposingNormalizerBorrowed, DecomposingNormalizerBorrowed};
use icu_properties::props::{GeneralCategory, GeneralCategoryGroup};
use icu_properties::CodePointMapData;
use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};
use serde::Serialize;
use unicode_security::{RestrictionLevel, RestrictionLevelDetection};

/// An email address in its one canonical form, so that one mailbox is one login: what
/// `as_str` returns is what is stored and compared everywhere.
///
/// - The domain goes through IDNA (UTS #46 processing, STD3 rules, DNS lengths) to its
///   A-label form: `x@Bücher.DE`, `x@xn--bcher-kva.de` and `x@ｂüｃｈｅｒ.de` (full-width
///   letters) are all `x@xn--bcher-kva.de`. It is a dotted name (no IP literal, no single
///   label) whose top-level label is letters or an A-label.
/// - A domain label that mixes scripts beyond UTS #39's "highly restrictive" level is
///   refused (`x@pаypal.com` with a Cyrillic `а`; Latin with Han, Hiragana, Katakana or
///   Hangul stays allowed, as does any single-script label such as `пример` or `bücher`),
///   and so is a label with a character outside UTS #39's identifier profile. Whole-script
///   look-alikes (an all-Cyrillic `аррӏе`) are not detected.
/// - The local part is Unicode compatibility-normalized and case-folded
///   (`NFKC(fold(NFKD(fold(NFD(s)))))`, the form behind Unicode's compatibility caseless
///   match): `Marie`, `MARIE`, `ｍａｒｉｅ` are `marie`, and `Straße` is `strasse`.
/// - Quotes are removed where they change nothing: `"q"@example.org` is `q@example.org`.
///   A quoted local part that needs its quotes (a space, `@`, two dots in a row...) is
///   refused: such addresses are rare, confusing in a list and refused by most providers.
/// - The canonical local part is a dot-atom (RFC 5322 `atext`, RFC 6532 non-ASCII letters,
///   digits and marks) of at most 64 bytes, without control or invisible characters; the
///   whole address is at most 254 bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

/// Longest input looked at (full-width and other mapped characters may shrink to 254 bytes).
const MAX_INPUT_BYTES: usize = 1024;

impl Email {
    pub const MAX_LEN: usize = 254;
    pub const MAX_LOCAL_LEN: usize = 64;

    pub fn parse(input: &str) -> Result<Email, Error> {
        let bad = || Error::field(Code::InvalidEmail, "email");
        let s = input.trim();
        if s.is_empty() || s.len() > MAX_INPUT_BYTES || s.chars().any(char::is_control) {
            return Err(bad());
        }
        // A domain never holds an `@`; a quoted local part may.
        let (local, domain) = s.rsplit_once('@').ok_or_else(bad)?;
        let local = canonical_local_part(local).ok_or_else(bad)?;
        let domain = canonical_domain(domain).ok_or_else(bad)?;
        let email = format!("{local}@{domain}");
        if email.len() > Self::MAX_LEN {
            return Err(bad());
        }
        Ok(Email(email))
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

/// The local part unquoted when its quotes change nothing, normalized and case-folded;
/// `None` when it is not (or no longer) a dot-atom.
fn canonical_local_part(local: &str) -> Option<String> {
    let raw = match local.strip_prefix('"') {
        Some(rest) => unquote(rest.strip_suffix('"')?)?,
        None => local.to_string(),
    };
    let nfd = DecomposingNormalizerBorrowed::new_nfd().normalize(&raw);
    let folded: String = nfd.chars().default_case_fold().collect();
    let nfkd = DecomposingNormalizerBorrowed::new_nfkd().normalize(&folded);
    let folded: String = nfkd.chars().default_case_fold().collect();
    let folded = ComposingNormalizerBorrowed::new_nfkc().normalize(&folded).into_owned();
    (folded.len() <= Email::MAX_LOCAL_LEN && is_dot_atom(&folded)).then_some(folded)
}

/// The content of an RFC 5322 quoted string (`qtext`, spaces and `\`-pairs), unescaped.
fn unquote(inner: &str) -> Option<String> {
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next().filter(|c| !c.is_control())?),
            '"' => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

/// RFC 5322 `dot-atom-text` with RFC 6532's non-ASCII characters, limited to letters,
/// digits and combining marks (no symbols, spaces, controls or invisible characters).
fn is_dot_atom(s: &str) -> bool {
    let categories = CodePointMapData::<GeneralCategory>::new();
    let atext = |c: char| {
        if c.is_ascii() {
            c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c)
        } else {
            (c.is_alphanumeric() || GeneralCategoryGroup::Mark.contains(categories.get(c))) && !is_invisible(c)
        }
    };
    !s.is_empty() && s.split('.').all(|atom| !atom.is_empty() && atom.chars().all(atext))
}

/// The domain as IDNA A-labels, lowercase, with every label's Unicode form checked for
/// mixed scripts; `None` when it is not a dotted Internet host name.
fn canonical_domain(domain: &str) -> Option<String> {
    let uts46 = Uts46::new();
    let ascii =
        uts46.to_ascii(domain.as_bytes(), AsciiDenyList::STD3, Hyphens::CheckFirstLast, DnsLength::Verify).ok()?;
    let labels: Vec<&str> = ascii.split('.').collect();
    let tld = labels.last()?;
    let tld_ok = tld.len() >= 2 && (tld.bytes().all(|b| b.is_ascii_alphabetic()) || tld.starts_with("xn--"));
    if labels.len() < 2 || !tld_ok {
        return None;
    }
    let (unicode, errors) = uts46.to_unicode(ascii.as_bytes(), AsciiDenyList::STD3, Hyphens::CheckFirstLast);
    errors.ok()?;
    let confusable = unicode
        .split('.')
        .any(|label| !label.is_ascii() && label.detect_restriction_level() > RestrictionLevel::HighlyRestrictive);
    (!confusable).then(|| ascii.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> Option<String> {
        Email::parse(s).ok().map(|e| e.0)
    }

    #[test]
    fn one_mailbox_one_form() {
        let idn = Some("x@xn--bcher-kva.de".to_string());
        assert_eq!(canon("x@bücher.de"), idn);
        assert_eq!(canon("x@xn--bcher-kva.de"), idn);
        assert_eq!(canon("X@BÜCHER.DE"), idn);
        assert_eq!(canon("x@XN--BCHER-KVA.de"), idn);
        assert_eq!(canon("x@bu\u{0308}cher.de"), idn, "decomposed ü");
        assert_eq!(canon("x@ｂüｃｈｅｒ．ｄｅ"), idn, "full-width letters and dot");
        assert_eq!(canon("\"q\"@example.org"), canon("q@example.org"));
        assert_eq!(canon("\"a.b\"@example.org").as_deref(), Some("a.b@example.org"));
        assert_eq!(canon("\"\\q\"@example.org").as_deref(), Some("q@example.org"));
        assert_eq!(canon("ＭＡＲＩＥ@example.com").as_deref(), Some("marie@example.com"));
        assert_eq!(canon("Straße@example.de").as_deref(), Some("strasse@example.de"));
        assert_eq!(canon("ÉLODIE@example.fr"), canon("e\u{0301}lodie@example.fr"));
        assert_eq!(canon("ivan@пример.рф").as_deref(), Some("ivan@xn--e1afmkfd.xn--p1ai"));
        assert_eq!(canon("Иван@пример.рф").as_deref(), Some("иван@xn--e1afmkfd.xn--p1ai"));
        assert_eq!(canon("hindi@हिन्दी.भारत").map(|e| e.starts_with("hindi@xn--")), Some(true));
        assert_eq!(canon("नमस्ते@example.in").as_deref(), Some("नमस्ते@example.in"), "marks in a local part");
        assert_eq!(canon("a@東京.jp").as_deref(), Some("a@xn--1lqs71d.jp"));
        assert!(canon("a@ファミマtokyo.jp").is_some(), "Latin with Katakana is highly restrictive");
        assert_eq!(canon("a@my-shop2.example.com").as_deref(), Some("a@my-shop2.example.com"));
    }

    #[test]
    fn refused() {
        for s in [
            "x@pаypal.com",         // Cyrillic а in a Latin label
            "x@ѕecure-bank.com",    // Cyrillic ѕ
            "x@gοogle.com",         // Greek ο
            "\"a b\"@example.com",  // the quotes are needed
            "\"a@b\"@example.com",  // the same
            "\"\"@example.com",     // empty
            "\"a\"b\"@example.com", // a bare quote inside
            "a..b@example.com",
            ".a@example.com",
            "a.@example.com",
            "a\u{202e}b@example.com", // a bidi override in the local part
            "a\u{200b}b@example.com", // a zero-width space
            "a＠b@example.com",       // a full-width @ becomes an @
            "a@exa_mple.com",
            "a@-example.com",
            "a@example-.com",
            "a@example.123",
            "a@1.2.3.4",
            "a@example",
            "a@xn--zz.com", // not valid Punycode
            "a@example.com.",
            "a(comment)@example.com",
        ] {
            assert_eq!(Email::parse(s).map_err(|e| e.code), Err(Code::InvalidEmail), "{s:?}");
        }
        let a_label = idna::domain_to_ascii("pаypal.com").unwrap();
        assert!(a_label.starts_with("xn--"), "{a_label}");
        assert!(Email::parse(&format!("x@{a_label}")).is_err(), "the Cyrillic label as an A-label");
        let long_label = format!("a@{}.com", "x".repeat(64));
        assert!(Email::parse(&long_label).is_err());
        let local_65 = format!("{}@example.com", "ａ".repeat(65));
        assert!(Email::parse(&local_65).is_err(), "64 bytes after normalization");
        let local_64 = format!("{}@example.com", "ａ".repeat(64));
        assert_eq!(Email::parse(&local_64).map(|e| e.local_part().len()), Ok(64));
    }
}
