#!/usr/bin/env bash
# Install everything, then run the scheduler with the embedded database and the local executor.
# DOFC_PORT (default 8780) and DOFC_DATA_DIR (default ./.dofc) move it.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install.sh
echo
echo "==> starting the DOFC scheduler (Ctrl-C stops it; running jobs are found again on restart)"
exec node server/bin/dofc.js serve
