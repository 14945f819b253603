//! The second factor's building blocks: RFC 6238 TOTP (HMAC-SHA-1, 6 digits, 30 s; the
//! `totp-rs` crate), the `otpauth://` URI, the secret's encryption at rest (AES-256-GCM, the
//! `aes-gcm` crate, bound to the profile id), and recovery codes.

use crate::tokens::Entropy;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Builder, Secret};

/// 160-bit secrets, as RFC 4226 recommends.
pub const SECRET_BYTES: usize = 20;
pub const STEP_SECONDS: u64 = 30;
pub const DIGITS: u8 = 6;
/// Steps of drift accepted either side of now.
pub const SKEW: u8 = 1;
pub const RECOVERY_CODES: usize = 10;
pub const ISSUER: &str = "netid";

fn totp(secret: &[u8], digits: u8, skew: u8) -> Option<totp_rs::Totp> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(digits)
        .with_skew(u16::from(skew))
        .with_step_duration(STEP_SECONDS)
        .with_secret(Secret::from(secret.to_vec()))
        .build()
        .ok()
}

/// The code of `secret` at `unix` seconds, with `digits` digits (6 for netid; 8 for the RFC's
/// vectors).
pub fn code_at(secret: &[u8], unix: u64, digits: u8) -> Option<String> {
    totp(secret, digits, 0).map(|t| t.generate(unix).to_string())
}

/// The time step a 6-digit `code` matches at `unix` (now, one before or one after), so the
/// caller can refuse a step used before.
pub fn check(secret: &[u8], code: &str, unix: u64) -> Option<u64> {
    let code = code.trim();
    if code.len() != usize::from(DIGITS) || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    totp(secret, DIGITS, SKEW)?.check(code, unix)
}

/// RFC 4648 base32 without padding, as authenticator apps expect.
pub fn base32(secret: &[u8]) -> String {
    Secret::from(secret.to_vec()).to_base32()
}

pub fn from_base32(s: &str) -> Option<Vec<u8>> {
    Secret::try_from_base32(s.trim().to_ascii_uppercase()).ok().map(|s| s.as_ref().to_vec())
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `otpauth://totp/netid:LABEL?secret=...&issuer=netid&algorithm=SHA1&digits=6&period=30`.
pub fn otpauth_uri(secret_b32: &str, label: &str) -> String {
    format!(
        "otpauth://totp/{}:{}?secret={secret_b32}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        percent(ISSUER),
        percent(label),
        percent(ISSUER)
    )
}

/// Encrypts a secret for storage: `v1.` + base64url(nonce || ciphertext+tag), with the
/// profile id as associated data (a row copied to another profile does not decrypt).
pub fn seal(key: &[u8; 32], profile_id: &str, secret: &[u8], rng: &mut dyn Entropy) -> Option<String> {
    let cipher = Aes256Gcm::new_from_slice(key).ok()?;
    let mut nonce = [0u8; 12];
    rng.fill(&mut nonce);
    let ct = cipher.encrypt(&Nonce::from(nonce), Payload { msg: secret, aad: profile_id.as_bytes() }).ok()?;
    let mut out = nonce.to_vec();
    out.extend(ct);
    Some(format!("v1.{}", URL_SAFE_NO_PAD.encode(out)))
}

/// Decrypts what [`seal`] made for this profile; `None` for anything else (another key,
/// another profile, a tampered row).
pub fn open(key: &[u8; 32], profile_id: &str, sealed: &str) -> Option<Vec<u8>> {
    let raw = URL_SAFE_NO_PAD.decode(sealed.strip_prefix("v1.")?).ok()?;
    if raw.len() < 12 + 16 {
        return None;
    }
    let (nonce, ct) = raw.split_at(12);
    let nonce: [u8; 12] = nonce.try_into().ok()?;
    let cipher = Aes256Gcm::new_from_slice(key).ok()?;
    cipher.decrypt(&Nonce::from(nonce), Payload { msg: ct, aad: profile_id.as_bytes() }).ok()
}

const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// Ten recovery codes of 16 characters (`xxxx-xxxx-xxxx-xxxx`, about 79 bits each).
pub fn new_recovery_codes(rng: &mut dyn Entropy) -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut chars = String::new();
            while chars.len() < 16 {
                let mut b = [0u8; 1];
                rng.fill(&mut b);
                // Rejection sampling keeps the characters uniform.
                if usize::from(b[0]) < 256 - 256 % RECOVERY_ALPHABET.len() {
                    chars.push(RECOVERY_ALPHABET[usize::from(b[0]) % RECOVERY_ALPHABET.len()] as char);
                }
            }
            format!("{}-{}-{}-{}", &chars[0..4], &chars[4..8], &chars[8..12], &chars[12..16])
        })
        .collect()
}

/// A recovery code as typed (any case, with or without dashes or spaces), if it has the form.
pub fn normalize_recovery_code(input: &str) -> Option<String> {
    let s: String = input.chars().filter(|c| !matches!(c, '-' | ' ')).flat_map(char::to_lowercase).collect();
    (s.len() == 16 && s.bytes().all(|b| RECOVERY_ALPHABET.contains(&b))).then_some(s)
}

/// What is stored of a recovery code: SHA-256 of the profile id and the normalized code.
pub fn recovery_code_hash(profile_id: &str, normalized: &str) -> String {
    let mut h = Sha256::new();
    h.update(profile_id.as_bytes());
    h.update([0u8]);
    h.update(normalized.as_bytes());
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::SeededEntropy;

    /// RFC 6238 appendix B, SHA-1 (8 digits, the RFC's own parameters).
    #[test]
    fn rfc6238_vectors() {
        let secret = b"12345678901234567890";
        for (t, want) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(code_at(secret, t, 8).as_deref(), Some(want), "T={t}");
        }
    }

    #[test]
    fn drift_of_one_step_either_side_and_the_matched_step() {
        let secret = [7u8; SECRET_BYTES];
        let now = 1_795_333_485u64;
        let at = |t: u64| code_at(&secret, t, 6).unwrap();
        assert_eq!(check(&secret, &at(now), now), Some(now / 30));
        assert_eq!(check(&secret, &at(now - 30), now), Some(now / 30 - 1));
        assert_eq!(check(&secret, &at(now + 30), now), Some(now / 30 + 1));
        assert_eq!(check(&secret, &at(now - 60), now), None);
        assert_eq!(check(&secret, "12345", now), None);
        assert_eq!(check(&secret, "abcdef", now), None);
    }

    #[test]
    fn secrets_are_sealed_to_their_profile() {
        let mut rng = SeededEntropy::new(1);
        let key = [9u8; 32];
        let sealed = seal(&key, "prf_a", b"secret-bytes-20-long", &mut rng).unwrap();
        assert!(!sealed.contains("secret"));
        assert_eq!(open(&key, "prf_a", &sealed).as_deref(), Some(&b"secret-bytes-20-long"[..]));
        assert_eq!(open(&key, "prf_b", &sealed), None, "bound to the profile");
        assert_eq!(open(&[8u8; 32], "prf_a", &sealed), None, "another key");
        assert_eq!(base32(&from_base32(&base32(b"abcdefghij0123456789")).unwrap()), base32(b"abcdefghij0123456789"));
        let uri = otpauth_uri("ABC", "marie@example.com");
        assert_eq!(
            uri,
            "otpauth://totp/netid:marie%40example.com?secret=ABC&issuer=netid&algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn recovery_codes() {
        let mut rng = SeededEntropy::new(2);
        let codes = new_recovery_codes(&mut rng);
        assert_eq!(codes.len(), 10);
        let set: std::collections::BTreeSet<_> = codes.iter().collect();
        assert_eq!(set.len(), 10);
        for c in &codes {
            assert_eq!(c.len(), 19);
            assert_eq!(normalize_recovery_code(&c.to_uppercase().replace('-', " ")).unwrap(), c.replace('-', ""));
        }
        assert_eq!(normalize_recovery_code("short"), None);
        assert_ne!(recovery_code_hash("a", "x"), recovery_code_hash("b", "x"));
    }
}
