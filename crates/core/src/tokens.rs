//! Randomness (injected), opaque tokens, 6-digit codes and ids; everything secret is stored
//! only as a SHA-256 hash.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// A source of cryptographically secure random bytes. The Worker passes the platform CSPRNG
/// (`crypto.getRandomValues`); tests pass a seeded one.
pub trait Entropy {
    fn fill(&mut self, buf: &mut [u8]);
}

/// A deterministic generator for tests and benchmarks only (SHA-256 in counter mode).
#[derive(Debug, Clone)]
pub struct SeededEntropy {
    seed: u64,
    counter: u64,
}

impl SeededEntropy {
    pub fn new(seed: u64) -> Self {
        SeededEntropy { seed, counter: 0 }
    }
}

impl Entropy for SeededEntropy {
    fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(32) {
            self.counter += 1;
            let mut h = Sha256::new();
            h.update(self.seed.to_le_bytes());
            h.update(self.counter.to_le_bytes());
            let block = h.finalize();
            chunk.copy_from_slice(&block[..chunk.len()]);
        }
    }
}

/// A bearer token: 256 random bits, base64url.
pub fn new_token(rng: &mut dyn Entropy) -> String {
    let mut b = [0u8; 32];
    rng.fill(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

/// How a token is stored: hex SHA-256.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A uniform 6-digit code (rejection sampling, no modulo bias).
pub fn new_code(rng: &mut dyn Entropy) -> String {
    const LIMIT: u32 = u32::MAX - (u32::MAX % 1_000_000);
    loop {
        let mut b = [0u8; 4];
        rng.fill(&mut b);
        let n = u32::from_le_bytes(b);
        if n < LIMIT {
            return format!("{:06}", n % 1_000_000);
        }
    }
}

/// How a code is stored: bound to what it confirms, so a code for one purpose or profile
/// never matches another.
pub fn code_hash(purpose: &str, subject: &str, code: &str) -> String {
    let mut h = Sha256::new();
    for part in [purpose, subject, code] {
        h.update((part.len() as u32).to_le_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// An opaque id: a prefix and 96 random bits.
pub fn new_id(prefix: &str, rng: &mut dyn Entropy) -> String {
    let mut b = [0u8; 12];
    rng.fill(&mut b);
    format!("{prefix}_{}", URL_SAFE_NO_PAD.encode(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_and_distinct() {
        let mut rng = SeededEntropy::new(7);
        let a = new_token(&mut rng);
        let b = new_token(&mut rng);
        assert_ne!(a, b);
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).map(|v| v.len()), Ok(32));
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn codes_are_six_digits_and_spread() {
        let mut rng = SeededEntropy::new(9);
        let mut first_digits = [0u32; 10];
        for _ in 0..2000 {
            let c = new_code(&mut rng);
            assert_eq!(c.len(), 6);
            assert!(c.bytes().all(|b| b.is_ascii_digit()));
            first_digits[(c.as_bytes()[0] - b'0') as usize] += 1;
        }
        assert!(first_digits.iter().all(|&n| n > 120), "{first_digits:?}");
    }

    #[test]
    fn code_hash_binds_purpose_and_subject() {
        assert_ne!(code_hash("signup", "p1", "123456"), code_hash("reset", "p1", "123456"));
        assert_ne!(code_hash("signup", "p1", "123456"), code_hash("signup", "p2", "123456"));
        assert_ne!(code_hash("ab", "c", "1"), code_hash("a", "bc", "1"));
    }
}
