#!/usr/bin/env bash
# The demo: build the plugin if needed, assemble a distribution, start a node, index the demo corpus into a REALM
# index and print the top passages for each demo question.
#
#   integ-test/demo.sh [--stop] [--plugin ZIP] [--http-port 9200] [--transport-port 9300] [--k 3]
#                      [--model all-minilm-l6-v2] [--heap 1g]
#
#   The node is node-1 of integ-test/build/nodes, from integ-test/build/dist; the tests (test.sh) use a directory and
#   ports of their own, so the demo node and the tests' nodes can run side by side. The demo index has no replica
#   (one node), and the demo fails unless it is green.
#
#   --plugin ZIP  use this plugin zip (default: target/opensearch-realm-*.zip, rebuilt when sources are newer)
#   --stop   stop the node at the end (by default it keeps running so you can query it; stop it with
#            integ-test/node.sh stop)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

stop_at_end=false zip="" port=9200 transport_port=9300 k=3 model=all-minilm-l6-v2 heap=1g
while (($#)); do
  case $1 in
    --stop) stop_at_end=true; shift ;;
    --plugin) zip=$(realpath "${2:?}"); shift 2 ;;
    --http-port) port=${2:?}; shift 2 ;;
    --transport-port) transport_port=${2:?}; shift 2 ;;
    --k) k=${2:?}; shift 2 ;;
    --model) model=${2:?}; shift 2 ;;
    --heap) heap=${2:?}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

INDEX=demo
CORPUS=$IT_DIR/demo/corpus.jsonl
QUESTIONS=$IT_DIR/demo/questions.txt
realmctl() { python3 "$IT_DIR/realmctl.py" --port "$port" "$@"; }
T0=$SECONDS
phase() { log "== $* (elapsed $(fmt_secs $((SECONDS - T0))))"; }

phase "1/6 plugin zip"
[[ -n "$zip" ]] || zip=$(ensure_plugin_zip)

phase "2/6 distribution"
# A node from an earlier run would keep the old plugin loaded (and hold the port): stop it first.
"$IT_DIR/node.sh" stop >/dev/null 2>&1 || true
"$IT_DIR/assemble.sh" --plugin "$zip"

phase "3/6 node"
t=$SECONDS
"$IT_DIR/node.sh" start --clean --http-port "$port" --transport-port "$transport_port" --heap "$heap" --wait
green_secs=$((SECONDS - t))
trap '[[ $? == 0 ]] || log "failed; the node is still running: integ-test/node.sh status / stop; log: $NODES_DIR/node-1/logs/$CLUSTER_NAME.log"' EXIT

phase "4/6 REALM index $INDEX (model $model)"
realmctl create "$INDEX" --source-field text --model "$model"

phase "5/6 indexing $(wc -l <"$CORPUS") documents (passages are embedded by the index's ingest pipeline)"
realmctl bulk "$INDEX" "$CORPUS"
realmctl refresh "$INDEX"
realmctl health "$INDEX"

phase "6/6 questions"
echo
realmctl ask "$INDEX" --k "$k" --questions "$QUESTIONS"

log "done in $(fmt_secs $((SECONDS - T0))) (node start to green: $(fmt_secs "$green_secs"))"
if $stop_at_end; then
  "$IT_DIR/node.sh" stop
else
  log "the node keeps running on http://127.0.0.1:$port; try:"
  log "  curl -s -XPOST 127.0.0.1:$port/$INDEX/_realm -H 'content-type: application/json' -d '{\"query\":\"Who invented the telephone?\",\"k\":3}'"
  log "stop it with: integ-test/node.sh stop"
fi
