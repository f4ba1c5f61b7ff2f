#!/usr/bin/env bash
# axe-core for the real-browser accessibility check (package.json, test tooling only: the app needs no node).
# Offline-safe: nothing is fetched when node_modules already holds what package.json asks for.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -f node_modules/axe-core/axe.min.js ]]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "npm is not installed: the accessibility check (axe-core) in the browser test will be skipped." >&2
  exit 0
fi
if [[ -f package-lock.json ]]; then
  npm ci --silent --no-audit --no-fund
else
  npm install --silent --no-audit --no-fund
fi
