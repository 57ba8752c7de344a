# shellcheck shell=bash disable=SC2034  # the variables are used by the scripts that source this file
# Shared settings and helpers for the real-node harness. Sourced by assemble.sh, node.sh, demo.sh and
# offline-test.sh; defines functions and variables only, runs nothing.

IT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$IT_DIR/.." && pwd)"
# REALM_BUILD_DIR: another work directory (distributions, nodes, downloads). test.sh runs in integ-test/build/test, so
# that its nodes and distributions are never the demo's: the demo's node keeps running through the tests, and
# `node.sh stop --all` (without it) stops only the nodes of integ-test/build.
BUILD_DIR=$(realpath -m "${REALM_BUILD_DIR:-$IT_DIR/build}")

# Versions of everything the distribution is assembled from (all on Maven Central).
OS_VERSION=3.4.0
KNN_VERSION=3.4.0.0
ANTLR_VERSION=4.13.1
ASM_VERSION=9.7
# the reindex module's REST client (reindex from a remote cluster) and what it needs beyond the server's lib/
HTTPCLIENT5_VERSION=5.4.4
HTTPCORE5_VERSION=5.3.4
COMMONS_CODEC_VERSION=1.18.0
COMMONS_LOGGING_VERSION=1.3.5
SLF4J_VERSION=2.0.17
DEP_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1   # pinned: the CLI default (2.8) is old

DIST_DIR="${REALM_DIST_DIR:-$BUILD_DIR/dist/opensearch-$OS_VERSION}"   # REALM_DIST_DIR: use another one
NODES_DIR="$BUILD_DIR/nodes"
CLUSTER_NAME=realm-it

# OpenSearch 3.x needs Java 21+; the machine's default java is 17.
JAVA21_HOME="${REALM_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"

# OpenSearch refuses to run as root: nodes run as nobody/nogroup, no user account needed.
NODE_UID=65534
NODE_GID=65534

LOG_TAG="${LOG_TAG:-$(basename "$0" .sh)}"
log() { printf '[%s %s] %s\n' "$(date +%H:%M:%S)" "$LOG_TAG" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# The calling script's header comment (from line 2 to the first non-comment line) is its help text.
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

# Seconds as "1m05s" / "42s".
fmt_secs() {
  local s=$1
  if ((s >= 60)); then printf '%dm%02ds' $((s / 60)) $((s % 60)); else printf '%ds' "$s"; fi
}

require_java21() {
  [[ -x "$JAVA21_HOME/bin/java" ]] ||
    die "no Java 21+ at $JAVA21_HOME (set REALM_JAVA_HOME to a JDK 21 or newer)"
}

# Unzip keeping the unix file modes (bin/opensearch must stay executable); python3 because `unzip`
# is not guaranteed on a fresh machine.
unzip_keep_modes() {
  python3 - "$1" "$2" <<'PY'
import os, sys, zipfile
src, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as z:
    for info in z.infolist():
        path = z.extract(info, dest)
        mode = (info.external_attr >> 16) & 0o7777
        if mode:
            os.chmod(path, mode)
PY
}

# `key=value` from a plugin zip's plugin-descriptor.properties.
zip_descriptor_value() {
  python3 - "$1" "$2" <<'PY'
import sys, zipfile
zip_path, key = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(zip_path) as z:
    names = [n for n in z.namelist() if n.rsplit("/", 1)[-1] == "plugin-descriptor.properties"]
    if not names:
        sys.exit("no plugin-descriptor.properties in " + zip_path)
    for line in z.read(min(names, key=len)).decode().splitlines():
        k, sep, v = line.partition("=")
        if sep and k.strip() == key:
            print(v.strip())
            sys.exit(0)
sys.exit(f"no {key}= in the descriptor of {zip_path}")
PY
}

# True when nothing listens on 127.0.0.1:PORT (we try to bind it, as the node will).
# Writes DIR/plugin-descriptor.properties of a plugin for this OpenSearch version: plugin_descriptor DIR NAME CLASS DESCRIPTION
plugin_descriptor() {
  cat >"$1/plugin-descriptor.properties" <<DESCRIPTOR
description=$4
version=$OS_VERSION
name=$2
classname=$3
java.version=21
opensearch.version=$OS_VERSION
custom.foldername=
extended.plugins=
has.native.controller=false
DESCRIPTOR
}

port_free() {
  python3 - "$1" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
PY
}

# curl against a local node: loopback only, never through an http_proxy from the environment, bounded time.
# A node with the security plugin serves HTTPS: REALM_HTTPS_CA=PEM (the CA to trust) and REALM_HTTP_USER=user:password.
# Usage: os_curl PORT METHOD PATH [curl args...]
os_curl() {
  local port=$1 method=$2 path=$3 scheme=http tls=()
  shift 3
  if [[ -n "${REALM_HTTPS_CA:-}" ]]; then
    scheme=https
    tls=(--cacert "$REALM_HTTPS_CA" -u "${REALM_HTTP_USER:?REALM_HTTP_USER=user:password goes with REALM_HTTPS_CA}")
  fi
  curl -sS --noproxy '*' --max-time "${CURL_MAX_TIME:-30}" ${tls[@]+"${tls[@]}"} -X "$method" "$scheme://127.0.0.1:$port$path" "$@"
}

# PIDs of processes whose command line has ARG as one whole argument (e.g. -Dopensearch.path.conf=DIR).
# Lets us find a node even before it wrote its pid file, or when the pid file is stale.
pids_with_arg() {
  python3 - "$1" <<'PY'
import os, sys
for pid in filter(str.isdigit, os.listdir("/proc")):
    if int(pid) == os.getpid():  # our own argv holds the pattern
        continue
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            args = f.read().split(b"\0")
    except OSError:  # the process went away while we looked
        continue
    if sys.argv[1].encode() in args:
        print(pid)
PY
}

# Network namespace identity of this shell, used to tell whether a node runs in "our" namespace.
netns_id() { readlink /proc/self/ns/net; }

# The newest realm plugin zip built by Maven, or nothing.
newest_plugin_zip() {
  [[ -d "$REPO_ROOT/target" ]] || return 0
  find "$REPO_ROOT/target" -maxdepth 1 -name 'opensearch-realm-*.zip' -printf '%T@ %p\n' | sort -n | tail -n 1 | cut -d' ' -f2-
}

# Build the plugin zip with Maven (JDK 21+, tests skipped: the harness is a test of its own).
build_plugin_zip() {
  [[ -f "$REPO_ROOT/pom.xml" ]] || die "no pom.xml in $REPO_ROOT: cannot build the plugin zip"
  require_java21
  log "building the plugin zip: mvn -q -DskipTests package (a few minutes on a cold ~/.m2)"
  local t0=$SECONDS
  # mvn output goes to stderr: stdout of ensure_plugin_zip is the zip path its callers capture.
  (cd "$REPO_ROOT" && JAVA_HOME="$JAVA21_HOME" mvn -B -q -DskipTests package) >&2 ||
    die "mvn package failed"
  log "plugin built in $(fmt_secs $((SECONDS - t0))): $(newest_plugin_zip)"
}

# Path of an up-to-date plugin zip: the newest one in target/, rebuilt first when there is none or when one of the
# inputs of the zip (pom, descriptor, main sources, models) is newer than it. Test sources do not count.
ensure_plugin_zip() {
  local zip inputs=("$REPO_ROOT/pom.xml" "$REPO_ROOT/plugin-descriptor.properties" "$REPO_ROOT/src/main" "$REPO_ROOT/models")
  zip=$(newest_plugin_zip)
  if [[ -z "$zip" ]] || [[ -n "$(find "${inputs[@]}" -newer "$zip" -type f -print -quit 2>/dev/null)" ]]; then
    build_plugin_zip
    zip=$(newest_plugin_zip)
    [[ -n "$zip" ]] || die "mvn package produced no target/opensearch-realm-*.zip"
  else
    log "plugin zip is up to date: $zip"
  fi
  echo "$zip"
}
