#!/usr/bin/env bash
# Build the packaged `sts-snapshots` binary with PyInstaller (build.spec), installing PyInstaller when missing.
#   scripts/build-binary.sh [both|onedir|onefile]    default: both
# Output: dist/sts-snapshots/sts-snapshots (one folder) and dist/sts-snapshots-onefile (one file).
# DISTPATH and WORKPATH override the output and cache folders (the packaging test builds into a temporary one).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PYTHON="$VENV/bin/python"
[[ -x $PYTHON ]] || { echo "No virtual environment at $VENV: run 'make run' or 'make test' first." >&2; exit 1; }
"$PYTHON" -c "import PyInstaller" 2>/dev/null || "$PYTHON" -m pip install --quiet 'pyinstaller>=6.10'
export STS_BUILD=${1:-${STS_BUILD:-both}}
started=$(date +%s)
"$PYTHON" -m PyInstaller --noconfirm --log-level WARN \
  --distpath "${DISTPATH:-dist}" --workpath "${WORKPATH:-build}" build.spec
echo "Built ($STS_BUILD) in $(( $(date +%s) - started )) s:"
for path in "${DISTPATH:-dist}/sts-snapshots" "${DISTPATH:-dist}/sts-snapshots-onefile"; do
  [[ -e $path ]] && du -sh "$path"
done
exit 0
