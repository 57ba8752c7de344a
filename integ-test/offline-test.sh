#!/usr/bin/env bash
# Real-node test that the realm plugin needs no network: a node runs in a private network namespace that has only
# loopback (unshare -n), so any attempt to download a model or a native library fails. Inside it: start a node, create
# a REALM index, index 3 documents, ask two questions and check the top passage's document; then stop the node.
#
#   integ-test/offline-test.sh [--plugin ZIP] [--model all-minilm-l6-v2]
#
# Preparation (building/assembling, which needs Maven Central) runs before entering the namespace.
# Last line: "offline test: 1 passed, 0 failed" (exit 0) or "offline test: 0 passed, 1 failed" (exit 1).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

NODE=offline
INDEX=offline-test
PORT=9200   # a fresh namespace has its own, empty port space: no clash with nodes outside it

# ---- inside the namespace ------------------------------------------------------------------------------------------
inside() {
  local model=$1 work
  realmctl() { python3 "$IT_DIR/realmctl.py" --port "$PORT" "$@"; }
  check() { log "check: $*"; }

  check "only loopback exists and nothing outside it is routable"
  ip link set lo up
  [[ -z "$(ip -o link show | awk -F': ' '$2 != "lo"')" ]] || die "interfaces besides loopback in the namespace"
  ! ip route get 192.0.2.1 >/dev/null 2>&1 || die "a route leaves the namespace: $(ip route get 192.0.2.1)"

  trap '"$IT_DIR/node.sh" stop --name "$NODE" >/dev/null 2>&1 || true' EXIT
  check "node starts and turns green"
  "$IT_DIR/node.sh" start --netns --name "$NODE" --clean --http-port "$PORT" --transport-port $((PORT + 100)) --wait

  check "REALM index is created with model $model"
  realmctl create "$INDEX" --source-field text --model "$model"

  check "3 documents go through the embedding pipeline"
  work=$(mktemp -d)
  cat >"$work/docs.jsonl" <<'EOF'
{"id": "mars", "title": "Mars", "text": "Mars is the fourth planet from the Sun. Its red colour comes from iron oxide in its dust. Olympus Mons on Mars is the largest volcano in the Solar System, and the planet has two small moons, Phobos and Deimos."}
{"id": "bread", "title": "Bread", "text": "Bread dough rises because yeast ferments sugars into carbon dioxide, which the elastic gluten network traps as small bubbles. Baking sets the crumb and browns the crust."}
{"id": "telephone", "title": "Telephone", "text": "Alexander Graham Bell received a patent for the telephone in March 1876 and spoke the first sentence over it to his assistant Thomas Watson."}
EOF
  realmctl bulk "$INDEX" "$work/docs.jsonl"
  realmctl refresh "$INDEX"
  rm -rf "$work"

  check "_realm returns passages, the best one from the expected document"
  realmctl expect-top "$INDEX" --query "Which planet has the largest volcano?" --doc mars --k 3
  realmctl expect-top "$INDEX" --query "Why does dough rise?" --doc bread --k 3

  "$IT_DIR/node.sh" stop --name "$NODE"
  trap - EXIT
}

if [[ "${1:-}" == --inside-netns ]]; then
  inside "$2"
  exit 0
fi

# ---- outside: prepare, then re-run this script inside a new network namespace ----------------------------------------
plugin_args=() model=all-minilm-l6-v2
while (($#)); do
  case $1 in
    --plugin) plugin_args=(--plugin "${2:?}"); shift 2 ;;
    --model) model=${2:?}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

result() {
  if (($1 == 0)); then echo "offline test: 1 passed, 0 failed"; else echo "offline test: 0 passed, 1 failed"; fi
  exit "$1"
}

# unshare comes with util-linux (always there); ip with iproute2, which minimal images lack.
if ! command -v ip >/dev/null; then
  log "installing iproute2 (for ip)"
  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q iproute2; } >&2 ||
    { log "ERROR: cannot install iproute2"; result 1; }
fi

t0=$SECONDS
((${#plugin_args[@]})) || plugin_args=(--plugin "$(ensure_plugin_zip)") || { log "ERROR: no plugin zip"; result 1; }
"$IT_DIR/assemble.sh" "${plugin_args[@]}" || { log "ERROR: assembling the distribution failed"; result 1; }

log "entering a new network namespace (loopback only)"
rc=0
unshare -n bash "$0" --inside-netns "$model" || rc=$?
if ((rc == 0)); then
  log "passed in $(fmt_secs $((SECONDS - t0)))"
else
  log "FAILED (exit $rc); node log: $NODES_DIR/$NODE/logs/$CLUSTER_NAME.log"
fi
result "$rc"
