//! Password hashing: PBKDF2-HMAC (the `pbkdf2` crate) stored as PHC strings.
//!
//! `$pbkdf2-sha512$i=210000,l=64$<salt>$<hash>` (salt and hash in PHC's B64: standard
//! alphabet, no padding). An optional pepper (a Worker secret) pre-hashes the password with
//! HMAC-SHA-256; such hashes carry `,k=1` so a verifier knows. Iteration counts read from
//! storage are capped, so a tampered row cannot make a login burn unbounded CPU.

use crate::tokens::Entropy;
use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
use base64::Engine;
use hmac::{KeyInit, Mac};
use sha2::{Sha256, Sha512};

/// The PRF of PBKDF2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Sha256,
    Sha512,
}

impl Algorithm {
    pub const fn phc_id(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "pbkdf2-sha256",
            Algorithm::Sha512 => "pbkdf2-sha512",
        }
    }

    const fn output_len(self) -> usize {
        match self {
            Algorithm::Sha256 => 32,
            Algorithm::Sha512 => 64,
        }
    }

    /// OWASP 2023's minimum iterations for this PRF.
    pub const fn owasp_2023_iterations(self) -> u32 {
        match self {
            Algorithm::Sha256 => 600_000,
            Algorithm::Sha512 => 210_000,
        }
    }
}

/// What new hashes use; older or weaker hashes are upgraded on the next successful login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashPolicy {
    pub algorithm: Algorithm,
    pub iterations: u32,
}

impl HashPolicy {
    /// Production policy: PBKDF2-HMAC-SHA-512 at OWASP 2023's 210,000 iterations. In wasm it
    /// costs about half the CPU of HMAC-SHA-256 at the equivalent 600,000 (ARCHITECTURE.md).
    pub const OWASP_2023: HashPolicy = HashPolicy { algorithm: Algorithm::Sha512, iterations: 210_000 };

    /// Highest iteration count accepted from storage.
    pub const MAX_ITERATIONS: u32 = 5_000_000;

    /// The production policy with more iterations, as configured (the Worker var
    /// `HASH_ITERATIONS`): never below the 210,000 floor nor above [`Self::MAX_ITERATIONS`];
    /// anything unreadable keeps the floor. Stored hashes below the new count are rehashed on
    /// their owner's next successful login.
    pub fn with_iterations(configured: Option<&str>) -> HashPolicy {
        let floor = Self::OWASP_2023.iterations;
        let iterations = configured
            .and_then(|v| v.trim().parse::<u32>().ok())
            .map_or(floor, |n| n.clamp(floor, Self::MAX_ITERATIONS));
        HashPolicy { iterations, ..Self::OWASP_2023 }
    }
}

const SALT_LEN: usize = 16;

fn derive(algorithm: Algorithm, iterations: u32, password: &[u8], salt: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; algorithm.output_len()];
    match algorithm {
        Algorithm::Sha256 => pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, iterations, &mut out),
        Algorithm::Sha512 => pbkdf2::pbkdf2_hmac::<Sha512>(password, salt, iterations, &mut out),
    }
    out
}

fn peppered(password: &str, pepper: Option<&[u8]>) -> Vec<u8> {
    match pepper {
        Some(key) if !key.is_empty() => match <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(key) {
            Ok(mut mac) => {
                mac.update(password.as_bytes());
                mac.finalize().into_bytes().to_vec()
            }
            Err(_) => password.as_bytes().to_vec(),
        },
        _ => password.as_bytes().to_vec(),
    }
}

/// Hashes a password under `policy`, returning a PHC string.
pub fn hash_password(password: &str, policy: HashPolicy, pepper: Option<&[u8]>, rng: &mut dyn Entropy) -> String {
    let mut salt = [0u8; SALT_LEN];
    rng.fill(&mut salt);
    let input = peppered(password, pepper);
    let hash = derive(policy.algorithm, policy.iterations, &input, &salt);
    let k = if pepper.is_some_and(|p| !p.is_empty()) { ",k=1" } else { "" };
    format!(
        "${}$i={},l={}{}${}${}",
        policy.algorithm.phc_id(),
        policy.iterations,
        hash.len(),
        k,
        B64.encode(salt),
        B64.encode(&hash)
    )
}

/// A parsed PHC string.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Phc {
    algorithm: Algorithm,
    iterations: u32,
    peppered: bool,
    salt: Vec<u8>,
    hash: Vec<u8>,
}

fn parse_phc(s: &str) -> Option<Phc> {
    let mut parts = s.split('$');
    if !parts.next()?.is_empty() {
        return None;
    }
    let algorithm = match parts.next()? {
        "pbkdf2-sha256" => Algorithm::Sha256,
        "pbkdf2-sha512" => Algorithm::Sha512,
        _ => return None,
    };
    let (mut iterations, mut len, mut peppered) = (None, None, false);
    for kv in parts.next()?.split(',') {
        let (k, v) = kv.split_once('=')?;
        match k {
            "i" => iterations = v.parse::<u32>().ok(),
            "l" => len = v.parse::<usize>().ok(),
            "k" => peppered = v == "1",
            _ => return None,
        }
    }
    let salt = B64.decode(parts.next()?).ok()?;
    let hash = B64.decode(parts.next()?).ok()?;
    if parts.next().is_some() || Some(hash.len()) != len.or(Some(hash.len())) || hash.len() < 16 {
        return None;
    }
    Some(Phc { algorithm, iterations: iterations?, peppered, salt, hash })
}

/// The outcome of checking a password against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    pub ok: bool,
    /// The hash is weaker than the current policy (or lacks the pepper): store a new one.
    pub needs_rehash: bool,
}

/// Checks `password` against a PHC string. A malformed or over-expensive hash never matches.
pub fn verify_password(password: &str, phc: &str, policy: HashPolicy, pepper: Option<&[u8]>) -> Verified {
    let no = Verified { ok: false, needs_rehash: false };
    let Some(parsed) = parse_phc(phc) else {
        burn(password, policy);
        return no;
    };
    if parsed.iterations == 0 || parsed.iterations > HashPolicy::MAX_ITERATIONS || parsed.salt.is_empty() {
        burn(password, policy);
        return no;
    }
    let key = if parsed.peppered { pepper } else { None };
    if parsed.peppered && key.is_none_or(|k| k.is_empty()) {
        burn(password, policy);
        return no;
    }
    let input = peppered(password, key);
    let got = derive(parsed.algorithm, parsed.iterations, &input, &parsed.salt);
    let ok = constant_time_eq(&got[..parsed.hash.len().min(got.len())], &parsed.hash) && got.len() >= parsed.hash.len();
    let has_pepper = pepper.is_some_and(|p| !p.is_empty());
    let weaker =
        parsed.algorithm != policy.algorithm || parsed.iterations < policy.iterations || parsed.peppered != has_pepper;
    Verified { ok, needs_rehash: ok && weaker }
}

/// The same work as a real verification, for logins that match no profile, so response
/// times do not tell whether a login exists.
pub fn burn(password: &str, policy: HashPolicy) {
    let salt = [0x5au8; SALT_LEN];
    let _ = derive(policy.algorithm, policy.iterations, password.as_bytes(), &salt);
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The bare derivation, for benchmarks: one PBKDF2 at `policy`, 64-byte output.
pub fn derive_once(policy: HashPolicy, password: &[u8], salt: &[u8]) -> Vec<u8> {
    derive(policy.algorithm, policy.iterations, password, salt)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::SeededEntropy;

    const FAST: HashPolicy = HashPolicy { algorithm: Algorithm::Sha512, iterations: 1_000 };

    #[test]
    fn rfc_6070_style_vectors() {
        // PBKDF2-HMAC-SHA256, P="password", S="salt", c=1, dkLen=32 (RFC 7914 section 11 uses c=1 too).
        let out = derive(Algorithm::Sha256, 1, b"passwd", b"salt");
        assert_eq!(hex::encode(&out), "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
        // RFC 7914 section 11, c = 80000, dkLen = 64 (first 32 bytes of the vector).
        let out = derive(Algorithm::Sha256, 80_000, b"Password", b"NaCl");
        assert_eq!(hex::encode(&out), "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56");
    }

    #[test]
    fn configured_iterations_keep_the_floor_and_the_cap() {
        assert_eq!(HashPolicy::with_iterations(None), HashPolicy::OWASP_2023);
        assert_eq!(HashPolicy::with_iterations(Some("300000")).iterations, 300_000);
        assert_eq!(HashPolicy::with_iterations(Some(" 300000 ")).iterations, 300_000);
        assert_eq!(HashPolicy::with_iterations(Some("1000")).iterations, 210_000, "never below the floor");
        assert_eq!(HashPolicy::with_iterations(Some("99999999")).iterations, HashPolicy::MAX_ITERATIONS);
        assert_eq!(HashPolicy::with_iterations(Some("lots")).iterations, 210_000);
        // A raised policy rehashes a hash made at the floor on the next login.
        let mut rng = SeededEntropy::new(9);
        let at_floor = HashPolicy { algorithm: Algorithm::Sha512, iterations: 2_000 };
        let raised = HashPolicy { algorithm: Algorithm::Sha512, iterations: 3_000 };
        let phc = hash_password("correct horse", at_floor, None, &mut rng);
        assert_eq!(verify_password("correct horse", &phc, raised, None), Verified { ok: true, needs_rehash: true });
    }

    #[test]
    fn hash_and_verify_round_trip() {
        let mut rng = SeededEntropy::new(1);
        let phc = hash_password("correct horse", FAST, None, &mut rng);
        assert!(phc.starts_with("$pbkdf2-sha512$i=1000,l=64$"));
        assert_eq!(verify_password("correct horse", &phc, FAST, None), Verified { ok: true, needs_rehash: false });
        assert!(!verify_password("correct horsf", &phc, FAST, None).ok);
    }

    #[test]
    fn rehash_when_policy_rises_or_pepper_appears() {
        let mut rng = SeededEntropy::new(2);
        let old = hash_password(
            "correct horse",
            HashPolicy { algorithm: Algorithm::Sha256, iterations: 1_000 },
            None,
            &mut rng,
        );
        let v = verify_password("correct horse", &old, FAST, None);
        assert!(v.ok && v.needs_rehash);
        let v = verify_password(
            "correct horse",
            &old,
            HashPolicy { algorithm: Algorithm::Sha256, iterations: 1_000 },
            Some(b"pep"),
        );
        assert!(v.ok && v.needs_rehash);
        let peppered = hash_password("correct horse", FAST, Some(b"pep"), &mut rng);
        assert!(peppered.contains(",k=1$"));
        assert!(verify_password("correct horse", &peppered, FAST, Some(b"pep")).ok);
        assert!(!verify_password("correct horse", &peppered, FAST, Some(b"other")).ok);
        assert!(!verify_password("correct horse", &peppered, FAST, None).ok);
    }

    #[test]
    fn production_strength_and_a_unique_salt_per_hash() {
        let mut rng = SeededEntropy::new(5);
        let production = hash_password("x", crate::config::Config::production().hash, None, &mut rng);
        assert!(production.starts_with("$pbkdf2-sha512$i=210000,"), "OWASP 2023 for PBKDF2-HMAC-SHA-512: {production}");
        let a = hash_password("same password", FAST, None, &mut rng);
        let b = hash_password("same password", FAST, None, &mut rng);
        assert_ne!(a, b, "each hash has its own salt");
        let salt = a.split('$').nth(3).unwrap();
        assert!(B64.decode(salt).unwrap().len() >= 16, "128-bit salts");
    }

    #[test]
    fn malformed_or_capped_hashes_never_match() {
        for bad in [
            "",
            "plain",
            "$pbkdf2-sha512$i=abc$AAAA$AAAA",
            "$bcrypt$i=1$AAAA$AAAA",
            "$pbkdf2-sha512$i=99999999,l=64$c2FsdHNhbHQ$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ] {
            assert!(!verify_password("x", bad, FAST, None).ok, "{bad}");
        }
    }
}
