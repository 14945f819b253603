//! The breached-password filter against its sources, read here from the packages themselves:
//! the committed filter is exactly what its two lists make, every listed password of a
//! settable length is refused, the `passwords` crate's own check agrees, and the measured
//! false-positive rate is what a 16-bit binary fuse filter promises (about 2^-16).

use netid_core::validate::{breached, Password, PersonalInfo};
use netid_core::Code;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The `passwords` crate's list, found where cargo keeps the crate (`cargo metadata`).
fn crate_list() -> Vec<String> {
    let out = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--offline"])
        .current_dir(root())
        .output()
        .expect("cargo metadata runs");
    assert!(out.status.success(), "cargo metadata: {}", String::from_utf8_lossy(&out.stderr));
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata JSON");
    let manifest = meta["packages"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == "passwords"))
        .and_then(|p| p["manifest_path"].as_str())
        .expect("the passwords crate is a dev-dependency")
        .to_string();
    let dir = PathBuf::from(manifest).parent().expect("its directory").to_path_buf();
    serde_json::from_str(&std::fs::read_to_string(dir.join("data/common-passwords.json")).expect("its list"))
        .expect("a JSON array")
}

/// npm's @zxcvbn-ts/language-common list (a devDependency, installed by scripts/setup.sh).
fn npm_list() -> Vec<String> {
    let path = root().join("node_modules/@zxcvbn-ts/language-common/src/passwords.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e} (run npm ci)", path.display()));
    serde_json::from_str(&text).expect("a JSON array")
}

#[test]
fn the_committed_filter_is_what_its_two_lists_make() {
    let (a, b) = (crate_list(), npm_list());
    assert_eq!((a.len(), b.len()), (99_838, 49_233), "the pinned lists");
    let mut all: Vec<String> = a.iter().chain(b.iter()).map(|p| p.to_lowercase()).collect();
    all.sort();
    all.dedup();
    assert!(all.len() >= 100_000, "at least 100,000 distinct passwords: {}", all.len());
    let built = breached::build(all.iter().map(String::as_str)).expect("a filter");
    let committed =
        std::fs::read(root().join("crates/core/data/breached-passwords.bf16")).expect("the committed filter");
    assert!(built == committed, "crates/core/data/breached-passwords.bf16 is stale: run scripts/password-filter.sh");
}

#[test]
fn every_listed_password_that_could_be_set_is_refused() {
    let none = PersonalInfo::default();
    let mut checked = 0;
    for p in crate_list().iter().chain(npm_list().iter()) {
        let n = p.chars().count();
        if !(Password::MIN_CHARS..=Password::MAX_CHARS).contains(&n) {
            continue;
        }
        let refused = Password::parse(p, &none).map_err(|e| e.code);
        assert_eq!(refused, Err(Code::PasswordCommon), "{p:?}");
        // Its upper-case form too: the lists are compared lowercased (ASCII ones: a round
        // trip through upper case is not the identity for every letter).
        if p.is_ascii() {
            assert_eq!(
                Password::parse(&p.to_uppercase(), &none).map_err(|e| e.code),
                Err(Code::PasswordCommon),
                "{p:?}"
            );
        }
        checked += 1;
    }
    assert!(checked > 50_000, "{checked} passwords of 8 characters or more were checked");
}

#[test]
fn the_passwords_crate_agrees_on_what_it_calls_common() {
    // Its check on the other list's 2,000 commonest entries and on variants of them: what
    // it calls common, the policy refuses. (Its debug build scans its list on every call.)
    let none = PersonalInfo::default();
    let mut agreed = 0;
    for p in npm_list().into_iter().take(2_000) {
        for candidate in [p.clone(), format!("{p}1"), format!("{p}!")] {
            if candidate.chars().count() >= Password::MIN_CHARS && passwords::analyzer::is_common_password(&candidate) {
                assert!(Password::parse(&candidate, &none).is_err(), "{candidate:?}");
                agreed += 1;
            }
        }
    }
    assert!(agreed > 100, "{agreed} candidates the crate calls common");
}

#[test]
fn the_false_positive_rate_is_about_one_in_sixty_five_thousand() {
    // 200,000 random 16-letter strings (a fixed xorshift sequence: the same every run),
    // none of them a list entry: the filter calls a few of them breached.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let n = 200_000;
    let mut false_positives = 0;
    for _ in 0..n {
        let s: String = (0..16).map(|_| char::from(b'a' + (next() % 26) as u8)).collect();
        if breached::is_breached(&s) {
            false_positives += 1;
        }
    }
    println!(
        "breached-password filter: {false_positives} false positives in {n} ({:.6} %)",
        100.0 * f64::from(false_positives) / f64::from(n)
    );
    // Expected about 3 (2^-16 x 200,000); 8-bit fingerprints would give about 780.
    assert!(false_positives <= 15, "{false_positives} false positives in {n}");
}
