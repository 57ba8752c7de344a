#!/usr/bin/env bash
# Security tests: the realm plugin behind the OpenSearch security plugin, on a real node (HTTPS on loopback).
#
#   integ-test/security-test.sh [--plugin ZIP] [--http-port P] [--transport-port T] [--keep-node]
#
#   1. a distribution of its own, integ-test/build/dist-secure/ (assemble.sh --dest): painless, k-NN, the realm
#      plugin, and the security plugin from Maven Central with its demo configuration (HTTPS with demo certificates,
#      user admin); the security plugin needs a plugin named rule-framework, which is not published: an empty stub
#      is compiled from rule-framework-stub/; and commons-collections4 beside its jars
#   2. a node of it (default ports 9400/9500) with the tiny QA fixture reader, as in test.sh
#   3. RealmSecurityIT (Failsafe, profile rest-it) against it; its report goes to target/failsafe-reports
#   --plugin ZIP   realm plugin zip (default: newest target/opensearch-realm-*.zip, built if stale)
#   --keep-node    leave the node running afterwards (stop it with: REALM_DIST_DIR=... node.sh stop --name secure)
# The normal distribution and the REST tests of test.sh stay without security.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
LOG_TAG=security-test

SECURITY_VERSION=3.4.0.0
COLLECTIONS4_VERSION=4.5.0
# The demo installer refuses weak admin passwords; a test-only node on loopback.
ADMIN_PASSWORD='Realm-Secur1ty!Adm'
NODE=secure

plugin_zip="" http_port=9400 transport_port=9500 keep_node=false
while (($#)); do
  case $1 in
    --plugin) plugin_zip=$(realpath "${2:?--plugin needs a zip}"); shift 2 ;;
    --http-port) http_port=${2:?}; shift 2 ;;
    --transport-port) transport_port=${2:?}; shift 2 ;;
    --keep-node) keep_node=true; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
require_java21
export JAVA_HOME="$JAVA21_HOME"
[[ -n "$plugin_zip" ]] || plugin_zip=$(ensure_plugin_zip)

export REALM_DIST_DIR="$BUILD_DIR/dist-secure/opensearch-$OS_VERSION"
DIST_DIR=$REALM_DIST_DIR
SECURITY_STAMP="security=$SECURITY_VERSION collections4=$COLLECTIONS4_VERSION layout=2"
t0=$SECONDS

plugin_cli() { OPENSEARCH_JAVA_HOME="$JAVA21_HOME" "$DIST_DIR/bin/opensearch-plugin" "$@"; }

fetch_security_artifacts() {   # into $1: the security plugin zip and commons-collections4
  local work=$BUILD_DIR/security-fetch
  mkdir -p "$work"
  cat >"$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>local.realm-it</groupId><artifactId>security-fetch</artifactId><version>0</version><packaging>pom</packaging><dependencies>
<dependency><groupId>org.opensearch.plugin</groupId><artifactId>opensearch-security</artifactId><version>$SECURITY_VERSION</version><type>zip</type></dependency>
<dependency><groupId>org.apache.commons</groupId><artifactId>commons-collections4</artifactId><version>$COLLECTIONS4_VERSION</version></dependency>
</dependencies></project>
POM
  rm -rf "$1"
  (cd "$work" && mvn -B -q "$DEP_PLUGIN:copy-dependencies" -DexcludeTransitive=true -DoutputDirectory="$1") >"$work/mvn.log" 2>&1 ||
    { tail -n 20 "$work/mvn.log" >&2; die "Maven could not fetch the security plugin (see $work/mvn.log)"; }
}

build_rule_framework_stub() {   # the stub plugin zip at $1
  local work=$BUILD_DIR/rule-framework-stub
  rm -rf "$work"
  mkdir -p "$work/classes" "$work/zip"
  "$JAVA21_HOME/bin/javac" --release 21 -cp "$DIST_DIR/lib/*" -d "$work/classes" "$IT_DIR/rule-framework-stub/RuleFrameworkStub.java"
  "$JAVA21_HOME/bin/jar" cf "$work/zip/rule-framework-stub.jar" -C "$work/classes" .
  plugin_descriptor "$work/zip" rule-framework org.opensearchrealm.stub.RuleFrameworkStub \
    "Empty stand-in for the rule framework that the security plugin declares it extends"
  python3 - "$work/zip" "$1" <<'PY'
import os, sys, zipfile
src, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(dest, "w") as z:
    for name in sorted(os.listdir(src)):
        z.write(os.path.join(src, name), name)
PY
}

install_security() {
  local fetched=$BUILD_DIR/security-fetch/out stub=$BUILD_DIR/rule-framework-stub.zip
  log "fetching the security plugin $SECURITY_VERSION and commons-collections4 $COLLECTIONS4_VERSION from Maven Central"
  fetch_security_artifacts "$fetched"
  log "installing the rule-framework stub and the security plugin"
  build_rule_framework_stub "$stub"
  plugin_cli install --batch "file://$stub" >"$BUILD_DIR/security-install.log" 2>&1 &&
    plugin_cli install --batch "file://$fetched/opensearch-security-$SECURITY_VERSION.zip" >>"$BUILD_DIR/security-install.log" 2>&1 ||
    { cat "$BUILD_DIR/security-install.log" >&2; die "installing the security plugin failed"; }
  cp "$fetched/commons-collections4-$COLLECTIONS4_VERSION.jar" "$DIST_DIR/plugins/opensearch-security/"
  log "demo configuration: HTTPS with demo certificates, internal users, user admin"
  (cd "$DIST_DIR" && OPENSEARCH_INITIAL_ADMIN_PASSWORD="$ADMIN_PASSWORD" OPENSEARCH_JAVA_HOME="$JAVA21_HOME" \
    bash plugins/opensearch-security/tools/install_demo_configuration.sh -y -i -s) >>"$BUILD_DIR/security-install.log" 2>&1 ||
    { cat "$BUILD_DIR/security-install.log" >&2; die "the security demo configuration failed"; }
  # the audit log would write an index on every request: nothing the tests look at; the tests switch
  # do_not_fail_on_forbidden on and off through the REST API, which this allows the admin user
  sed -i 's/^plugins.security.audit.type: .*/plugins.security.audit.type: noop/' "$DIST_DIR/config/opensearch.yml"
  echo "plugins.security.unsupported.restapi.allow_securityconfig_modification: true" >>"$DIST_DIR/config/opensearch.yml"
  rm -rf "$fetched"
  echo "$SECURITY_STAMP" >"$DIST_DIR/.security-stamp"
}

log "step 1/3: the secure distribution in $DIST_DIR"
if [[ "$(cat "$DIST_DIR/.security-stamp" 2>/dev/null)" == "$SECURITY_STAMP" ]]; then
  "$IT_DIR/assemble.sh" --plugin "$plugin_zip" --dest "$DIST_DIR"
  log "the security plugin is installed and configured"
else
  # from a fresh base: the demo installer edits the configuration, which must not happen twice
  "$IT_DIR/assemble.sh" --rebuild --plugin "$plugin_zip" --dest "$DIST_DIR"
  install_security
fi

log "step 2/3: a node with the security plugin on https://127.0.0.1:$http_port ($(fmt_secs $((SECONDS - t0))) elapsed)"
# node.sh waits over HTTPS, as admin, trusting the demo CA
export REALM_HTTPS_CA="$DIST_DIR/config/root-ca.pem" REALM_HTTP_USER="admin:$ADMIN_PASSWORD"
$keep_node || trap '"$IT_DIR/node.sh" stop --name "$NODE" >/dev/null 2>&1 || true' EXIT
"$IT_DIR/node.sh" start --name "$NODE" --clean --http-port "$http_port" --transport-port "$transport_port" \
  --model "$REPO_ROOT/src/test/resources/models/tiny-qa-pick" --wait

log "step 3/3: RealmSecurityIT ($(fmt_secs $((SECONDS - t0))) elapsed)"
report="$REPO_ROOT/target/failsafe-reports/TEST-org.opensearchrealm.rest.RealmSecurityIT.xml"
rm -f "$report"
rc=0
# test-compile: run alone, the script must not find a stale or missing test class ("No tests to run" is no pass)
(cd "$REPO_ROOT" && mvn -B -ntp -Prest-it test-compile failsafe:integration-test failsafe:verify -Dit.test=RealmSecurityIT \
  -Dtests.rest.cluster="127.0.0.1:$http_port" -Dtests.realm.security.admin_password="$ADMIN_PASSWORD" \
  -Dtests.realm.security.ca="$DIST_DIR/config/root-ca.pem") || rc=$?
$keep_node || "$IT_DIR/node.sh" stop --name "$NODE"
[[ -f "$report" ]] || { log "no report $report: RealmSecurityIT did not run"; rc=1; }
log "done in $(fmt_secs $((SECONDS - t0))): RealmSecurityIT $( ((rc == 0)) && echo passed || echo FAILED)"
exit "$rc"
