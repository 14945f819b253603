//! Phone numbers in E.164, checked against the country calling code plan.
//!
//! A full libphonenumber port (the `phonenumber` crate) carries regexes and metadata for
//! every numbering plan and would blow the npm package's 250 KB budget on its own; this is a
//! compact table of national significant number (NSN) lengths and trunk prefixes per country
//! calling code (ITU-T E.164 assignments), with NANP's structure rules. Numbers are stored as
//! `+<digits>`.

use crate::error::{Code, Error};
use serde::Serialize;

/// An E.164 phone number, `+` then 8..=15 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Phone(String);

struct Plan {
    cc: &'static str,
    region: &'static str,
    min: usize,
    max: usize,
    trunk: &'static str,
}

const fn p(cc: &'static str, region: &'static str, min: usize, max: usize, trunk: &'static str) -> Plan {
    Plan { cc, region, min, max, trunk }
}

/// Countries with known NSN lengths and trunk prefixes.
const PLANS: &[Plan] = &[
    p("1", "US", 10, 10, "1"),
    p("1", "CA", 10, 10, "1"),
    p("7", "RU", 10, 10, "8"),
    p("7", "KZ", 10, 10, "8"),
    p("20", "EG", 9, 10, "0"),
    p("27", "ZA", 9, 9, "0"),
    p("30", "GR", 10, 10, ""),
    p("31", "NL", 9, 9, "0"),
    p("32", "BE", 8, 9, "0"),
    p("33", "FR", 9, 9, "0"),
    p("34", "ES", 9, 9, ""),
    p("36", "HU", 8, 9, "06"),
    p("39", "IT", 6, 11, ""),
    p("40", "RO", 9, 9, "0"),
    p("41", "CH", 9, 9, "0"),
    p("43", "AT", 4, 13, "0"),
    p("44", "GB", 9, 10, "0"),
    p("45", "DK", 8, 8, ""),
    p("46", "SE", 7, 10, "0"),
    p("47", "NO", 8, 8, ""),
    p("48", "PL", 9, 9, ""),
    p("49", "DE", 6, 13, "0"),
    p("51", "PE", 8, 9, "0"),
    p("52", "MX", 10, 10, ""),
    p("53", "CU", 6, 8, "0"),
    p("54", "AR", 10, 11, "0"),
    p("55", "BR", 10, 11, "0"),
    p("56", "CL", 9, 9, ""),
    p("57", "CO", 8, 10, "0"),
    p("58", "VE", 10, 10, "0"),
    p("60", "MY", 7, 10, "0"),
    p("61", "AU", 9, 9, "0"),
    p("62", "ID", 8, 12, "0"),
    p("63", "PH", 8, 10, "0"),
    p("64", "NZ", 8, 10, "0"),
    p("65", "SG", 8, 8, ""),
    p("66", "TH", 8, 9, "0"),
    p("81", "JP", 9, 10, "0"),
    p("82", "KR", 8, 10, "0"),
    p("84", "VN", 9, 10, "0"),
    p("86", "CN", 10, 11, "0"),
    p("90", "TR", 10, 10, "0"),
    p("91", "IN", 10, 10, "0"),
    p("92", "PK", 9, 10, "0"),
    p("93", "AF", 9, 9, "0"),
    p("94", "LK", 9, 9, "0"),
    p("95", "MM", 7, 10, "0"),
    p("98", "IR", 10, 10, "0"),
    p("212", "MA", 9, 9, "0"),
    p("213", "DZ", 8, 9, "0"),
    p("216", "TN", 8, 8, ""),
    p("234", "NG", 8, 10, "0"),
    p("254", "KE", 9, 10, "0"),
    p("351", "PT", 9, 9, ""),
    p("352", "LU", 4, 11, ""),
    p("353", "IE", 7, 9, "0"),
    p("354", "IS", 7, 9, ""),
    p("358", "FI", 5, 12, "0"),
    p("359", "BG", 8, 9, "0"),
    p("370", "LT", 8, 8, "8"),
    p("371", "LV", 8, 8, ""),
    p("372", "EE", 7, 10, ""),
    p("373", "MD", 8, 8, "0"),
    p("374", "AM", 8, 8, "0"),
    p("375", "BY", 9, 10, "8"),
    p("380", "UA", 9, 9, "0"),
    p("381", "RS", 8, 12, "0"),
    p("385", "HR", 8, 9, "0"),
    p("386", "SI", 8, 8, "0"),
    p("420", "CZ", 9, 9, ""),
    p("421", "SK", 9, 9, "0"),
    p("852", "HK", 8, 8, ""),
    p("855", "KH", 8, 9, "0"),
    p("856", "LA", 8, 10, "0"),
    p("880", "BD", 10, 10, "0"),
    p("886", "TW", 8, 9, "0"),
    p("966", "SA", 9, 9, "0"),
    p("971", "AE", 8, 9, "0"),
    p("972", "IL", 8, 9, "0"),
    p("992", "TJ", 9, 9, ""),
    p("994", "AZ", 9, 9, "0"),
    p("995", "GE", 9, 9, "0"),
    p("996", "KG", 9, 9, "0"),
    p("998", "UZ", 9, 9, ""),
];

/// Other assigned three-digit calling codes: accepted with a generic NSN of 4..=12 digits.
const OTHER_CODES: &[u16] = &[
    211, 218, 220, 221, 222, 223, 224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 235, 236, 237, 238, 239, 240, 241,
    242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253, 255, 256, 257, 258, 260, 261, 262, 263, 264, 265, 266,
    267, 268, 269, 290, 291, 297, 298, 299, 350, 355, 356, 357, 376, 377, 378, 379, 382, 383, 387, 389, 423, 500, 501,
    502, 503, 504, 505, 506, 507, 508, 509, 590, 591, 592, 593, 594, 595, 596, 597, 598, 599, 670, 672, 673, 674, 675,
    676, 677, 678, 679, 680, 681, 682, 683, 685, 686, 687, 688, 689, 690, 691, 692, 850, 853, 960, 961, 962, 963, 964,
    965, 967, 968, 970, 973, 974, 975, 976, 977, 993,
];

impl Phone {
    /// Parses `input` written internationally (`+33 6 12 34 56 78`, `0033 6...`) or, with a
    /// `default_region` (ISO 3166 alpha-2), nationally (`06 12 34 56 78`).
    pub fn parse(input: &str, default_region: Option<&str>) -> Result<Phone, Error> {
        let bad = || Error::field(Code::InvalidPhone, "phone");
        let s = input.trim();
        if s.is_empty() || s.len() > 40 {
            return Err(bad());
        }
        let (international, body) = if let Some(rest) = s.strip_prefix('+') { (true, rest) } else { (false, s) };
        let mut digits = String::with_capacity(16);
        for c in body.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '.' | '(' | ')' | '/' | '\u{a0}' => {}
                _ => return Err(bad()),
            }
        }
        let full = if international {
            digits
        } else if let Some(rest) = digits.strip_prefix("00") {
            rest.to_string()
        } else {
            let region = default_region.ok_or_else(bad)?.to_ascii_uppercase();
            let plan = PLANS.iter().find(|p| p.region == region).ok_or_else(bad)?;
            let national =
                if !plan.trunk.is_empty() { digits.strip_prefix(plan.trunk).unwrap_or(&digits) } else { &digits };
            format!("{}{}", plan.cc, national)
        };
        if full.len() < 8 || full.len() > 15 || full.starts_with('0') {
            return Err(bad());
        }
        check_plan(&full).ok_or_else(bad)?;
        Ok(Phone(format!("+{full}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The digits without `+`.
    pub fn digits(&self) -> &str {
        self.0.trim_start_matches('+')
    }

    pub fn from_trusted(s: String) -> Phone {
        Phone(s)
    }
}

/// Checks the number against its calling code's plan; `None` when it does not fit.
fn check_plan(full: &str) -> Option<()> {
    for len in 1..=3 {
        let cc = full.get(..len)?;
        let nsn = full.get(len..)?;
        let plans: Vec<&Plan> = PLANS.iter().filter(|p| p.cc == cc).collect();
        if let Some(plan) = plans.first() {
            if nsn.len() < plan.min || nsn.len() > plan.max {
                return None;
            }
            if cc == "1" {
                // NANP: NXX-NXX-XXXX, N = 2..9.
                let b = nsn.as_bytes();
                if b[0] < b'2' || b[3] < b'2' {
                    return None;
                }
            }
            if nsn.starts_with('0') && cc != "39" {
                return None;
            }
            return Some(());
        }
        if len == 3 {
            let n: u16 = cc.parse().ok()?;
            if OTHER_CODES.contains(&n) && (4..=12).contains(&nsn.len()) {
                return Some(());
            }
        }
    }
    None
}
