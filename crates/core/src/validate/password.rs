//! Password policy, NIST SP 800-63B style: 8..=128 characters, no composition rules,
//! reject common passwords, trivial patterns and passwords built from the person's own
//! email, name or phone number. Also a 0..=4 strength score for the signup form.

use crate::error::{Code, Error};

/// A password that passed the policy. Never serialized or logged.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

/// What the person told us about themselves, to refuse passwords built from it.
#[derive(Debug, Clone, Default)]
pub struct PersonalInfo<'a> {
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
}

/// A strength score from 0 (refused) to 4 (strong), with a rough entropy estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Strength {
    pub score: u8,
    pub bits: u32,
}

impl Password {
    pub const MIN_CHARS: usize = 8;
    pub const MAX_CHARS: usize = 128;

    pub fn parse(input: &str, info: &PersonalInfo<'_>) -> Result<Password, Error> {
        let field = "password";
        let n = input.chars().count();
        if n < Self::MIN_CHARS {
            return Err(Error::field(Code::PasswordTooShort, field));
        }
        if n > Self::MAX_CHARS {
            return Err(Error::field(Code::PasswordTooLong, field));
        }
        let lower = input.to_lowercase();
        if is_common(&lower) || is_trivial(&lower) {
            return Err(Error::field(Code::PasswordCommon, field));
        }
        if is_personal(&lower, info) {
            return Err(Error::field(Code::PasswordPersonal, field));
        }
        Ok(Password(input.to_string()))
    }

    /// A password as typed at login: only the length bounds apply (the policy may have
    /// changed since it was set). Never use this to set a password.
    pub fn for_login(input: &str) -> Result<Password, Error> {
        let n = input.chars().count();
        if n == 0 || n > Self::MAX_CHARS {
            return Err(Error::field(Code::InvalidCredentials, "password"));
        }
        Ok(Password(input.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Strength of `input` for the person `info`: 0 when the policy refuses it.
    pub fn strength(input: &str, info: &PersonalInfo<'_>) -> Strength {
        if Password::parse(input, info).is_err() {
            return Strength { score: 0, bits: 0 };
        }
        let mut pool = 0u32;
        let (mut lower, mut upper, mut digit, mut other, mut non_ascii) = (false, false, false, false, false);
        for c in input.chars() {
            if c.is_ascii_lowercase() {
                lower = true
            } else if c.is_ascii_uppercase() {
                upper = true
            } else if c.is_ascii_digit() {
                digit = true
            } else if c.is_ascii() {
                other = true
            } else {
                non_ascii = true
            }
        }
        for (on, size) in [(lower, 26), (upper, 26), (digit, 10), (other, 33), (non_ascii, 64)] {
            if on {
                pool += size;
            }
        }
        let mut distinct: Vec<char> = input.chars().collect();
        distinct.sort_unstable();
        distinct.dedup();
        // Repeated characters add little: count at most twice the distinct ones.
        let effective = input.chars().count().min(distinct.len() * 2) as f64;
        let bits = (effective * f64::from(pool.max(1)).log2()) as u32;
        let score = match bits {
            0..=39 => 1,
            40..=59 => 2,
            60..=79 => 3,
            _ => 4,
        };
        Strength { score, bits }
    }
}

/// The most common passwords in public breach corpora (lowercased), plus common words that
/// people decorate with digits and symbols (`password123!`).
const COMMON: &[&str] = &[
    "password",
    "passw0rd",
    "p@ssword",
    "p@ssw0rd",
    "123456789",
    "12345678",
    "1234567890",
    "qwertyuiop",
    "qwerty123",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "1qaz2wsx",
    "zaq12wsx",
    "iloveyou",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "welcome",
    "dragon",
    "monkey",
    "letmein",
    "trustno1",
    "superman",
    "batman",
    "starwars",
    "whatever",
    "michael",
    "shadow",
    "master",
    "jennifer",
    "jordan23",
    "hunter",
    "charlie",
    "computer",
    "michelle",
    "liverpool",
    "chelsea",
    "arsenal",
    "pokemon",
    "freedom",
    "hello123",
    "admin",
    "administrator",
    "changeme",
    "default",
    "secret",
    "access",
    "login",
    "letmein1",
    "mustang",
    "jessica",
    "pepper",
    "ginger",
    "cookie",
    "cheese",
    "summer",
    "winter",
    "spring",
    "autumn",
    "flower",
    "orange",
    "banana",
    "chocolate",
    "butterfly",
    "purple",
    "yellow",
    "silver",
    "golden",
    "diamond",
    "soccer",
    "hockey",
    "killer",
    "matrix",
    "maggie",
    "buster",
    "daniel",
    "andrew",
    "thomas",
    "robert",
    "william",
    "nicole",
    "ashley",
    "hannah",
    "samantha",
    "tigger",
    "babygirl",
    "lovely",
    "angel",
    "loveme",
    "qazwsx",
    "asdfghjkl",
    "zxcvbnm",
    "zxcvbnm123",
    "asdf1234",
    "abc12345",
    "abcd1234",
    "aa123456",
    "a1b2c3d4",
    "11111111",
    "00000000",
    "12341234",
    "123123123",
    "987654321",
    "87654321",
    "666666666",
    "88888888",
    "passpass",
    "internet",
    "samsung",
    "google",
    "facebook",
    "linkedin",
    "twitter",
    "instagram",
    "apple",
    "microsoft",
    "windows",
    "bitrix",
    "bitrix24",
    "netid",
    "qwertyui",
    "azerty",
    "azertyuiop",
    "motdepasse",
    "soleil",
    "bonjour",
    "doudou",
    "chouchou",
    "marseille",
    "parola",
    "haslo",
    "kochanie",
    "zaq1@wsx",
    "polska",
    "qwerty",
    "matrix123",
    "parol",
    "parol123",
    "пароль",
    "йцукен",
    "йцукенгшщз",
    "любовь",
    "наташа",
    "qwertyuiop123",
    "matkhau",
    "anhyeuem",
    "iloveyou1",
    "123qwe",
    "qwe123",
    "1qazxsw2",
    "superstar",
    "rockstar",
    "sunflower",
    "myspace",
    "football1",
    "baseball1",
    "blink182",
    "trustme",
    "starwars1",
    "corvette",
    "ferrari",
    "mercedes",
    "porsche",
    "thunder",
    "jordan",
    "harley",
    "ranger",
    "peanut",
    "family",
    "forever",
    "friends",
    "secret123",
    "welcome1",
    "welcome123",
    "adminadmin",
];

fn core_word(s: &str) -> &str {
    s.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation())
        .trim_start_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation())
}

/// On the short list above, or (with the `breached-passwords` feature: the server) on the
/// breached-password filter; the password itself or its core word (4 characters or more,
/// digits and punctuation around it taken off: "Dragon2024!" is "dragon").
fn is_common(lower: &str) -> bool {
    let core = core_word(lower);
    let listed = |s: &str| COMMON.contains(&s) || breached(s);
    listed(lower) || (core.chars().count() >= 4 && listed(core))
}

#[cfg(feature = "breached-passwords")]
fn breached(lower: &str) -> bool {
    super::breached::is_breached(lower)
}

#[cfg(not(feature = "breached-passwords"))]
fn breached(_: &str) -> bool {
    false
}

/// Whether this build refuses breached passwords itself (the server does; the npm package
/// leaves that part to it).
pub const CHECKS_BREACHED: bool = cfg!(feature = "breached-passwords");

/// One repeated character or a straight run on the digits, the alphabet or a keyboard row.
fn is_trivial(lower: &str) -> bool {
    let chars: Vec<char> = lower.chars().collect();
    if chars.iter().all(|&c| c == chars[0]) {
        return true;
    }
    // Repeating a short unit: "abcabcabc", "12121212".
    for unit in 1..=4 {
        if chars.len() % unit == 0 && chars.len() / unit >= 2 && chars.chunks(unit).all(|c| c == &chars[..unit]) {
            return true;
        }
    }
    const RUNS: &[&str] = &[
        "01234567890",
        "09876543210",
        "abcdefghijklmnopqrstuvwxyz",
        "zyxwvutsrqponmlkjihgfedcba",
        "qwertyuiopasdfghjklzxcvbnm",
        "azertyuiopqsdfghjklmwxcvbn",
        "qwertzuiopasdfghjklyxcvbnm",
        "1qaz2wsx3edc4rfv5tgb6yhn7ujm",
        "йцукенгшщзхъфывапролджэячсмитьбю",
    ];
    RUNS.iter().any(|run| run.contains(lower))
}

fn is_personal(lower: &str, info: &PersonalInfo<'_>) -> bool {
    let mut tokens: Vec<String> = Vec::new();
    if let Some(email) = info.email {
        let email = email.to_lowercase();
        tokens.push(email.clone());
        if let Some((local, domain)) = email.rsplit_once('@') {
            tokens.push(local.to_string());
            tokens.extend(local.split(['.', '_', '-', '+']).map(str::to_string));
            if let Some(host) = domain.split('.').next() {
                tokens.push(host.to_string());
            }
        }
    }
    if let Some(phone) = info.phone {
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 6 {
            tokens.push(digits[digits.len() - 6..].to_string());
            tokens.push(digits);
        }
    }
    for name in [info.first_name, info.last_name].into_iter().flatten() {
        tokens.push(name.to_lowercase());
        tokens.extend(name.to_lowercase().split([' ', '-', '\'']).map(str::to_string));
    }
    tokens.retain(|t| t.chars().count() >= 3);
    tokens.sort_by_key(|t| std::cmp::Reverse(t.len()));
    let mut rest = lower.to_string();
    let mut hit = false;
    for t in &tokens {
        if rest.contains(t.as_str()) {
            hit = true;
            rest = rest.replace(t.as_str(), "");
        }
    }
    if !hit {
        return false;
    }
    // Built from personal data: what is left is short, or only digits and symbols.
    let left: Vec<char> = rest.chars().collect();
    left.len() < 5 || left.iter().all(|c| c.is_ascii_digit() || c.is_ascii_punctuation() || c.is_whitespace())
}
