#!/usr/bin/env bash
# Differential test against stock OpenSearch: the plugin filters every _bulk of the cluster (update items on REALM
# indices run as _updates) and gives REALM indices a default pipeline; nothing else may change. Two distributions of
# their own, integ-test/build/diff-plugin (painless + k-NN + the realm plugin) and integ-test/build/diff-stock
# (painless + k-NN), one node of each; integ-test/differential.py sends both the same seeded requests, on ordinary
# indices and on a REALM index, and compares every answer and the final documents.
#
#   integ-test/differential-test.sh [--plugin ZIP] [--http-port 9600] [--transport-port 9700] [--seed N]
#                                   [--requests 3000] [--realm-requests 300]
#
# Uses HTTP ports P (plugin node) and P+1 (stock node), transport ports T and T+1. 3-5 minutes on 2 busy cores.
# Last line: "differential test: N requests, M compared, K differences" (exit 1 when K > 0).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
LOG_TAG=differential-test

plugin_zip="" http_port=9600 transport_port=9700 test_args=()
while (($#)); do
  case $1 in
    --plugin) plugin_zip=$(realpath "${2:?}"); shift 2 ;;
    --http-port) http_port=${2:?}; shift 2 ;;
    --transport-port) transport_port=${2:?}; shift 2 ;;
    --seed|--requests|--realm-requests) test_args+=("$1" "${2:?}"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
require_java21
[[ -n "$plugin_zip" ]] || plugin_zip=$(ensure_plugin_zip)

PLUGIN_DIST=$BUILD_DIR/diff-plugin
STOCK_DIST=$BUILD_DIR/diff-stock
# node.sh finds a distribution through REALM_DIST_DIR
on_plugin() { REALM_DIST_DIR=$PLUGIN_DIST "$IT_DIR/node.sh" "$@" --name diff-plugin; }
on_stock() { REALM_DIST_DIR=$STOCK_DIST "$IT_DIR/node.sh" "$@" --name diff-stock; }

"$IT_DIR/assemble.sh" --plugin "$plugin_zip" --dest "$PLUGIN_DIST"
"$IT_DIR/assemble.sh" --no-plugin --dest "$STOCK_DIST"

trap 'on_plugin stop >/dev/null 2>&1 || true; on_stock stop >/dev/null 2>&1 || true' EXIT
on_plugin start --clean --http-port "$http_port" --transport-port "$transport_port"
on_stock start --clean --http-port $((http_port + 1)) --transport-port $((transport_port + 1))
on_plugin wait
on_stock wait
t0=$SECONDS
rc=0
python3 "$IT_DIR/differential.py" --plugin-port "$http_port" --stock-port $((http_port + 1)) \
  ${test_args[@]+"${test_args[@]}"} || rc=$?
log "requests and comparisons took $(fmt_secs $((SECONDS - t0)))"
exit "$rc"
