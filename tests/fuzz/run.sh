#!/usr/bin/env bash
# Fuzzes a running development Worker from openapi.yaml with Schemathesis, every check on:
# no server errors, status codes and content types as documented, response schemas, schema-
# valid data accepted (422 counts as a domain rule's refusal, tests/fuzz/schemathesis.toml),
# schema-violating data refused, undeclared methods answered 405 with Allow. Then the data
# invariants must still hold.
#   bash tests/fuzz/run.sh BASE_URL [MAX_EXAMPLES]     (needs NETID_OPERATOR_LOGIN on the Worker's OPERATORS list)
# Installs Schemathesis and openapi-spec-validator (pinned, from PyPI) into .state/venv.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BASE="$1"
EXAMPLES="${2:-10}"
VENV="$ROOT/.state/venv"
SCHEMATHESIS_VERSION=4.32.5
VALIDATOR_VERSION=0.9.0
if [ ! -x "$VENV/bin/schemathesis" ] || ! "$VENV/bin/pip" show schemathesis 2>/dev/null | grep -qx "Version: $SCHEMATHESIS_VERSION" \
  || ! "$VENV/bin/pip" show openapi-spec-validator 2>/dev/null | grep -qx "Version: $VALIDATOR_VERSION"; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" "openapi-spec-validator==$VALIDATOR_VERSION"
fi
echo "openapi.yaml against the OpenAPI 3.1 schema (openapi-spec-validator $VALIDATOR_VERSION):"
"$VENV/bin/openapi-spec-validator" "$ROOT/openapi.yaml"

TOKEN="$(API="$BASE/api/v1" node "$ROOT/tests/fuzz/person.mjs")"
cd "$ROOT/tests/fuzz"   # schemathesis.toml
st() { "$VENV/bin/schemathesis" run "$ROOT/openapi.yaml" --url "$BASE/api/v1" --checks all \
  --max-examples "$EXAMPLES" --no-shrink --generation-codec utf-8 --seed 20261122 "$@"; }
# 1. Every operation a person calls, as that person. Operations that end the person's
#    session or move the whole service's state are fuzzed after it.
#    The OAuth endpoints (tag oauth) come next, on their own.
st -H "Authorization: Bearer $TOKEN" --exclude-operation-id logout --exclude-tag operator --exclude-tag oauth \
  --exclude-operation-id devAdvanceClock --exclude-operation-id devSeed --exclude-operation-id devArmFault
# 1b. The OAuth endpoints, every check but the acceptance of schema-valid data: RFC 6749
#    answers a well-formed request with an unknown code, client or token 400 or 401, which is
#    the right answer, not a refusal of valid data. Everything else holds (no 5xx, documented
#    statuses and types, response schemas, malformed data refused);
#    tests/e2e/provider.test.js drives the valid flows (openid-client, each attack by hand).
st --include-tag oauth --exclude-checks positive_data_acceptance
# 2. The operator API, as the operator (a person on the Worker's OPERATORS list, signed in
#    with a passkey: tests/lib/operator.js).
: "${NETID_OPERATOR_LOGIN:?the operator login, on the OPERATORS list of the Worker}"
OPERATOR="$(node "$ROOT/tests/lib/operator.js" "$BASE")"
st -H "Authorization: Bearer $OPERATOR" --include-tag operator
# 3. Logout and the development clock, last. (Not fuzzed: dev/faults, whose purpose is to
#    make the next request fail, and dev/seed: a valid example
#    seeds up to 200,000 accounts; the benchmarks exercise it.)
st -H "Authorization: Bearer $TOKEN" --include-operation-id logout --include-operation-id devAdvanceClock

inv="$(curl -fsS "$BASE/api/v1/dev/invariants")"
echo "invariants after fuzzing: $inv"
echo "$inv" | node -e 'const j = JSON.parse(require("fs").readFileSync(0, "utf8")); if (j.violations.length) process.exit(1);'
