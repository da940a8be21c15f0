#!/usr/bin/env bash
# Install everything (Debian packages included), start PostgreSQL, and run every test suite:
# the server suite on PGlite and again on PostgreSQL, and the Python suite. Ends with one line
# "N passed, N failed". Needs root for apt-get; set DOFC_SKIP_APT=1 where the packages are there.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RESULTS=$(mktemp -d)

step() { printf '\n==> %s\n' "$*"; }
die() { echo "test.sh: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

if [ "${DOFC_SKIP_APT:-0}" != 1 ]; then
  step "Debian packages: PostgreSQL"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || die "apt-get update failed"
  apt-get install -y -qq postgresql >/dev/null || die "apt-get install postgresql failed"
  apt-get install -y -qq chromium >/dev/null || die "apt-get install chromium failed (the browser tests need /usr/bin/chromium)"
  apt-get install -y -qq openjdk-17-jre-headless >/dev/null || die "apt-get install openjdk-17-jre-headless failed (the Spark executor tests start a standalone cluster)"
fi

bash scripts/install.sh || die "install failed"

step "PostgreSQL"
# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh
start_test_postgres || die "PostgreSQL did not start"

step "type check and lint"
(cd server && npx tsc -p tsconfig.test.json --noEmit) || die "type check failed"
npx eslint server/src server/test || die "lint failed"

run_vitest() {
  local name=$1
  shift
  step "server tests on $name"
  (cd server && env "$@" npx vitest run --reporter=default --reporter=json --outputFile="$RESULTS/vitest-$name.json")
}
# Tests submit notebooks by path from the checkout and from the shared test data, so both are
# folders the scheduler may read.
export DOFC_ALLOWED_ROOTS="$ROOT:${DOFC_SHARED_DATA:-$ROOT/../shared/data}"
run_vitest pglite DOFC_TEST_DATABASE_URL=
run_vitest postgres DOFC_TEST_DATABASE_URL="$DOFC_TEST_POSTGRES_URL"

step "Python tests"
.venv/bin/python -m pytest -q --junitxml="$RESULTS/pytest.xml" || true

step "API fuzzing: schemathesis against a scheduler on loopback, as a user and as an admin"
bash scripts/fuzz-api.sh "$RESULTS" || true

step "JupyterLab extension: type check and browser tests (Playwright on Debian's Chromium)"
(cd extension && npx tsc -p tsconfig.json --noEmit) || die "extension type check failed"
(cd ui-tests && npx tsc -p tsconfig.json --noEmit) || die "ui-tests type check failed"
npx eslint extension/src ui-tests || die "extension lint failed"
(cd ui-tests && DOFC_UI_RESULTS="$RESULTS/playwright.json" npx playwright test) || true

step "summary"
node scripts/summarize-results.mjs "$RESULTS"
