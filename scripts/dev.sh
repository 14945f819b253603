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
# The operator API's token: made once per machine, kept out of the repository.
if [ ! -s "$STATE/operator_token" ]; then head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$STATE/operator_token"; fi
OPERATOR_TOKEN="$(cat "$STATE/operator_token")"
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
echo "  operator API token (Authorization: Bearer ...): $OPERATOR_TOKEN  (in $STATE/operator_token)"
echo "  run the cron by hand: curl 'http://127.0.0.1:$PORT/__scheduled?cron=17+*+*+*+*'"
echo
ARGS=(dev --env dev --local --ip 127.0.0.1 --port "$PORT" --persist-to "$STATE" --test-scheduled
  --var "OPERATOR_TOKEN:$OPERATOR_TOKEN" --var "TWO_FACTOR_KEY:$(cat "$STATE/two_factor_key")" "${SOCIAL_VARS[@]}")
if [ ${#SOCIAL_VARS[@]} -gt 0 ]; then
  wrangler "${ARGS[@]}"
else
  exec wrangler "${ARGS[@]}"
fi
