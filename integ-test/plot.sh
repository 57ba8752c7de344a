#!/usr/bin/env bash
# Runs one of the plot scripts of integ-test: integ-test/plot.sh SCRIPT.py ARGS... (plot-em-vs-k.py RESULTS.json
# OUT.png for eval.sh, plot-latency.py BENCH.json OUT.png for bench.sh). matplotlib comes from PyPI into a virtual
# environment of the build directory ($BUILD_DIR/plot-venv), made on first use; nothing else needs it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

script=${1:?plot script} && shift
venv=$BUILD_DIR/plot-venv
if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c "import matplotlib" 2>/dev/null; then
  log "installing matplotlib into $venv (once)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check matplotlib >"$BUILD_DIR/plot-venv.log" 2>&1 ||
    die "pip could not install matplotlib (log: $BUILD_DIR/plot-venv.log)"
fi
"$venv/bin/python" "$IT_DIR/$script" "$@"
