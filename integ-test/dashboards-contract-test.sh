#!/usr/bin/env bash
# Dashboards-contract test: what OpenSearch Dashboards' Discover relies on, checked in a real browser. OpenSearch
# Dashboards itself cannot be installed here, so integ-test/dashboards/ holds a small Discover-like page that sends
# Discover's exact request (the query bar as a query_string in bool.must, Discover's highlight tags, fragment_size
# 2147483647) to /{index}/_search on its own origin (integ-test/dashboards/proxy.py forwards it to the node) and renders
# the hits with <mark> the way Discover does, plus the answers under ext.realm. Debian's headless Chromium loads it;
# the dumped DOM is checked against POST /{index}/_realm for the same question, and a screenshot is saved.
#
#   integ-test/dashboards-contract-test.sh [--http-port 9200] [--proxy-port 9290] [--index dashboards-contract]
#                                          [--question "Who discovered penicillin?"] [--screenshot FILE] [--keep]
#
#   --http-port P     the running node with the plugin (integ-test/node.sh start ...), on 127.0.0.1
#   --proxy-port P    the page's origin, 127.0.0.1:P (default 9290)
#   --index NAME      the REALM index created (search_pipeline: true, the default reader), deleted at the end
#   --question Q      typed in the "query bar"
#   --screenshot FILE where the 1280x900 screenshot goes (default integ-test/build/dashboards-contract/discover-contract.png)
#   --keep            keep the index and its pipelines at the end (to look at the page again through proxy.py)
#
# Installs Debian's chromium (apt-get) when /usr/bin/chromium is missing: run as root. The corpus is the demo's
# (integ-test/demo/corpus.jsonl). Last line: "dashboards-contract test: N passed, M failed" (exit 1 when M > 0).
# The README's integ-test/dashboards/discover-contract.png is this screenshot (--screenshot), reduced with pngquant.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
LOG_TAG=dashboards-contract-test

port=9200 proxy_port=9290 index=dashboards-contract question="Who discovered penicillin?" keep=false
screenshot=$BUILD_DIR/dashboards-contract/discover-contract.png
while (($#)); do
  case $1 in
    --http-port) port=${2:?}; shift 2 ;;
    --proxy-port) proxy_port=${2:?}; shift 2 ;;
    --index) index=${2:?}; shift 2 ;;
    --question) question=${2:?}; shift 2 ;;
    --screenshot) screenshot=$(realpath -m "${2:?}"); shift 2 ;;
    --keep) keep=true; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

PAGE_DIR=$IT_DIR/dashboards
CHROMIUM=/usr/bin/chromium
work=$(mktemp -d /tmp/dashboards-contract.XXXXXX)   # Chromium profiles, the DOM dump, the expectations
proxy_pid=""
passed=0 failed=0
pass() { passed=$((passed + 1)); log "pass $*"; }
fail() { failed=$((failed + 1)); log "FAIL $*"; }
on_node() { os_curl "$port" "$@" -H 'Content-Type: application/json'; }
drop_index() {
  on_node DELETE "/$index" -o /dev/null 2>/dev/null || true
  on_node DELETE "/_search/pipeline/realm-$index-search" -o /dev/null 2>/dev/null || true
  on_node DELETE "/_ingest/pipeline/realm-$index" -o /dev/null 2>/dev/null || true
}
summarized=false
summary() { summarized=true; echo "dashboards-contract test: $passed passed, $failed failed$1"; ((failed == 0)); }
cleanup() {
  # a setup step that died (no node, no answer from _realm) counts as one failure, and the summary line still comes
  $summarized || { failed=$((failed + 1)); summary " (stopped early)" || true; }
  [[ -z "$proxy_pid" ]] || kill "$proxy_pid" 2>/dev/null || true
  $keep || drop_index
  rm -rf "$work"
}
trap cleanup EXIT

# 1. the browser: Debian's chromium, installed on first use (the package lists are refreshed only when needed)
if [[ ! -x $CHROMIUM ]]; then
  t0=$SECONDS
  log "installing Debian's chromium (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt_install() { apt-get install -y -q --no-install-recommends chromium >>"$work/apt.log" 2>&1; }
  # stale or missing package lists: refresh them once and try again
  apt_install || { apt-get update -q >>"$work/apt.log" 2>&1 && apt_install; } ||
    { tail -n 20 "$work/apt.log" >&2; die "could not install chromium (apt-get)"; }
  log "chromium installed in $(fmt_secs $((SECONDS - t0)))"
fi
log "browser: $($CHROMIUM --version 2>/dev/null || echo '?')"

# Headless, with nothing of Chromium's own going to the network, a fresh profile each run; --no-proxy-server so that
# an http_proxy of the environment never sees 127.0.0.1. The virtual time budget lets the page's scripts (and the
# _search they wait for) finish before the DOM is dumped or the screenshot taken.
chromium() {
  local profile
  profile=$(mktemp -d "$work/profile.XXXXXX")
  timeout 300 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --no-proxy-server \
    --disable-dev-shm-usage --user-data-dir="$profile" --virtual-time-budget=120000 "$@"
}

# 2. the index: a REALM index whose default search pipeline turns Discover's query_string into a realm query
on_node GET / -o /dev/null -f || die "no node on 127.0.0.1:$port (start one: integ-test/node.sh start --http-port $port --wait)"
drop_index
log "creating REALM index $index with search_pipeline: true (default model and reader)"
on_node PUT "/_plugins/_realm/indices/$index" -f -d '{"search_pipeline": true,
  "settings": {"number_of_shards": 1, "number_of_replicas": 0}}' >&2 || die "could not create $index"
echo >&2
realmctl() { python3 "$IT_DIR/realmctl.py" --port "$port" "$@"; }
realmctl bulk "$index" "$IT_DIR/demo/corpus.jsonl" >&2
realmctl refresh "$index" >&2
realmctl health "$index" >&2

# 3. what the page must show: the best answer of _realm for the same question, and its document's field text
IT_DIR=$IT_DIR python3 - "$port" "$index" "$question" "$work/expected.json" <<'PY' || die "POST /$index/_realm gave no answer"
import json, os, sys
sys.path.insert(0, os.environ["IT_DIR"])
import realmctl
port, index, question, out = sys.argv[1:]
client = realmctl.Client(int(port))
realm = client.request("POST", f"/{index}/_realm", {"query": question})
if not realm.get("answers"):  # nothing to mark: the question needs an answer in the corpus
    sys.exit(f"_realm found no answer: no_answer_probability={realm.get('no_answer_probability')}, reader_error={realm.get('reader_error')}")
best = realm["answers"][0]
span = best["passages"][0]
field = client.request("GET", f"/{index}/_settings/index.realm.source_field?flat_settings=true")[index]["settings"]["index.realm.source_field"]
text = client.request("GET", f"/{index}/_doc/{span['_id']}")["_source"][field]
json.dump({"answer": best["text"], "doc_id": span["_id"], "field": field, "text": text}, open(out, "w"))
print(f"_realm best answer: {best['text']!r} (p={best['probability']:.3f}) in {span['_id']} [{span['start']}, {span['end']})", file=sys.stderr)
PY

# 4. the page's origin: the static files and the node behind one port, as Dashboards' server is
port_free "$proxy_port" || die "port $proxy_port is in use (--proxy-port)"
python3 "$PAGE_DIR/proxy.py" "$proxy_port" "$port" 2>"$work/proxy.log" &
proxy_pid=$!
proxy_up() { curl -sf --noproxy '*' --max-time 2 -o /dev/null "http://127.0.0.1:$proxy_port/"; }
for _ in $(seq 50); do proxy_up && break; sleep 0.1; done
proxy_up || die "proxy.py does not answer on 127.0.0.1:$proxy_port ($(tail -n 2 "$work/proxy.log" | tr '\n' ' '))"
urlquote() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
url="http://127.0.0.1:$proxy_port/index.html?index=$(urlquote "$index")&q=$(urlquote "$question")"
log "page: $url"

# 5. the DOM after the page ran, checked against _realm
t0=$SECONDS
if chromium --dump-dom "$url" >"$work/dom.html" 2>"$work/chromium.log"; then
  log "DOM dumped in $(fmt_secs $((SECONDS - t0))) ($(wc -c <"$work/dom.html") bytes)"
  check_rc=0
  python3 "$PAGE_DIR/check_dom.py" "$work/dom.html" "$work/expected.json" >"$work/checks.txt" || check_rc=$?
  while read -r verdict name; do
    if [[ $verdict == pass ]]; then pass "$name"; else fail "$name"; fi
  done <"$work/checks.txt"
  # a checker that crashed printed no "fail" line of its own
  ((check_rc == 0)) || grep -q '^fail ' "$work/checks.txt" || fail "check_dom.py exited $check_rc"
else
  fail "chromium --dump-dom: exit $? ($(tail -n 3 "$work/chromium.log" | tr '\n' ' '))"
fi

# 6. the screenshot, 1280x900
mkdir -p "$(dirname "$screenshot")"
rm -f "$screenshot"
t0=$SECONDS
chromium --screenshot="$screenshot" --window-size=1280,900 --hide-scrollbars "$url" >>"$work/chromium.log" 2>&1 || true
size=$(python3 - "$screenshot" <<'PY' || true
import struct, sys
with open(sys.argv[1], "rb") as f:
    head = f.read(24)
if head[:8] == b"\x89PNG\r\n\x1a\n":
    print("%dx%d" % struct.unpack(">II", head[16:24]))
PY
)
if [[ $size == 1280x900 ]]; then
  pass "screenshot $screenshot ($size, $(fmt_secs $((SECONDS - t0))))"
else
  fail "screenshot: ${size:-no PNG} at $screenshot"
fi
log "proxy requests: $(grep -c '"POST /' "$work/proxy.log" || true) searches"
summary ""
