//! The password hashing of core, compiled to wasm and run in headless Chromium against the
//! known answers of crates/core/tests/vectors/pbkdf2.json (RFC 7914 and OpenSSL). The test
//! command runs it twice: as built for the npm package (no SIMD) and as built for the Worker
//! (`-C target-feature=+simd128`), so the two builds are proven to derive the same bytes.

use netid_core::hashing::{derive_once, Algorithm, HashPolicy};
use serde_json::Value;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const VECTORS: &str = include_str!("../../core/tests/vectors/pbkdf2.json");

#[wasm_bindgen_test]
fn pbkdf2_known_answers_in_the_browser() {
    let file: Value = serde_json::from_str(VECTORS).unwrap_or(Value::Null);
    let vectors = file["vectors"].as_array().cloned().unwrap_or_default();
    assert!(vectors.len() >= 6, "the vector file was read");
    let mut failures = Vec::new();
    for v in &vectors {
        let algorithm = match v["alg"].as_str() {
            Some("sha256") => Algorithm::Sha256,
            _ => Algorithm::Sha512,
        };
        let iterations = v["iterations"].as_u64().and_then(|n| u32::try_from(n).ok()).unwrap_or(0);
        let out = derive_once(
            HashPolicy { algorithm, iterations },
            v["password"].as_str().unwrap_or_default().as_bytes(),
            v["salt"].as_str().unwrap_or_default().as_bytes(),
        );
        let got: String = out.iter().map(|b| format!("{b:02x}")).collect();
        let want = v["hex"].as_str().unwrap_or_default();
        if want.get(..got.len()) != Some(got.as_str()) {
            failures.push(format!("{}: got {got}", v["source"]));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    // The test command's SIMD run sets NETID_EXPECT_SIMD=1 when compiling: that build must
    // really carry the feature, or the run would prove nothing about the Worker's build.
    let simd = cfg!(target_feature = "simd128");
    assert_eq!(simd, option_env!("NETID_EXPECT_SIMD") == Some("1"), "simd128 as the build asked");
    console_log!("pbkdf2 vectors: {} passed (simd128: {simd})", vectors.len());
}
