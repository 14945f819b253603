# Sourced: start_worker PORT STATE_DIR starts `wrangler dev` on 127.0.0.1 with a local D1
# (migrations applied) and KV persisted under STATE_DIR, and waits until it answers.
# stop_worker stops it. The Worker must already be built (scripts/build.sh).

start_worker() {
  local port="$1" state="$2" log="$2/wrangler.log"
  mkdir -p "$state"
  wrangler d1 migrations apply DB --env dev --local --persist-to "$state" >"$state/migrations.log" 2>&1 \
    || { cat "$state/migrations.log" >&2; return 1; }
  local vars=()
  if [ -n "${NETID_OPERATOR_TOKEN:-}" ]; then vars+=(--var "OPERATOR_TOKEN:$NETID_OPERATOR_TOKEN"); fi
  if [ -n "${NETID_TWO_FACTOR_KEY:-}" ]; then vars+=(--var "TWO_FACTOR_KEY:$NETID_TWO_FACTOR_KEY"); fi
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
