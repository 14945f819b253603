#!/usr/bin/env bash
# Runs every test: installs what is missing, then formatting and lints, the native tests,
# the npm package's tests in headless Chromium, the end-to-end HTTP tests against a local
# Worker with a fresh D1/KV, and the web front end's browser tests. Exits non-zero on any failure.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh"
source "$ROOT/scripts/env.sh"
source "$ROOT/scripts/worker.sh"
cd "$ROOT"
# Everything is also logged, to add up the runners' counts at the end.
TEST_LOG="$(mktemp "${TMPDIR:-/tmp}/netid-test-log.XXXXXX")"
exec > >(tee "$TEST_LOG") 2>&1
step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }

step "format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
cargo clippy -p netid-worker -p netid-client --target wasm32-unknown-unknown --quiet -- -D warnings

step "native tests (cargo test)"
cargo test --workspace --exclude netid-client

step "npm package tests in headless Chromium (wasm-pack test)"
(cd crates/client && wasm-pack test --headless --chrome)
step "password hashing in headless Chromium as the Worker is built (wasm SIMD)"
(cd crates/client && CARGO_TARGET_DIR="$ROOT/target/browser-simd" RUSTFLAGS="-C target-feature=+simd128" NETID_EXPECT_SIMD=1 \
  wasm-pack test --headless --chrome -- --test hashing)

step "build (worker-build, wasm-pack)"
bash scripts/build.sh

PORT="${NETID_TEST_PORT:-8799}"
STATE="$(mktemp -d "${TMPDIR:-/tmp}/netid-test.XXXXXX")"
OPORT="${NETID_OIDC_PORT:-8794}"
trap 'stop_worker; stop_oidc; rm -rf "$STATE"' EXIT
step "end-to-end: wrangler dev on 127.0.0.1:$PORT with a fresh D1/KV ($STATE), social login through the OpenID provider on 127.0.0.1:$OPORT"
# The run's operator: a person on every test Worker's OPERATORS list, made and signed in with
# a passkey by tests/lib/operator.js (its key is kept under $STATE, per Worker port).
export NETID_OPERATOR_LOGIN="operator.$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')@example.com"
export NETID_OPERATOR_STATE_DIR="$STATE/operators"
# And a throwaway key that seals authenticator secrets (the TWO_FACTOR_KEY secret).
export NETID_TWO_FACTOR_KEY="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
# A real OpenID Connect provider (oidc-provider from npm) that all five social providers point at.
start_oidc "$OPORT" "http://127.0.0.1:$PORT"
export NETID_OIDC_URL="http://127.0.0.1:$OPORT"
NETID_WORKER_VARS="$(oidc_vars "$OPORT")" start_worker "$PORT" "$STATE"
export NETID_BASE_URL="http://127.0.0.1:$PORT"
# Where the Worker logs (start_worker): some tests check the reason it gives for a refusal.
export NETID_WORKER_LOG="$STATE/wrangler.log"
node --test --test-concurrency=1 tests/e2e/

step "web front end in headless Chromium (Playwright)"
node --test --test-concurrency=1 tests/web/

# Last against this Worker: the fuzzing moves the clock years ahead and logs its person out.
step "fuzzing from openapi.yaml (Schemathesis, every check on, 10 examples per operation)"
bash tests/fuzz/run.sh "$NETID_BASE_URL" 10
stop_worker
stop_oidc

DPORT="${NETID_DELIVERY_PORT:-8795}"
SPORT="${NETID_PROVIDER_PORT:-8790}"
DSTATE="$(mktemp -d "${TMPDIR:-/tmp}/netid-delivery.XXXXXX")"
trap 'stop_worker; stop_stand_in; stop_oidc; rm -rf "$STATE" "$DSTATE"' EXIT
step "delivery: a Worker on 127.0.0.1:$DPORT sending through the provider stand-in on 127.0.0.1:$SPORT"
start_stand_in "$SPORT"
NETID_WORKER_VARS="$(stand_in_vars "$SPORT")" start_worker "$DPORT" "$DSTATE"
NETID_BASE_URL="http://127.0.0.1:$DPORT" NETID_PROVIDER_URL="http://127.0.0.1:$SPORT" \
  node --test --test-concurrency=1 tests/delivery/
stop_worker
stop_stand_in

step "delivery through Cloudflare Email Sending (the send_email binding) on 127.0.0.1:$DPORT"
rm -rf "$DSTATE" && mkdir -p "$DSTATE"
NETID_WORKER_VARS="EMAIL_PROVIDER:cloudflare EMAIL_FROM:no-reply@netid.example" start_worker "$DPORT" "$DSTATE"
NETID_BASE_URL="http://127.0.0.1:$DPORT" node --test --test-concurrency=1 tests/delivery-cloudflare/
stop_worker

# A workspace's own app signing people in through netid, on a Worker of its own whose clock
# no other test has moved (the app checks the tokens' times against this machine's clock).
XPORT="${NETID_EXAMPLE_NETID_PORT:-8792}"
EPORT="${NETID_EXAMPLE_PORT:-8791}"
XSTATE="$(mktemp -d "${TMPDIR:-/tmp}/netid-example.XXXXXX")"
trap 'stop_worker; stop_stand_in; stop_oidc; stop_example; rm -rf "$STATE" "$DSTATE" "$XSTATE"' EXIT
step "the sample workspace app (examples/workspace-app) on 127.0.0.1:$EPORT, signing people in through a Worker on 127.0.0.1:$XPORT"
start_worker "$XPORT" "$XSTATE"
start_example "$EPORT" "http://127.0.0.1:$XPORT" "$XSTATE/tenants.json"
NETID_BASE_URL="http://127.0.0.1:$XPORT" NETID_EXAMPLE_URL="http://127.0.0.1:$EPORT" NETID_EXAMPLE_TENANTS="$XSTATE/tenants.json" \
  node --test --test-concurrency=1 tests/example/
stop_example
stop_worker

# The benchmark command on tiny sizes, so it does not rot (its figures are not asserted).
step "benchmark smoke run (bench --quick)"
NETID_BENCH_BUILD=0 bash scripts/bench.sh --quick
step "all tests passed"
# One closing line over every runner: cargo's "test result" lines, Schemathesis' generated
# cases and node's "# pass/# fail".
awk '/test result: ok\./ || / generated, [0-9]+ passed/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     /^# pass / { p += $3 } /^# fail / { f += $3 }
     END { printf "netid: %d passed, %d failed\n", p, f }' "$TEST_LOG"
rm -f "$TEST_LOG"
