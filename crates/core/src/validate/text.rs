//! Text that other people see (the names of accounts, departments, groups and people, a
//! position): no character that is invisible or that reorders what is shown around it, so a
//! name reads as what it is ("Payroll \u{202e}exe.nalp" shows as "Payroll plan.exe").
//!
//! Refused, besides control characters (`Cc`):
//! - bidirectional controls: U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069;
//! - invisible formatting characters: U+00AD (soft hyphen), U+034F (combining grapheme
//!   joiner), U+180E, U+200B, U+2060–U+2065, U+206A–U+206F, U+FEFF, U+FFF9–U+FFFB,
//!   U+1BCA0–U+1BCA3, U+1D173–U+1D17A and the tags U+E0000–U+E007F (so the subdivision
//!   flags built from tags are refused too);
//! - characters that render as blank without being spaces: the Hangul fillers U+115F,
//!   U+1160, U+3164, U+FFA0 and the Khmer inherent vowels U+17B4, U+17B5;
//! - the line and paragraph separators U+2028, U+2029 (where a name is not collapsed first).
//!
//! Kept: ZWNJ (U+200C) and ZWJ (U+200D), which Persian, Indic scripts and emoji sequences
//! need, but only between two non-ASCII characters that are not spaces, joiners or refused
//! characters: next to ASCII, a space, another joiner or at either end they do nothing
//! visible and are refused. Variation selectors (U+FE00–U+FE0F, U+E0100–U+E01EF) and the
//! Mongolian free variation selectors stay allowed: they pick a glyph, they hide nothing.

/// ZWNJ or ZWJ.
fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}')
}

/// A character refused anywhere in text others see (see the module documentation);
/// ZWNJ and ZWJ are not among them (their context decides, see [`visible_text`]).
pub fn is_invisible(c: char) -> bool {
    matches!(
        c as u32,
        0x00AD
            | 0x034F
            | 0x061C
            | 0x115F
            | 0x1160
            | 0x17B4
            | 0x17B5
            | 0x180E
            | 0x200B
            | 0x200E
            | 0x200F
            | 0x2028..=0x202E
            | 0x2060..=0x206F
            | 0x3164
            | 0xFEFF
            | 0xFFA0
            | 0xFFF9..=0xFFFB
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0000..=0xE007F
    )
}

/// Whether a joiner at `i` is between two characters that can use it.
fn joiner_in_context(chars: &[char], i: usize) -> bool {
    let usable = |n: Option<&char>| {
        n.is_some_and(|&n| !n.is_ascii() && !n.is_whitespace() && !is_joiner(n) && !is_invisible(n) && !n.is_control())
    };
    usable(i.checked_sub(1).and_then(|j| chars.get(j))) && usable(chars.get(i + 1))
}

/// True when `s` has no control character, no invisible or bidirectional formatting
/// character, and no ZWNJ/ZWJ outside the context that needs it (module documentation).
/// Says nothing about length or emptiness.
pub fn visible_text(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    chars.iter().enumerate().all(|(i, &c)| {
        if is_joiner(c) {
            joiner_in_context(&chars, i)
        } else {
            !c.is_control() && !is_invisible(c)
        }
    })
}

/// `s` without what [`visible_text`] refuses, for text that is taken rather than typed (a
/// name given by a social provider): the result always passes `visible_text`.
pub fn strip_invisible(s: &str) -> String {
    let kept: Vec<char> = s.chars().filter(|&c| !c.is_control() && !is_invisible(c)).collect();
    kept.iter().enumerate().filter(|&(i, &c)| !is_joiner(c) || joiner_in_context(&kept, i)).map(|(_, &c)| c).collect()
}

/// The longest department, group or position text, in characters (Unicode scalar values,
/// not the UTF-16 units of a JavaScript string).
pub const TEXT_MAX: usize = 100;

/// A free-text field others see (a position, a department's or group's name): trimmed, at
/// most `max` characters, no control or invisible character. Blank is `None` (the field is
/// absent); a field that must be given says so itself.
pub fn parse_text(input: &str, field: &'static str, max: usize) -> crate::Result<Option<String>> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if s.chars().count() > max || s.chars().any(char::is_control) || !visible_text(s) {
        return Err(crate::Error::field(crate::Code::InvalidText, field));
    }
    Ok(Some(s.to_string()))
}

/// A department's or group's name among its siblings: given, valid text of at most
/// [`TEXT_MAX`] characters, and not the same as a sibling's by [`crate::model::name_key`]
/// (`name_taken`). The commit decides again (`Guard::NameFree`), by the same key.
pub fn sibling_name<'a>(input: &str, siblings: impl IntoIterator<Item = &'a str>) -> crate::Result<String> {
    let name =
        parse_text(input, "name", TEXT_MAX)?.ok_or_else(|| crate::Error::field(crate::Code::InvalidText, "name"))?;
    let key = crate::model::name_key(&name);
    if siblings.into_iter().any(|n| crate::model::name_key(n) == key) {
        return Err(crate::Error::field(crate::Code::NameTaken, "name"));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_and_bidi_characters_are_refused() {
        for s in [
            "Payroll \u{202e}exe.nalp",
            "a\u{061C}b",
            "a\u{200E}",
            "\u{200F}a",
            "a\u{202A}b",
            "a\u{202B}b",
            "a\u{202C}b",
            "a\u{202D}b",
            "a\u{2066}b",
            "a\u{2067}b",
            "a\u{2068}b",
            "a\u{2069}b",
            "a\u{200B}b",
            "a\u{2060}b",
            "a\u{2064}b",
            "a\u{FEFF}b",
            "a\u{180E}b",
            "a\u{00AD}b",
            "a\u{206A}b",
            "a\u{206F}b",
            "a\u{FFF9}b",
            "a\u{FFFB}b",
            "a\u{E0001}b",
            "a\u{E0041}b",
            "a\u{E007F}b",
            "\u{3164}",
            "a\u{0007}b",
            "a\nb",
            "a\u{2028}b",
        ] {
            assert!(!visible_text(s), "{s:?}");
            assert!(visible_text(&strip_invisible(s)), "{s:?} stripped");
        }
        assert_eq!(strip_invisible("Payroll \u{202e}exe.nalp"), "Payroll exe.nalp");
    }

    #[test]
    fn joiners_only_where_a_script_or_emoji_needs_them() {
        assert!(visible_text("می\u{200C}خواهم"), "Persian ZWNJ");
        assert!(visible_text("क्\u{200D}ष"), "Devanagari ZWJ");
        assert!(visible_text("👩\u{200D}💻 team"), "an emoji ZWJ sequence");
        assert!(visible_text("❤\u{FE0F}\u{200D}🔥"), "after a variation selector");
        assert!(!visible_text("An\u{200D}na"), "between ASCII letters");
        assert!(!visible_text("\u{200C}ب"), "at the start");
        assert!(!visible_text("ب\u{200C}"), "at the end");
        assert!(!visible_text("ب\u{200C}\u{200C}ب"), "doubled");
        assert!(!visible_text("ب\u{200C} ب"), "next to a space");
        assert_eq!(strip_invisible("An\u{200D}na ب\u{200C}ب"), "Anna ب\u{200C}ب");
        assert_eq!(strip_invisible("ب\u{200C}\u{200C}ب"), "بب");
    }

    #[test]
    fn ordinary_names_pass() {
        for s in ["Acme Corp", "Łódź Żółć & Co.", "Công ty Việt", "Рога и копыта", "東京支店", "R&D (EU)", "flag 🇫🇷"]
        {
            assert!(visible_text(s), "{s:?}");
            assert_eq!(strip_invisible(s), s);
        }
    }
}
