#!/usr/bin/env bash
# Install DOFC inside the checkout: npm packages, a Python virtual environment with the job
# runner and the libraries the example notebooks use, and the compiled server and CLI.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

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

echo
echo "Installed. The CLI is: npx dofc --help"
