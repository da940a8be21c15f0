#!/usr/bin/env bash
# Install DOFC inside the checkout: npm packages, a Python virtual environment with the job
# runner and the libraries the example notebooks use, and the compiled server and CLI.
#
#   bash scripts/install.sh              # install (again)
#   bash scripts/install.sh --if-needed  # skip when this commit's install is already in place
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

# What the install depends on: the lock files and the commit (whose sources are built). A change
# to any of them makes --if-needed install again.
STAMP_FILE=.venv/.dofc-install-stamp
install_stamp() {
  { git rev-parse HEAD 2>/dev/null || echo "no-git"; cat package-lock.json pyproject.toml; } | sha256sum | cut -d' ' -f1
}

if [ "${1:-}" = "--if-needed" ] && [ -d node_modules ] && [ -x .venv/bin/python ] && [ -f server/dist/cli/main.js ] \
  && [ "$(cat "$STAMP_FILE" 2>/dev/null)" = "$(install_stamp)" ]; then
  echo "==> already installed for this commit; skipping the install (run bash scripts/install.sh to install again)"
  exit 0
fi

step "npm packages"
npm ci --no-audit --no-fund

step "Python virtual environment in .venv"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
# The extension build reads JupyterLab's shared packages from the jupyterlab Python package.
.venv/bin/python -m pip install --quiet 'jupyterlab>=4.2,<5'

step "JupyterLab extension into dofc/labextension"
npm run build --workspace extension

step "the dofc Python package, with the Jupyter server extension"
.venv/bin/python -m pip install --quiet -e '.[examples,test,jupyter]'

step "compile the server and the CLI"
npm run build --workspace server

install_stamp > "$STAMP_FILE"
echo
echo "Installed. The CLI is: npx dofc --help"
