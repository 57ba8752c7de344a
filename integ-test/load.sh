#!/usr/bin/env bash
# Load test: concurrent _realm clients and _bulk ingest together against one node, for a bounded time and number of
# requests, on 127.0.0.1 only. Prints requests served, p50/p99 latency, 429s, other errors (must be 0), documents
# acknowledged vs found after a refresh (must be equal), and writes DIR/load.json. Exits non-zero on any error, an
# unhealthy node afterwards, or acked != found.
#
#   integ-test/load.sh [--seconds 20] [--clients 4] [--out DIR] [--port P] [--bulk-clients 1] [--bulk-size 8]
#                      [--max-requests 100000] [--queue-size Q] [--expect-429] [--http-port 9295]
#                      [--transport-port 9395] [--plugin ZIP] [--index load]
#
#   --port P         load a running node on 127.0.0.1:P (left running; its index --index is deleted and re-created)
#   (no --port)      start node "load" from the assembled distribution on --http-port, with
#                    thread_pool.realm_inference.queue_size=Q when --queue-size is given, and stop it at the end
#   --seconds N      how long the clients run (default 20)     --clients C   concurrent _realm clients (default 4)
#   --max-requests M at most M _realm requests in all (default 100000)
#   --expect-429     fail unless the node answered 429 at least once (with a small --queue-size: overload is tested)
#   --out DIR        default integ-test/build/load
# The index (default model and reader) first gets integ-test/demo/corpus.jsonl; then the questions of questions.txt
# are asked and the corpus is indexed again under fresh ids, both cycled.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
LOG_TAG=load

seconds=20 clients=4 out=$BUILD_DIR/load port="" bulk_clients=1 bulk_size=8 max_requests=100000 queue_size=""
expect_429=false http_port=9295 transport_port=9395 zip="" index=load
while (($#)); do
  case $1 in
    --seconds) seconds=${2:?}; shift 2 ;;
    --clients) clients=${2:?}; shift 2 ;;
    --out) out=$(realpath -m "${2:?}"); shift 2 ;;
    --port) port=${2:?}; shift 2 ;;
    --bulk-clients) bulk_clients=${2:?}; shift 2 ;;
    --bulk-size) bulk_size=${2:?}; shift 2 ;;
    --max-requests) max_requests=${2:?}; shift 2 ;;
    --queue-size) queue_size=${2:?}; shift 2 ;;
    --expect-429) expect_429=true; shift ;;
    --http-port) http_port=${2:?}; shift 2 ;;
    --transport-port) transport_port=${2:?}; shift 2 ;;
    --plugin) zip=$(realpath "${2:?}"); shift 2 ;;
    --index) index=${2:?}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
for n in "$seconds" "$clients" "$bulk_clients" "$bulk_size" "$max_requests" ${queue_size:+"$queue_size"}; do
  [[ "$n" =~ ^[0-9]+$ ]] || die "expected a whole number, got $n"
done
((seconds > 0 && seconds <= 3600)) || die "--seconds must be 1..3600"
command -v python3 >/dev/null || die "python3 not found"

NAME=load
started_node=false
stop_node() { $started_node && "$IT_DIR/node.sh" stop --name "$NAME" >/dev/null 2>&1 || true; }
trap stop_node EXIT
if [[ -z "$port" ]]; then
  require_java21
  [[ -n "$zip" ]] || zip=$(ensure_plugin_zip)
  "$IT_DIR/assemble.sh" --plugin "$zip"
  port=$http_port
  settings=()
  [[ -z "$queue_size" ]] || settings+=(--setting "thread_pool.realm_inference.queue_size=$queue_size")
  "$IT_DIR/node.sh" stop --name "$NAME" >/dev/null 2>&1 || true # ours, left by an interrupted run
  started_node=true
  "$IT_DIR/node.sh" start --name "$NAME" --clean --http-port "$port" --transport-port "$transport_port" \
    ${settings[@]+"${settings[@]}"} --wait
else
  [[ -z "$queue_size" ]] || die "--queue-size applies to the node this script starts, not to --port"
  log "using the running node on 127.0.0.1:$port"
fi

ctl() { python3 "$IT_DIR/realmctl.py" --port "$port" "$@"; }
ctl delete "$index" >/dev/null
ctl create "$index" >/dev/null
# the corpus first, so that every _realm request retrieves (and reads) passages from the start
ctl bulk "$index" "$IT_DIR/demo/corpus.jsonl" >/dev/null
ctl refresh "$index" >/dev/null
log "index $index created with the demo corpus; loading for ${seconds}s with $clients _realm clients and $bulk_clients _bulk client(s)"
load_args=(--port "$port" --index "$index" --corpus "$IT_DIR/demo/corpus.jsonl" --questions "$IT_DIR/demo/questions.txt"
  --seconds "$seconds" --clients "$clients" --out "$out" --bulk-clients "$bulk_clients" --bulk-size "$bulk_size"
  --max-requests "$max_requests")
$expect_429 && load_args+=(--expect-429)
rc=0
python3 "$IT_DIR/load.py" "${load_args[@]}" || rc=$?
if $started_node; then
  # a node that died under load fails here even if every answer before was fine
  pid=$(cat "$NODES_DIR/$NAME/opensearch.pid" 2>/dev/null || true)
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || { log "node $NAME is not running after the load"; rc=1; }
fi
exit "$rc"
