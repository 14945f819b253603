//! Times one bare PBKDF2 derivation natively (release build), for the benchmark table:
//! `cargo run --release -p netid-core --example hash_bench -- ALG ITERATIONS RUNS`.
//! Prints one JSON object with every run's milliseconds and the median.

use netid_core::hashing::{derive_once, Algorithm, HashPolicy};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let algorithm = match args.get(1).map(String::as_str) {
        Some("sha256") => Algorithm::Sha256,
        _ => Algorithm::Sha512,
    };
    let iterations = args.get(2).and_then(|v| v.parse().ok()).unwrap_or(algorithm.owasp_2023_iterations());
    let runs: usize = args.get(3).and_then(|v| v.parse().ok()).unwrap_or(7);
    let policy = HashPolicy { algorithm, iterations };
    let mut ms: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(derive_once(policy, b"correct horse battery staple", b"0123456789abcdef"));
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    let runs_json = ms.iter().map(|m| format!("{m:.3}")).collect::<Vec<_>>().join(",");
    ms.sort_by(f64::total_cmp);
    let median = ms[ms.len() / 2];
    println!(
        "{{\"alg\":\"{}\",\"iterations\":{iterations},\"runs\":[{runs_json}],\"median_ms\":{median:.3}}}",
        algorithm.phc_id()
    );
}
