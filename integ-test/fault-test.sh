#!/usr/bin/env bash
# Fault tests against real nodes of the assembled distribution (integ-test/fault_test.py does the work):
#   broken operator models (truncated, garbage) and a model that raises for some inputs, on one node;
#   a full restart of that node (same passages and answers after it);
#   a three-node cluster whose reading ML node is killed (SIGKILL) while clients keep asking.
#
#   integ-test/fault-test.sh [--plugin ZIP] [--http-port 9260] [--transport-port 9360] [--only models|restart|failover]
#
# Uses HTTP ports P..P+2 and transport ports T..T+2. Takes about 3 minutes on 2 cores.
# Last line: "fault test: N passed, M failed" (exit 1 when M > 0).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

plugin_args=() test_args=()
while (($#)); do
  case $1 in
    --plugin) plugin_args=(--plugin "${2:?}"); shift 2 ;;
    --http-port|--transport-port|--only) test_args+=("$1" "${2:?}"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

((${#plugin_args[@]})) || plugin_args=(--plugin "$(ensure_plugin_zip)")
"$IT_DIR/assemble.sh" "${plugin_args[@]}" || { echo "fault test: 0 passed, 1 failed"; exit 1; }
exec python3 "$IT_DIR/fault_test.py" ${test_args[@]+"${test_args[@]}"}
