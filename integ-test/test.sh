#!/usr/bin/env bash
# The README's test command: every layer of tests, from unit tests to a real node that has no network.
#   1. unit and internal-cluster tests (Surefire), and the plugin zip (its jar holds no tool or test class)
#   2. a distribution assembled from Maven Central with k-NN and the zip
#   3. REST tests (Failsafe, *IT) against a real node of that distribution, then the Dashboards-contract test
#      (dashboards-contract-test.sh: Discover's request from a page in headless Chromium) against the same node
#   4. security REST tests against a node of a second distribution with the security plugin (security-test.sh)
#   5. fault tests (fault-test.sh): broken and failing models, a node restart, a reading node killed in a cluster
#   6. the differential test (differential-test.sh): the same seeded document API requests to a node with the plugin
#      and to a stock node, which must answer alike and end with the same documents
#   7. the offline test: a real node in a network namespace with loopback only
#   8. the load test: _realm clients and _bulk together against a node with a tiny inference queue (429s, no errors,
#      no lost documents, the node healthy afterwards)
# Ends with "N passed, M failed" over all layers; exits non-zero if anything failed.
# The tests assemble and run everything in a work directory of their own, integ-test/build/test (nodes, distributions),
# on their own ports: a demo node (integ-test/demo.sh) keeps running through them and is never stopped or rebuilt.
set -euo pipefail
REALM_BUILD_DIR="$(cd "$(dirname "$0")" && pwd)/build/test"
export REALM_BUILD_DIR
unset REALM_DIST_DIR
source "$(dirname "$0")/lib.sh"
LOG_TAG=test

# REALM_TEST_PORT: another port, so that two checkouts can run this at once. Nodes use HTTP ports REST_PORT..+8 and
# transport ports REST_PORT+100..+108: the REST node, the load node, the fault tests' nodes from +2, the security
# node +6, and the differential test's plugin and stock nodes +7 and +8; the Dashboards-contract test's page is
# served on REST_PORT+9.
# The defaults (9250.., 9350..) stay clear of the demo node's 9200 and 9300.
REST_PORT=${REALM_TEST_PORT:-9250}
LOAD_PORT=$((REST_PORT + 1))
FAULT_PORT=$((REST_PORT + 2))
REST_NODE=rest-it
require_java21
export JAVA_HOME="$JAVA21_HOME"
cd "$REPO_ROOT"
started=$SECONDS
step() { log "step $1/8 ($(fmt_secs $((SECONDS - started))) elapsed): $2"; }

step 1 "unit and internal-cluster tests, then the plugin zip"
rm -rf target/surefire-reports target/failsafe-reports
mvn -B -ntp package

zip=$(ls -t target/opensearch-realm-*.zip | head -n 1)
zip_rc=0
python3 "$IT_DIR/zip-check.py" "$zip" || zip_rc=$?
step 2 "assembling the distribution with $zip"
"$IT_DIR/assemble.sh" --plugin "$zip"

step 3 "REST tests, then the Dashboards-contract test, against a real node on 127.0.0.1:$REST_PORT"
trap '"$IT_DIR/node.sh" stop --name "$REST_NODE" >/dev/null 2>&1 || true' EXIT
# the tiny QA fixture as an operator reader, so that the REST tests can read answers; RealmReindexIT reindexes from
# the node itself as a remote cluster
"$IT_DIR/node.sh" start --name "$REST_NODE" --clean --http-port "$REST_PORT" --transport-port $((REST_PORT + 100)) \
  --model src/test/resources/models/tiny-qa-pick --setting "reindex.remote.allowlist=127.0.0.1:$REST_PORT" --wait
rest_rc=0
mvn -B -ntp -Prest-it failsafe:integration-test failsafe:verify -Dtests.rest.cluster="127.0.0.1:$REST_PORT" || rest_rc=$?
# while the REST node still runs: its shipped default reader answers (tiny-qa-pick is only an extra operator model)
dashboards_rc=0
"$IT_DIR/dashboards-contract-test.sh" --http-port "$REST_PORT" --proxy-port $((REST_PORT + 9)) || dashboards_rc=$?
"$IT_DIR/node.sh" stop --name "$REST_NODE"

step 4 "security tests: a node with the security plugin"
security_rc=0
"$IT_DIR/security-test.sh" --plugin "$zip" --http-port $((REST_PORT + 6)) --transport-port $((REST_PORT + 106)) ||
  security_rc=$?

step 5 "fault tests: broken models, restart, failover"
fault_rc=0
"$IT_DIR/fault-test.sh" --plugin "$zip" --http-port "$FAULT_PORT" --transport-port $((FAULT_PORT + 100)) |
  tee target/fault-test.log || fault_rc=$?

step 6 "differential test: a plugin node and a stock node, the same requests"
differential_rc=0
"$IT_DIR/differential-test.sh" --plugin "$zip" --http-port $((REST_PORT + 7)) --transport-port $((REST_PORT + 107)) ||
  differential_rc=$?

step 7 "offline test: a real node with no network"
offline_rc=0
"$IT_DIR/offline-test.sh" --plugin "$zip" || offline_rc=$?

step 8 "load test: 20 s, 4 _realm clients and _bulk against an inference queue of 4"
load_rc=0
"$IT_DIR/load.sh" --plugin "$zip" --seconds 20 --clients 4 --queue-size 4 --expect-429 --out "$BUILD_DIR/load" \
  --http-port "$LOAD_PORT" --transport-port $((LOAD_PORT + 100)) || load_rc=$?

log "all layers done in $(fmt_secs $((SECONDS - started)))"
python3 - "$zip_rc" "$dashboards_rc" "$differential_rc" "$offline_rc" "$load_rc" <<'PY'
import glob, re, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for report in glob.glob("target/surefire-reports/TEST-*.xml") + glob.glob("target/failsafe-reports/TEST-*.xml"):
    suite = ET.parse(report).getroot()
    tests, bad = int(suite.get("tests")), int(suite.get("failures")) + int(suite.get("errors"))
    skip = int(suite.get("skipped", 0))
    passed, failed, skipped = passed + tests - bad - skip, failed + bad, skipped + skip
for layer_rc in sys.argv[1:]:  # the zip check, the Dashboards-contract, differential, offline and load tests: one each
    if layer_rc == "0":
        passed += 1
    else:
        failed += 1
fault = re.search(r"fault test: (\d+) passed, (\d+) failed", open("target/fault-test.log").read())
if fault:  # the fault test counts its checks
    passed, failed = passed + int(fault.group(1)), failed + int(fault.group(2))
else:  # it ended before its summary
    failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
((zip_rc == 0 && rest_rc == 0 && dashboards_rc == 0 && security_rc == 0 && fault_rc == 0 && differential_rc == 0 &&
  offline_rc == 0 && load_rc == 0))
