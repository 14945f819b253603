# Sourced: start_worker PORT STATE_DIR starts `wrangler dev` on 127.0.0.1 with a local D1
# (migrations applied) and KV persisted under STATE_DIR, and waits until it answers.
# stop_worker stops it. The Worker must already be built (scripts/build.sh).
# start_stand_in PORT starts the delivery providers' stand-in (tests/provider/server.mjs).

start_worker() {
  local port="$1" state="$2" log="$2/wrangler.log"
  mkdir -p "$state"
  wrangler d1 migrations apply DB --env dev --local --persist-to "$state" >"$state/migrations.log" 2>&1 \
    || { cat "$state/migrations.log" >&2; return 1; }
  local vars=()
  # The operator role's deploy-time list: the run's operator (tests/lib/operator.js).
  if [ -n "${NETID_OPERATOR_LOGIN:-}" ]; then vars+=(--var "OPERATORS:$NETID_OPERATOR_LOGIN"); fi
  if [ -n "${NETID_TWO_FACTOR_KEY:-}" ]; then vars+=(--var "TWO_FACTOR_KEY:$NETID_TWO_FACTOR_KEY"); fi
  # Extra Worker vars, space-separated KEY:VALUE (the delivery tests point the providers at
  # their stand-in this way).
  local kv
  for kv in ${NETID_WORKER_VARS:-}; do vars+=(--var "$kv"); done
  wrangler dev --env dev --local --ip 127.0.0.1 --port "$port" --persist-to "$state" --test-scheduled \
    --show-interactive-dev-session=false "${vars[@]}" >"$log" 2>&1 &
  WORKER_PID=$!
  for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$WORKER_PID" 2>/dev/null; then cat "$log" >&2; return 1; fi
    sleep 0.5
  done
  echo "wrangler dev did not answer on port $port" >&2
  cat "$log" >&2
  return 1
}

stop_worker() {
  if [ -n "${WORKER_PID:-}" ]; then
    pkill -P "$WORKER_PID" 2>/dev/null || true
    kill "$WORKER_PID" 2>/dev/null || true
    wait "$WORKER_PID" 2>/dev/null || true
    WORKER_PID=""
  fi
}

start_stand_in() {
  local port="$1"
  node "$ROOT/tests/provider/server.mjs" "$port" >"${TMPDIR:-/tmp}/netid-stand-in-$port.log" 2>&1 &
  STAND_IN_PID=$!
  for _ in $(seq 1 40); do
    if curl -fsS "http://127.0.0.1:$port/_stand-in/stats" >/dev/null 2>&1; then return 0; fi
    sleep 0.25
  done
  echo "the provider stand-in did not answer on port $port" >&2
  return 1
}

stop_stand_in() {
  if [ -n "${STAND_IN_PID:-}" ]; then
    kill "$STAND_IN_PID" 2>/dev/null || true
    wait "$STAND_IN_PID" 2>/dev/null || true
    STAND_IN_PID=""
  fi
}

# The Worker vars that send through the stand-in on PORT (fast retries for the tests).
stand_in_vars() {
  local port="$1"
  echo "EMAIL_PROVIDER:resend RESEND_API_URL:http://127.0.0.1:$port RESEND_API_KEY:re_test_stand_in_key \
EMAIL_FROM:netid-test@netid.invalid SMS_PROVIDER:twilio TWILIO_API_URL:http://127.0.0.1:$port \
TWILIO_ACCOUNT_SID:AC00000000000000000000000000000000 TWILIO_AUTH_TOKEN:stand-in-twilio-token \
TWILIO_FROM:+15005550006 DELIVERY_RETRY_SECONDS:1 DELIVERY_TIMEOUT_MS:1000"
}

# start_oidc PORT ORIGINS starts the local OpenID Connect provider (tests/oidc/server.mjs,
# oidc-provider from npm) whose clients call back to the Workers at ORIGINS (comma-separated).
start_oidc() {
  local port="$1" origins="$2"
  node "$ROOT/tests/oidc/server.mjs" "$port" "$origins" >"${TMPDIR:-/tmp}/netid-oidc-$port.log" 2>&1 &
  OIDC_PID=$!
  for _ in $(seq 1 40); do
    if curl -fsS "http://127.0.0.1:$port/.well-known/openid-configuration" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$OIDC_PID" 2>/dev/null; then cat "${TMPDIR:-/tmp}/netid-oidc-$port.log" >&2; return 1; fi
    sleep 0.25
  done
  echo "the local OpenID provider did not answer on port $port" >&2
  return 1
}

stop_oidc() {
  if [ -n "${OIDC_PID:-}" ]; then
    kill "$OIDC_PID" 2>/dev/null || true
    wait "$OIDC_PID" 2>/dev/null || true
    OIDC_PID=""
  fi
}

# The Worker vars that point all five social providers at the local provider on PORT:
# Google, Microsoft and Apple by OIDC discovery of its issuer, Facebook and Twitter by its
# OAuth 2.0 endpoints and their own user-info paths. Apple's signing key is the one the
# provider made at start (it verifies the client secret with its public half).
oidc_vars() {
  local port="$1" o="http://127.0.0.1:$1" key
  key=$(curl -fsS "$o/_oidc/apple-key" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const k=JSON.parse(s);console.log(`${k.team_id} ${k.key_id} ${k.pkcs8_base64}`)})')
  set -- $key
  echo "SOCIAL_GOOGLE_CLIENT_ID:netid-google SOCIAL_GOOGLE_CLIENT_SECRET:google-stand-in-secret SOCIAL_GOOGLE_ISSUER:$o \
SOCIAL_MICROSOFT_CLIENT_ID:netid-microsoft SOCIAL_MICROSOFT_CLIENT_SECRET:microsoft-stand-in-secret SOCIAL_MICROSOFT_ISSUER:$o \
SOCIAL_APPLE_CLIENT_ID:netid-apple SOCIAL_APPLE_ISSUER:$o SOCIAL_APPLE_TEAM_ID:$1 SOCIAL_APPLE_KEY_ID:$2 SOCIAL_APPLE_PRIVATE_KEY:$3 \
SOCIAL_FACEBOOK_CLIENT_ID:netid-facebook SOCIAL_FACEBOOK_CLIENT_SECRET:facebook-stand-in-secret \
SOCIAL_FACEBOOK_AUTH_URL:$o/auth SOCIAL_FACEBOOK_TOKEN_URL:$o/token SOCIAL_FACEBOOK_USERINFO_URL:$o/graph/me?fields=id,name,email \
SOCIAL_TWITTER_CLIENT_ID:netid-twitter SOCIAL_TWITTER_CLIENT_SECRET:twitter-stand-in-secret \
SOCIAL_TWITTER_AUTH_URL:$o/auth SOCIAL_TWITTER_TOKEN_URL:$o/token SOCIAL_TWITTER_USERINFO_URL:$o/2/users/me"
}

# start_example PORT ISSUER TENANTS_JSON starts the sample workspace app
# (examples/workspace-app/server.mjs) signing people in through the netid at ISSUER, with the
# tenants' client credentials in TENANTS_JSON (written by its test once it registered them).
start_example() {
  local port="$1" issuer="$2" tenants="$3"
  [ -f "$tenants" ] || echo '{}' >"$tenants"
  node "$ROOT/examples/workspace-app/server.mjs" "$port" "$issuer" "$tenants" >"${TMPDIR:-/tmp}/netid-example-$port.log" 2>&1 &
  EXAMPLE_PID=$!
  for _ in $(seq 1 40); do
    if curl -sS -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; then return 0; fi
    if ! kill -0 "$EXAMPLE_PID" 2>/dev/null; then cat "${TMPDIR:-/tmp}/netid-example-$port.log" >&2; return 1; fi
    sleep 0.25
  done
  echo "the sample workspace app did not answer on port $port" >&2
  return 1
}

stop_example() {
  if [ -n "${EXAMPLE_PID:-}" ]; then
    kill "$EXAMPLE_PID" 2>/dev/null || true
    wait "$EXAMPLE_PID" 2>/dev/null || true
    EXAMPLE_PID=""
  fi
}
