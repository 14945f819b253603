//! PBKDF2 known answers (RFC 7914 section 11, and OpenSSL's outputs): the same file is
//! checked in headless Chromium with and without wasm SIMD (crates/client/tests/hashing.rs)
//! and inside workerd by the SIMD-built Worker (tests/e2e/hashing.test.js).

use netid_core::hashing::{derive_once, Algorithm, HashPolicy};
use serde_json::Value;

const VECTORS: &str = include_str!("vectors/pbkdf2.json");

#[test]
fn pbkdf2_known_answers() {
    let file: Value = serde_json::from_str(VECTORS).expect("the vector file is JSON");
    let vectors = file["vectors"].as_array().expect("a vectors array");
    assert!(vectors.len() >= 6, "the file holds the RFC and OpenSSL vectors");
    for v in vectors {
        let algorithm = match v["alg"].as_str() {
            Some("sha256") => Algorithm::Sha256,
            Some("sha512") => Algorithm::Sha512,
            other => panic!("unknown algorithm {other:?}"),
        };
        let iterations = v["iterations"].as_u64().and_then(|n| u32::try_from(n).ok()).expect("iterations");
        let out = derive_once(
            HashPolicy { algorithm, iterations },
            v["password"].as_str().expect("password").as_bytes(),
            v["salt"].as_str().expect("salt").as_bytes(),
        );
        let want = v["hex"].as_str().expect("hex");
        // A shorter derived key is the published one's prefix (PBKDF2's first block).
        assert_eq!(want.get(..out.len() * 2), Some(hex::encode(&out).as_str()), "{}", v["source"]);
    }
}
