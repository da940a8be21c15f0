#!/usr/bin/env bash
# Install everything (skipped when this commit is installed already), then run the scheduler
# with the embedded database and the local executor, and JupyterLab with the DOFC extension next
# to it. DOFC_PORT (default 8780) and DOFC_DATA_DIR (default ./.dofc) move the scheduler;
# DOFC_JUPYTER_PORT (default 8888) and DOFC_NOTEBOOK_DIR (default: the checkout) move JupyterLab.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install.sh --if-needed
echo
echo "==> starting the DOFC scheduler and JupyterLab (Ctrl-C stops both; running jobs are found again on restart)"
# The Jupyter proxy signs each request with a secret that only it and the scheduler read. It is
# made once, in the data folder, readable by this user only.
DATA_DIR="${DOFC_DATA_DIR:-.dofc}"
export DOFC_SHARED_SECRET_FILE="${DOFC_SHARED_SECRET_FILE:-$(mkdir -p "$DATA_DIR" && cd "$DATA_DIR" && pwd)/shared-secret}"
if [ ! -s "$DOFC_SHARED_SECRET_FILE" ]; then
  (umask 077 && node -e "process.stdout.write(require('crypto').randomBytes(32).toString('hex') + '\\n')" > "$DOFC_SHARED_SECRET_FILE")
fi
# A plain JupyterLab acts for the operating-system user that runs it; that user administers DOFC.
LOCAL_USER="$(.venv/bin/python -c 'import getpass; from dofc.jupyter.identity import owner_name; print(owner_name(getpass.getuser()))')"
export DOFC_ADMINS="${DOFC_ADMINS:+$DOFC_ADMINS,}$LOCAL_USER"
SCHEDULER_URL="http://127.0.0.1:${DOFC_PORT:-8780}"
echo "    $LOCAL_USER is an admin. For the dofc command line, in another terminal in this folder:"
if [ "$SCHEDULER_URL" != "http://127.0.0.1:8780" ]; then echo "      export DOFC_URL=$SCHEDULER_URL"; fi
echo "      npx dofc token create --user $LOCAL_USER --save${DOFC_DATA_DIR:+ --data-dir $DATA_DIR}"
# Jobs submitted by path may read only below the folder JupyterLab serves.
export DOFC_ALLOWED_ROOTS="${DOFC_ALLOWED_ROOTS:-${DOFC_NOTEBOOK_DIR:-$(pwd)}}"
node server/bin/dofc.js serve &
SCHEDULER_PID=$!
JUPYTER_ARGS=(--no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port="${DOFC_JUPYTER_PORT:-8888}"
  --ServerApp.root_dir="${DOFC_NOTEBOOK_DIR:-$(pwd)}")
# Jupyter refuses to start as root without this flag, and containers often run as root.
if [ "$(id -u)" = 0 ]; then JUPYTER_ARGS+=(--allow-root); fi
# The Jupyter server extension proxies the browser's /dofc/ requests to this scheduler.
DOFC_URL="$SCHEDULER_URL" .venv/bin/jupyter lab "${JUPYTER_ARGS[@]}" &
JUPYTER_PID=$!
trap 'kill "$SCHEDULER_PID" "$JUPYTER_PID" 2>/dev/null' INT TERM EXIT
wait -n "$SCHEDULER_PID" "$JUPYTER_PID"
