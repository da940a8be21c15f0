#!/usr/bin/env bash
# Fuzz the HTTP API with schemathesis against a scheduler started here on loopback, once as the
# user "ana" and once as the admin "admin", each with a personal API token. Checks that no response
# is a 5xx and that every response matches /openapi.json. Writes one JUnit XML file per caller to
# the folder given as $1 (default ./fuzz-results).
#   DOFC_FUZZ_EXAMPLES  generated cases per operation and caller (default 30, about 1,300 distinct
#                       requests in all over 34 operations and two callers)
#   DOFC_FUZZ_PHASES    schemathesis phases (default fuzzing; adding coverage tries boundary values
#                       too and takes several minutes)
#   DOFC_FUZZ_SERVER    command that starts the scheduler (default: node server/bin/dofc.js serve)
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=${1:-$ROOT/fuzz-results}
EXAMPLES=${DOFC_FUZZ_EXAMPLES:-30}
PHASES=${DOFC_FUZZ_PHASES:-fuzzing}
SERVER_CMD=${DOFC_FUZZ_SERVER:-node $ROOT/server/bin/dofc.js serve}
mkdir -p "$OUT"
[ -x .venv/bin/schemathesis ] || { echo "fuzz-api.sh: .venv/bin/schemathesis is missing; run scripts/install.sh" >&2; exit 1; }
WORK=$(mktemp -d)
mkdir -p "$WORK/notebooks"

PORT=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
SECRET=$(.venv/bin/python -c 'import secrets; print(secrets.token_hex(32))')
export DOFC_SHARED_SECRET=$SECRET

# One core and 1 GB keep the fuzzed jobs that are accepted (most ask for 2 GB and get 422) to one
# runner at a time, and no warm kernels start. The rate limit is raised so that it does not turn
# most fuzzed submissions into 429s.
# With job control on, the scheduler and any child of a wrapper such as tsx get a process group of
# their own, so the cleanup below stops them all.
set -m
env -u DATABASE_URL \
  DOFC_DATA_DIR="$WORK/data" DOFC_ADMINS=admin DOFC_USERS=ana:user:data \
  DOFC_CORES=1 DOFC_MEMORY_GB=1 DOFC_WARM_KERNELS=0 DOFC_ALLOWED_ROOTS="$WORK/notebooks" \
  DOFC_SUBMIT_RATE_PER_MIN=1000000 DOFC_SUBMIT_BURST=1000000 DOFC_LOG_LEVEL=warn \
  $SERVER_CMD --port "$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
set +m
cleanup() {
  kill -- -"$SERVER_PID" 2>/dev/null
  wait "$SERVER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

healthy() {
  .venv/bin/python -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$BASE/health" 2>/dev/null
}
for _ in $(seq 1 300); do
  healthy && break
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "fuzz-api.sh: the scheduler exited at start-up:" >&2; cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.3
done
healthy || { echo "fuzz-api.sh: the scheduler did not respond to /health within 90 s; its log follows" >&2; cat "$WORK/server.log" >&2; exit 1; }

# Every request carries a valid bearer token, so the security schemes are taken out of the
# document: otherwise schemathesis also sends generated X-Dofc-Signature headers, and most requests
# stop at 401 before they reach a route.
.venv/bin/python - "$BASE/openapi.json" "$WORK/openapi.json" <<'PY'
import json, sys, urllib.request
document = json.load(urllib.request.urlopen(sys.argv[1], timeout=10))
document.pop("security", None)
document.get("components", {}).pop("securitySchemes", None)
for operations in document["paths"].values():
    for operation in operations.values():
        if isinstance(operation, dict):
            operation.pop("security", None)
json.dump(document, open(sys.argv[2], "w"))
PY

# Revoking a token is left out: a generated id that hits the caller's own token revokes it, and
# every later request would stop at 401 instead of reaching its route. Tests cover revocation.
status=0
for user in ana admin; do
  token=$(.venv/bin/python tests/fuzz/mint_token.py "$BASE" "$user") || { echo "fuzz-api.sh: could not create a token for $user" >&2; exit 1; }
  echo "==> schemathesis as $user, $EXAMPLES cases per operation"
  .venv/bin/schemathesis run "$WORK/openapi.json" --url "$BASE" \
    --checks not_a_server_error,response_schema_conformance \
    --max-examples "$EXAMPLES" --seed 20261204 --workers 2 --no-shrink \
    --phases "$PHASES" \
    --header "Authorization: Bearer $token" \
    --request-timeout 10 \
    --exclude-path-regex '/stream$' \
    --exclude-name 'DELETE /me/tokens/{id}' \
    --report junit --report-junit-path "$OUT/fuzz-api-$user.xml" || status=1
done

if [ "$status" != 0 ]; then
  echo "fuzz-api.sh: failures above; the scheduler's log follows" >&2
  tail -n 50 "$WORK/server.log" >&2
fi
exit "$status"
