#!/usr/bin/env bash
# Run OpenSearch nodes from the assembled distribution (integ-test/assemble.sh), on 127.0.0.1, as uid 65534.
#
#   integ-test/node.sh start  [--name N | --cluster-nodes K] [--http-port P] [--transport-port T] [--heap 1g]
#                             [--clean] [--netns] [--env KEY=VALUE]... [--setting KEY=VALUE]... [--model DIR]...
#                             [--roles NAME=R1,R2]...
#                             [--wait] [--timeout S]
#   integ-test/node.sh wait   [--name N] [--timeout S]      HTTP up, then cluster green (all nodes of its cluster)
#   integ-test/node.sh stop   [--name N | --all] [--timeout S]  SIGTERM, SIGKILL after S seconds (default 30)
#   integ-test/node.sh status [--name N]
#
#   --name N            node name (default node-1); its config, data and logs live in integ-test/build/nodes/N/
#   --cluster-nodes K   start node-1..node-K as one cluster on ports P..P+K-1 and T..T+K-1
#   --http-port P       default 9200          --transport-port T   default 9300
#   --heap SIZE         JVM heap (default 1g) --clean              wipe the node's data and logs first
#   --netns             the caller runs us inside a private network namespace (unshare -n): bring loopback up,
#                       check that loopback is the only interface, refuse to start otherwise
#   --env KEY=VALUE     extra environment for the node process (it otherwise starts with a clean environment)
#   --setting KEY=VALUE a node setting, appended to opensearch.yml of every node started
#                       (e.g. thread_pool.realm_inference.queue_size=4)
#   --model DIR         install the model directory DIR (with its model.json) as an operator model,
#                       config/realm/models/<basename of DIR>/, on every node started
#   --roles NAME=ROLES  node.roles of node NAME, e.g. node-2=cluster_manager,data,ingest,ml (default: all roles)
#   --wait              start, then wait          --timeout S  for wait (default 180) or stop (default 30)
# Without --name, wait/stop act on node-1 and the nodes started with it; status lists every node.
set -euo pipefail
source "$(dirname "$0")/lib.sh"


cmd=${1:-}
[[ -n "$cmd" ]] || { usage >&2; exit 2; }
shift
name="" cluster_nodes=1 http_port=9200 transport_port=9300 heap=1g clean=false netns=false all=false
do_wait=false timeout="" extra_env=() node_settings=() models=()
declare -A node_roles=()
while (($#)); do
  case $1 in
    --name) name=${2:?}; shift 2 ;;
    --cluster-nodes) cluster_nodes=${2:?}; shift 2 ;;
    --http-port) http_port=${2:?}; shift 2 ;;
    --transport-port) transport_port=${2:?}; shift 2 ;;
    --heap) heap=${2:?}; shift 2 ;;
    --clean) clean=true; shift ;;
    --netns) netns=true; shift ;;
    --env) [[ ${2:-} == *=* ]] || die "--env needs KEY=VALUE"; extra_env+=("$2"); shift 2 ;;
    --setting) [[ ${2:-} == ?*=* ]] || die "--setting needs KEY=VALUE"; node_settings+=("$2"); shift 2 ;;
    --model) [[ -f ${2:-}/model.json ]] || die "--model needs a directory with a model.json, got ${2:-nothing}"
      models+=("$(realpath "$2")"); shift 2 ;;
    --roles) [[ ${2:-} == *=* ]] || die "--roles needs NAME=ROLE,ROLE"; node_roles[${2%%=*}]=${2#*=}; shift 2 ;;
    --wait) do_wait=true; shift ;;
    --timeout) timeout=${2:?}; shift 2 ;;
    --all) all=true; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
[[ "$cluster_nodes" =~ ^[1-9][0-9]*$ ]] || die "--cluster-nodes needs a positive number"
((cluster_nodes == 1)) || [[ -z "$name" ]] || die "--name and --cluster-nodes exclude each other (nodes are node-1..node-K)"

mkdir -p "$NODES_DIR"
NODES_DIR=$(realpath "$NODES_DIR")   # the node's JVM sees absolute paths; keep ours identical for pid lookups
node_dir() { echo "$NODES_DIR/$1"; }

# Per-node facts written at start (node.env): NODE_HTTP, NODE_TRANSPORT, NODE_CLUSTER (names), NODE_NETNS.
load_node() {
  local env=$NODES_DIR/$1/node.env
  [[ -f "$env" ]] || die "unknown node $1 (no $env; start it first)"
  NODE_HTTP="" NODE_TRANSPORT="" NODE_CLUSTER="" NODE_NETNS=""
  # shellcheck source=/dev/null
  source "$env"
}

# The node's JVM pid: its pid file if that process is still this node, else a /proc lookup by its config path
# (covers the moment before the JVM writes the pid file).
node_pid() {
  local dir pid
  dir=$(node_dir "$1")
  pid=$(cat "$dir/opensearch.pid" 2>/dev/null || true)
  if [[ -n "$pid" ]] && pids_with_arg "-Dopensearch.path.conf=$dir/config" | grep -qx "$pid"; then
    echo "$pid"
  else
    pids_with_arg "-Dopensearch.path.conf=$dir/config" | head -n 1
  fi
}

log_tail() {
  local dir
  dir=$(node_dir "$1")
  echo "---- last lines of $dir/logs/$CLUSTER_NAME.log ----" >&2
  tail -n "${2:-40}" "$dir/logs/$CLUSTER_NAME.log" 2>/dev/null >&2 || echo "(no log yet)" >&2
  # The console output before logging started: the JVM's own warnings are noise, the first lines of an
  # exception are what matters.
  if grep -qv -e '^WARNING' -e '^warning: no-jdk' "$dir/logs/startup.out" 2>/dev/null; then
    echo "---- $dir/logs/startup.out ----" >&2
    grep -v -e '^WARNING' -e '^warning: no-jdk' "$dir/logs/startup.out" | head -n 25 >&2
  fi
  echo "----" >&2
}

# Names the command acts on.
target_nodes() {
  if $all; then
    local d
    for d in "$NODES_DIR"/*/node.env; do [[ -f "$d" ]] && basename "$(dirname "$d")"; done
  elif [[ -n "$name" ]]; then
    echo "$name"
  elif ((cluster_nodes > 1)); then
    seq -f 'node-%g' 1 "$cluster_nodes"
  elif [[ -f "$NODES_DIR/node-1/node.env" ]]; then
    load_node node-1
    tr ' ' '\n' <<<"$NODE_CLUSTER"
  else
    echo node-1
  fi
}

# A private namespace (unshare -n) has nothing but loopback, which starts down: bring it up and make sure
# there is no other interface through which anything could leave.
check_private_netns() {
  command -v ip >/dev/null || die "--netns needs ip (apt-get install iproute2)"
  local others
  others=$(ip -o link show | awk -F': ' '$2 != "lo" {print $2}' | paste -sd' ' -)
  [[ -z "$others" ]] ||
    die "--netns: this namespace has interfaces besides loopback ($others); run inside one, e.g. unshare -n $0 start --netns"
  ip link set lo up
}

write_config() {   # name http transport seed_hosts initial_nodes
  local n=$1 http=$2 transport=$3 seeds=$4 initial=$5 dir
  dir=$(node_dir "$n")
  # A fresh copy each start, so plugins installed since (and their config files) are picked up.
  rm -rf "$dir/config"
  cp -a "$DIST_DIR/config" "$dir/config"
  local model
  for model in ${models[@]+"${models[@]}"}; do
    mkdir -p "$dir/config/realm/models"
    cp -r "$model" "$dir/config/realm/models/$(basename "$model")"
  done
  cat >"$dir/config/opensearch.yml" <<EOF
# Written by integ-test/node.sh at every start.
cluster.name: $CLUSTER_NAME
node.name: $n
network.host: 127.0.0.1
http.port: $http
transport.port: $transport
path.data: $dir/data
path.logs: $dir/logs
# Test nodes share one disk with everything else: never refuse shards over disk watermarks.
cluster.routing.allocation.disk.threshold_enabled: false
EOF
  if [[ -n "${node_roles[$n]:-}" ]]; then
    echo "node.roles: [${node_roles[$n]}]" >>"$dir/config/opensearch.yml"
  fi
  if [[ -z "$seeds" ]]; then
    echo "discovery.type: single-node" >>"$dir/config/opensearch.yml"
  else
    printf 'discovery.seed_hosts: [%s]\ncluster.initial_cluster_manager_nodes: [%s]\n' "$seeds" "$initial" \
      >>"$dir/config/opensearch.yml"
  fi
  # The distribution's own settings, e.g. the security plugin's demo configuration (security-test.sh).
  grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$DIST_DIR/config/opensearch.yml" >>"$dir/config/opensearch.yml" || true
  local setting
  for setting in ${node_settings[@]+"${node_settings[@]}"}; do
    echo "${setting%%=*}: ${setting#*=}" >>"$dir/config/opensearch.yml"
  done
  # jvm.options writes gc logs, heap dumps and crash logs relative to the distribution home (bin/opensearch
  # cd's there): send them to this node's own directories instead.
  sed -i -e "s#HeapDumpPath=data#HeapDumpPath=$dir/data#" -e "s#ErrorFile=logs/#ErrorFile=$dir/logs/#" \
    -e "s#file=logs/gc.log#file=$dir/logs/gc.log#" "$dir/config/jvm.options"
}

start_one() {   # name http transport seeds initial cluster_names
  local n=$1 http=$2 transport=$3 seeds=$4 initial=$5 cluster=$6 dir pid
  dir=$(node_dir "$n")
  # Data from a different cluster layout would not join (cluster UUID mismatch): start that node afresh.
  if [[ -f "$dir/node.env" ]] && ! $clean; then
    load_node "$n"
    if [[ "$NODE_CLUSTER" != "$cluster" ]]; then
      log "$n: cluster layout changed ($NODE_CLUSTER -> $cluster): wiping its data"
      rm -rf "$dir/data"
    fi
  fi
  $clean && rm -rf "$dir/data" "$dir/logs"
  mkdir -p "$dir/data" "$dir/logs" "$dir/tmp" "$dir/home"
  write_config "$n" "$http" "$transport" "$seeds" "$initial"
  cat >"$dir/node.env" <<EOF
NODE_HTTP=$http
NODE_TRANSPORT=$transport
NODE_CLUSTER="$cluster"
NODE_NETNS="$(netns_id)"
EOF
  rm -f "$dir/opensearch.pid"
  chown -R "$NODE_UID:$NODE_GID" "$dir"

  log "starting $n (http 127.0.0.1:$http, transport $transport, heap $heap, uid $NODE_UID)"
  # env -i: the node sees only what we pass, not root's environment. -d daemonizes; the JVM writes the pid file.
  if ! (cd "$dir" && setpriv --reuid="$NODE_UID" --regid="$NODE_GID" --clear-groups \
    env -i PATH=/usr/bin:/bin HOME="$dir/home" JAVA_HOME="$JAVA21_HOME" OPENSEARCH_JAVA_HOME="$JAVA21_HOME" \
    OPENSEARCH_PATH_CONF="$dir/config" OPENSEARCH_TMPDIR="$dir/tmp" OPENSEARCH_JAVA_OPTS="-Xms$heap -Xmx$heap" \
    ${extra_env[@]+"${extra_env[@]}"} "$DIST_DIR/bin/opensearch" -d -p "$dir/opensearch.pid") \
    >"$dir/logs/startup.out" 2>&1; then
    log_tail "$n"
    die "$n did not start"
  fi
}

cmd_start() {
  [[ -x "$DIST_DIR/bin/opensearch" ]] || die "no distribution at $DIST_DIR: run integ-test/assemble.sh first"
  require_java21
  $netns && check_private_netns
  local i names=() seeds="" initial=""
  if ((cluster_nodes == 1)); then
    names=("${name:-node-1}")
  else
    for ((i = 0; i < cluster_nodes; i++)); do
      names+=("node-$((i + 1))")
      seeds+="${seeds:+, }\"127.0.0.1:$((transport_port + i))\""
      initial+="${initial:+, }${names[i]}"
    done
  fi
  # Check every node and port before starting anything, so a failure does not leave half a cluster behind.
  local pid
  for ((i = 0; i < ${#names[@]}; i++)); do
    pid=$(node_pid "${names[i]}")
    [[ -z "$pid" ]] || die "${names[i]} is already running (pid $pid): integ-test/node.sh stop --name ${names[i]}"
    port_free $((http_port + i)) || die "port $((http_port + i)) (HTTP of ${names[i]}) is busy: another node or program listens there (see integ-test/node.sh status)"
    port_free $((transport_port + i)) || die "port $((transport_port + i)) (transport of ${names[i]}) is busy"
  done
  for ((i = 0; i < ${#names[@]}; i++)); do
    start_one "${names[i]}" $((http_port + i)) $((transport_port + i)) "$seeds" "$initial" "${names[*]}"
  done
  if $do_wait; then
    name=${names[0]}
    cmd_wait
  else
    log "started; next: integ-test/node.sh wait${name:+ --name $name}"
  fi
}

cmd_wait() {
  local n=${name:-node-1} limit=${timeout:-180} t0=$SECONDS dir pid code next=10 m health
  load_node "$n"
  local size
  size=$(wc -w <<<"$NODE_CLUSTER")
  [[ "$NODE_NETNS" == "$(netns_id)" ]] ||
    die "$n runs in another network namespace ($NODE_NETNS); wait from inside that one"
  # Every node of the cluster must be alive and answer HTTP; then the cluster must reach green with all of them.
  for m in $NODE_CLUSTER; do
    load_node "$m"
    dir=$(node_dir "$m")
    while :; do
      pid=$(node_pid "$m")
      if [[ -z "$pid" ]]; then log_tail "$m"; die "$m is not running (it exited, see the log above)"; fi
      code=$(CURL_MAX_TIME=2 os_curl "$NODE_HTTP" GET / -o /dev/null -w '%{http_code}' 2>/dev/null || true)
      [[ "$code" == 200 ]] && break
      if ((SECONDS - t0 >= limit)); then
        log_tail "$m"
        die "timeout after ${limit}s: $m (pid $pid) does not answer HTTP on 127.0.0.1:$NODE_HTTP"
      fi
      if ((SECONDS - t0 >= next)); then
        log "waiting for $m HTTP on :$NODE_HTTP ($(fmt_secs $((SECONDS - t0))) of ${limit}s)"
        next=$((next + 10))
      fi
      sleep 1
    done
    log "$m answers HTTP on :$NODE_HTTP after $(fmt_secs $((SECONDS - t0)))"
  done
  load_node "$n"
  local left=$((limit - (SECONDS - t0)))
  ((left > 0)) || left=1
  health=$(CURL_MAX_TIME=$((left + 10)) os_curl "$NODE_HTTP" GET \
    "/_cluster/health?wait_for_status=green&wait_for_nodes=$size&timeout=${left}s" || true)
  if ! python3 -c 'import json,sys; h=json.loads(sys.argv[1]); sys.exit(h.get("status") != "green" or h.get("timed_out"))' "$health" 2>/dev/null; then
    log_tail "$n"
    die "timeout after ${limit}s: cluster of $n is not green with $size node(s): ${health:-no answer}"
  fi
  log "cluster green with $size node(s) after $(fmt_secs $((SECONDS - t0)))"
}

cmd_stop() {
  local limit=${timeout:-30} n pid pids=() names=() t0=$SECONDS i
  for n in $(target_nodes); do
    pid=$(node_pid "$n")
    rm -f "$(node_dir "$n")/opensearch.pid"
    if [[ -z "$pid" ]]; then log "$n is not running"; continue; fi
    log "stopping $n (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    pids+=("$pid") names+=("$n")
  done
  for ((i = 0; i < ${#pids[@]}; i++)); do
    while kill -0 "${pids[i]}" 2>/dev/null && ((SECONDS - t0 < limit)); do sleep 0.5; done
    if kill -0 "${pids[i]}" 2>/dev/null; then
      log "${names[i]} still alive after ${limit}s: SIGKILL"
      kill -KILL "${pids[i]}" 2>/dev/null || true
      while kill -0 "${pids[i]}" 2>/dev/null; do sleep 0.2; done
    fi
    log "${names[i]} stopped"
  done
}

cmd_status() {
  local n pid health
  [[ -n "$name" ]] || all=true
  [[ -n "$(target_nodes)" ]] || { echo "no nodes (integ-test/node.sh start)"; return 0; }
  for n in $(target_nodes); do
    load_node "$n"
    pid=$(node_pid "$n")
    if [[ -z "$pid" ]]; then
      printf '%-10s stopped   http :%s transport :%s\n' "$n" "$NODE_HTTP" "$NODE_TRANSPORT"
    elif [[ "$NODE_NETNS" != "$(netns_id)" ]]; then
      printf '%-10s running   pid %-8s http :%s transport :%s (in another network namespace)\n' "$n" "$pid" "$NODE_HTTP" "$NODE_TRANSPORT"
    else
      health=$(CURL_MAX_TIME=3 os_curl "$NODE_HTTP" GET /_cluster/health 2>/dev/null |
        python3 -c 'import json,sys; h=json.load(sys.stdin); print(h["status"], "cluster of", h["number_of_nodes"], "node(s)")' \
        2>/dev/null || echo "not answering")
      printf '%-10s running   pid %-8s http :%s transport :%s  %s\n' "$n" "$pid" "$NODE_HTTP" "$NODE_TRANSPORT" "$health"
    fi
  done
}

case $cmd in
  start) cmd_start ;;
  wait) cmd_wait ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  -h|--help|help) usage ;;
  *) usage >&2; die "unknown command: $cmd" ;;
esac
