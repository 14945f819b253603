#!/usr/bin/env bash
# Runs the benchmark suite (bench/run.mjs): prints a table and writes bench/results/*.json.
# `bash scripts/bench.sh` for the full run (about 10 minutes), `--quick` for tiny sizes.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh"
source "$ROOT/scripts/env.sh"
cd "$ROOT"
if ! command -v wrk >/dev/null; then
  SUDO=""; if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO=sudo; fi
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi
if [ ! -d bench/node_modules ] || [ bench/package-lock.json -nt bench/node_modules/.package-lock.json ]; then
  (cd bench && npm ci --no-audit --no-fund --loglevel=error)
fi
[ -f worker/build/worker/shim.mjs ] && [ -f crates/client/pkg-web/netid_client_bg.wasm ] && [ "${NETID_BENCH_BUILD:-1}" = 0 ] || bash scripts/build.sh
exec node bench/run.mjs "$@"
