#!/usr/bin/env bash
# Runs netid locally: installs what is missing, builds, applies the D1 migrations and starts
# the Worker with the web front end on http://127.0.0.1:8787 (local D1 + KV in .state/dev).
# With --social, also a local OpenID Connect provider on 127.0.0.1:8794 (tests/oidc/server.mjs)
# that every "Log in with ..." button goes through.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh"
source "$ROOT/scripts/env.sh"
cd "$ROOT"
bash scripts/build.sh
PORT="${NETID_PORT:-8787}"
STATE="$ROOT/.state/dev"
mkdir -p "$STATE"
wrangler d1 migrations apply DB --env dev --local --persist-to "$STATE"
# Operators are people: the profiles whose confirmed email or phone is on this list (the
# Worker's OPERATORS var), signed in with a second factor. NETID_OPERATORS=you@example.com
# bash scripts/dev.sh, then sign up as that person and switch two-step on or add a passkey.
OPERATOR_VARS=()
if [ -n "${NETID_OPERATORS:-}" ]; then OPERATOR_VARS=(--var "OPERATORS:$NETID_OPERATORS"); fi
# The key that seals authenticator secrets: made once per local database, like a Worker secret.
if [ ! -s "$STATE/two_factor_key" ]; then head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$STATE/two_factor_key"; fi
SOCIAL_VARS=()
if [ "${1:-}" = "--social" ]; then
  source "$ROOT/scripts/worker.sh"
  OPORT="${NETID_OIDC_PORT:-8794}"
  start_oidc "$OPORT" "http://127.0.0.1:$PORT"
  trap 'stop_oidc' EXIT
  for kv in $(oidc_vars "$OPORT"); do SOCIAL_VARS+=(--var "$kv"); done
  echo "  social login: the local OpenID provider on http://127.0.0.1:$OPORT (type any account name on its page)"
fi
echo
echo "  netid is starting on http://127.0.0.1:$PORT  (API under /api/v1, dev outbox at /api/v1/dev/outbox?to=...)"
echo "  operators (the operator API, with their own session signed in with a second factor): ${NETID_OPERATORS:-none (set NETID_OPERATORS)}"
echo "  run the cron by hand: curl 'http://127.0.0.1:$PORT/__scheduled?cron=17+*+*+*+*'"
echo
ARGS=(dev --env dev --local --ip 127.0.0.1 --port "$PORT" --persist-to "$STATE" --test-scheduled
  --var "TWO_FACTOR_KEY:$(cat "$STATE/two_factor_key")" "${OPERATOR_VARS[@]}" "${SOCIAL_VARS[@]}")
if [ ${#SOCIAL_VARS[@]} -gt 0 ]; then
  wrangler "${ARGS[@]}"
else
  exec wrangler "${ARGS[@]}"
fi
