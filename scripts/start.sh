#!/usr/bin/env bash
# Install everything, then run the scheduler with the embedded database and the local executor,
# and JupyterLab with the DOFC extension next to it. DOFC_PORT (default 8780) and DOFC_DATA_DIR
# (default ./.dofc) move the scheduler; DOFC_JUPYTER_PORT (default 8888) and DOFC_NOTEBOOK_DIR
# (default: the checkout) move JupyterLab.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install.sh
echo
echo "==> starting the DOFC scheduler and JupyterLab (Ctrl-C stops both; running jobs are found again on restart)"
node server/bin/dofc.js serve &
SCHEDULER_PID=$!
JUPYTER_ARGS=(--no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port="${DOFC_JUPYTER_PORT:-8888}"
  --ServerApp.root_dir="${DOFC_NOTEBOOK_DIR:-$(pwd)}")
# Jupyter refuses to start as root without this flag, and containers often run as root.
if [ "$(id -u)" = 0 ]; then JUPYTER_ARGS+=(--allow-root); fi
# The Jupyter server extension proxies the browser's /dofc/ requests to this scheduler.
DOFC_URL="http://127.0.0.1:${DOFC_PORT:-8780}" .venv/bin/jupyter lab "${JUPYTER_ARGS[@]}" &
JUPYTER_PID=$!
trap 'kill "$SCHEDULER_PID" "$JUPYTER_PID" 2>/dev/null' INT TERM EXIT
wait -n "$SCHEDULER_PID" "$JUPYTER_PID"
