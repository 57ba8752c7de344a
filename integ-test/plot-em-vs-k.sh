#!/usr/bin/env bash
# The plot of eval.sh: integ-test/plot-em-vs-k.sh RESULTS.json OUT.png. matplotlib comes from PyPI into a virtual
# environment of the build directory ($BUILD_DIR/plot-venv), made on first use; nothing else needs it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

results=${1:?results.json} png=${2:?out.png}
venv=$BUILD_DIR/plot-venv
if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c "import matplotlib" 2>/dev/null; then
  log "installing matplotlib into $venv (once)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check matplotlib >"$BUILD_DIR/plot-venv.log" 2>&1 ||
    die "pip could not install matplotlib (log: $BUILD_DIR/plot-venv.log)"
fi
"$venv/bin/python" "$IT_DIR/plot-em-vs-k.py" "$results" "$png"
