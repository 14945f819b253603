//! The breached-password filter: the lowercased union of two maintained lists of the most
//! common passwords in public breach corpora (the `passwords` crate's 99,838 and npm's
//! `@zxcvbn-ts/language-common` 49,233: 115,719 distinct), held as a binary fuse filter with
//! 16-bit fingerprints (`xorf`): 19 bits an entry, about 232 KiB, a false-positive rate of
//! about 2^-16 (1 strong password in 65,536 is refused as common). It is built offline
//! (`scripts/password-filter.sh`, `examples/password_filter.rs`) into
//! `crates/core/data/breached-passwords.bf16` and read once per process. Nothing leaves the
//! service: the check is a lookup in memory.
//!
//! The file: the descriptor (seed u64, segment length u32, its mask u32, the segment count
//! length u32, little-endian), then the fingerprints (u16, little-endian).

use std::sync::OnceLock;
use xorf::{BinaryFuse16, Descriptor, Filter};

const FILTER: &[u8] = include_bytes!("../../data/breached-passwords.bf16");
const HEADER: usize = 20;

/// The filter's key of a lowercased password: 64-bit FNV-1a of its UTF-8 bytes (stable
/// across platforms and versions, which the committed filter needs; not a secret).
pub fn key(lower: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in lower.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The filter's file for `entries` (lowercased, deduplicated here).
pub fn build<'a>(entries: impl IntoIterator<Item = &'a str>) -> Result<Vec<u8>, &'static str> {
    let mut keys: Vec<u64> = entries.into_iter().map(|e| key(&e.to_lowercase())).collect();
    keys.sort_unstable();
    keys.dedup();
    let f = BinaryFuse16::try_from(&keys)?;
    let d = &f.descriptor;
    let mut out = Vec::with_capacity(HEADER + 2 * f.fingerprints.len());
    out.extend_from_slice(&d.seed.to_le_bytes());
    out.extend_from_slice(&d.segment_length.to_le_bytes());
    out.extend_from_slice(&d.segment_length_mask.to_le_bytes());
    out.extend_from_slice(&d.segment_count_length.to_le_bytes());
    for fp in f.fingerprints.iter() {
        out.extend_from_slice(&fp.to_le_bytes());
    }
    Ok(out)
}

/// Reads a filter file; `None` when it is not one.
pub fn parse(bytes: &[u8]) -> Option<BinaryFuse16> {
    let u32_at = |i: usize| bytes.get(i..i + 4).and_then(|b| b.try_into().ok()).map(u32::from_le_bytes);
    let seed = u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?);
    let descriptor = Descriptor {
        seed,
        segment_length: u32_at(8)?,
        segment_length_mask: u32_at(12)?,
        segment_count_length: u32_at(16)?,
    };
    let body = bytes.get(HEADER..)?;
    if body.is_empty() || body.len() % 2 != 0 {
        return None;
    }
    let fingerprints = body.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
    Some(BinaryFuse16 { descriptor, fingerprints })
}

fn filter() -> Option<&'static BinaryFuse16> {
    static F: OnceLock<Option<BinaryFuse16>> = OnceLock::new();
    F.get_or_init(|| parse(FILTER)).as_ref()
}

/// Whether a lowercased password is on the lists (or, about once in 65,536, collides).
pub fn is_breached(lower: &str) -> bool {
    filter().is_some_and(|f| f.contains(&key(lower)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_filter_reads_and_knows_the_commonest() {
        assert!(filter().is_some(), "the filter file parses");
        for p in ["123456", "password", "qwerty", "iloveyou", "dragon", "baseball"] {
            assert!(is_breached(p), "{p}");
        }
        assert!(!is_breached("violet-harbour-lantern"));
    }

    #[test]
    fn a_file_round_trips_and_garbage_is_no_filter() {
        let bytes = build(["alpha-one", "Beta-Two", "gamma-three"]).unwrap();
        let f = parse(&bytes).unwrap();
        assert!(f.contains(&key("beta-two")), "entries are lowercased");
        assert!(parse(&bytes[..HEADER]).is_none());
        assert!(parse(&bytes[..HEADER + 1]).is_none());
        assert!(parse(b"short").is_none());
    }
}
