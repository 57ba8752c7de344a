#!/usr/bin/env python3
"""Differential test: the same seeded requests to a node with the realm plugin and to a stock node (the oracle), on
ordinary indices and on a REALM index; every answer and, at the end, every index's documents and mapping must be
equal on both, apart from the normalisations of differential_compare.py. integ-test/differential-test.sh starts the
nodes and runs this.

    differential.py --plugin-port P --stock-port S [--seed N] [--requests 3000] [--realm-requests 300]

Last line: "differential test: N requests, M compared, K differences"; exit 1 when K > 0.
"""

import argparse
import json
import random
import sys
import time
import urllib.error

import loopback
from differential_compare import NORMALISATIONS, Comparison, normalise, scrub
from differential_requests import ALIASES, PLAIN, REALM, REQUIRED, ROUTED, STRICT, RequestSource

PLUGIN_ONLY_SETTINGS = ("index.default_pipeline", "index.realm.")  # the REALM index's settings the stock node lacks
CREATED_SETTINGS = ("index.uuid", "index.creation_date", "index.version.created", "index.provided_name")
INDEX_SETTINGS = {  # every index of the test, auto-created ones included (index template)
    "index.number_of_shards": 1, "index.number_of_replicas": 0,
    # a short interval bounds how long refresh=wait_for waits; searches refresh first, so it decides nothing
    "index.refresh_interval": "100ms",
    # tombstones of deleted documents outlive the test: a version after delete then create must not depend on time
    "index.gc_deletes": "1h",
}
MAPPING = {"properties": {"n": {"type": "integer"}, "tag": {"type": "keyword"}, "text": {"type": "text"}}}
MAX_NO_ANSWER = 5


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')} differential] {msg}", file=sys.stderr, flush=True)


def call(port, method, path, body=None, ndjson=False):
    """(status, body); status None with the error when the node does not answer."""
    try:
        status, _, parsed = loopback.call(port, method, path, body, ndjson, timeout=120)
        return status, parsed
    except (urllib.error.URLError, OSError) as e:
        return None, f"no answer: {e}"


def must(port, method, path, body=None):
    status, parsed = call(port, method, path, body)
    if status not in (200, 201):
        sys.exit(f"setup failed on :{port}: {method} {path} -> {status} {json.dumps(parsed)[:800]}")
    return parsed


# --- the indices ------------------------------------------------------------------------------------------------
def reset(port):
    """Removes what an earlier run on the same node left (the nodes of differential-test.sh start empty)."""
    status, listed = call(port, "GET", "/_cat/indices/diff-*?format=json&h=index&expand_wildcards=all")
    for row in listed if status == 200 else []:
        must(port, "DELETE", f"/{row['index']}")
    call(port, "DELETE", "/_index_template/diff")
    call(port, "DELETE", f"/_ingest/pipeline/realm-{REALM}")


def create_ordinary_indices(port):
    must(port, "PUT", "/_index_template/diff", {"index_patterns": ["diff-*"], "template": {"settings": INDEX_SETTINGS}})
    shards = {ROUTED: 3}
    # The shards of one bulk run in parallel: two of them adding one new field with different types race for the
    # mapping (stock OpenSearch answers differently from run to run), so the three-shard index maps no new fields.
    for index, mapping in [(PLAIN, MAPPING), (ROUTED, dict(MAPPING, dynamic=False)),
                           (REQUIRED, dict(MAPPING, _routing={"required": True})), (STRICT, dict(MAPPING, dynamic="strict"))]:
        settings = dict(INDEX_SETTINGS, **{"index.number_of_shards": shards.get(index, 1)})
        must(port, "PUT", f"/{index}", {"settings": settings, "mappings": mapping})


def create_realm_index(plugin_port, stock_port):
    """The plugin's API on the plugin node; on the stock node an index with the same mapping and the same settings,
    less the plugin's own. Returns the settings dropped."""
    must(plugin_port, "PUT", f"/_plugins/_realm/indices/{REALM}",
         {"source_field": "text", "reader": "", "settings": INDEX_SETTINGS})
    mapping = must(plugin_port, "GET", f"/{REALM}/_mapping")[REALM]["mappings"]
    settings = must(plugin_port, "GET", f"/{REALM}/_settings?flat_settings=true")[REALM]["settings"]
    dropped = sorted(k for k in settings if k.startswith(PLUGIN_ONLY_SETTINGS))
    kept = {k: v for k, v in settings.items() if k not in dropped and k not in CREATED_SETTINGS}
    must(stock_port, "PUT", f"/{REALM}", {"settings": kept, "mappings": mapping})
    return dropped


def create_aliases(port):
    must(port, "POST", "/_aliases", {"actions": [{"add": {"index": index, "alias": alias, "is_write_index": True}}
                                                 for alias, index in ALIASES.items()]})


# --- the run ----------------------------------------------------------------------------------------------------
def run_sequence(args, comparison, tally):
    rng = random.Random(args.seed)
    source = RequestSource(rng)
    realm_share = args.realm_requests / args.requests
    sent = 0
    while sent < args.requests and comparison.no_answers < MAX_NO_ANSWER:
        for request in source.next(realm=rng.random() < realm_share)[:args.requests - sent]:
            stock = call(args.stock_port, request.method, request.path, request.body, request.ndjson)
            plugin = call(args.plugin_port, request.method, request.path, request.body, request.ndjson)
            source.observe(*stock)
            comparison.compare(request.describe(), (stock[0], normalise(request, stock[1])),
                               (plugin[0], normalise(request, plugin[1])))
            sent += 1
            tally.count(request, stock)
            if sent % 500 == 0:
                log(f"{sent} requests, {len(comparison.differences)} differences")
    if comparison.no_answers >= MAX_NO_ANSWER:
        log(f"stopped after {sent} requests: a node no longer answers")
    return sent


def final_state(port):
    """Every test index's mapping and documents (all of them, with version, seq_no and routing), by index."""
    status, listed = call(port, "GET", "/_cat/indices/diff-*?format=json&h=index")
    state = {}
    for index in sorted(row["index"] for row in listed) if status == 200 else []:
        call(port, "POST", f"/{index}/_refresh")
        _, mapping = call(port, "GET", f"/{index}/_mapping")
        _, found = call(port, "POST", f"/{index}/_search", {
            "query": {"match_all": {}}, "size": 10000, "sort": [{"_id": "asc"}], "version": True,
            "seq_no_primary_term": True})
        hits = found.get("hits", {}) if isinstance(found, dict) else found
        scrub(hits, realm=index == REALM)
        state[index] = {"mapping": mapping, "documents": hits}
    return status, state


class Tally:
    """What the sequence covered, from the oracle's answers: request kinds, statuses, bulk item results."""

    def __init__(self):
        self.statuses, self.items, self.realm = {}, {}, 0

    def count(self, request, stock):
        status, body = stock
        key = f"{request.kind} {status}"
        self.statuses[key] = self.statuses.get(key, 0) + 1
        self.realm += request.realm
        for entry in body.get("items", []) if isinstance(body, dict) else []:
            for op, item in entry.items():
                where = "REALM " if item.get("_index") == REALM else ""
                key = f"{where}{op} {item.get('result') or (item.get('error') or {}).get('type')}"
                self.items[key] = self.items.get(key, 0) + 1

    def print(self):
        fmt = lambda counts: ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
        print(f"requests by kind and status (stock): {fmt(self.statuses)}; reaching the REALM index: {self.realm}")
        print(f"bulk items by result (stock): {fmt(self.items)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plugin-port", type=int, required=True)
    parser.add_argument("--stock-port", type=int, required=True)
    parser.add_argument("--seed", type=int, default=random.SystemRandom().randrange(2 ** 32))
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--realm-requests", type=int, default=300,
                        help="about this many of the requests reach the REALM index (each document there is embedded)")
    args = parser.parse_args()
    print(f"differential test: seed {args.seed} (replay with --seed {args.seed}), {args.requests} requests, "
          f"about {args.realm_requests} on the REALM index", flush=True)
    started = time.monotonic()
    for port in (args.plugin_port, args.stock_port):
        reset(port)
        create_ordinary_indices(port)
    dropped = create_realm_index(args.plugin_port, args.stock_port)
    for port in (args.plugin_port, args.stock_port):
        create_aliases(port)
    print("normalisations:")
    for what, why in NORMALISATIONS:
        print(f"  - {what}: {why}")
    print(f"  (the stock copy of {REALM} has the plugin node's mapping and settings without {', '.join(dropped)})")

    comparison, tally = Comparison(), Tally()
    sent = run_sequence(args, comparison, tally)
    stock_status, stock_state = final_state(args.stock_port)
    plugin_status, plugin_state = final_state(args.plugin_port)
    comparison.compare("final state: the test indices", (stock_status, sorted(stock_state)),
                       (plugin_status, sorted(plugin_state)))
    for index in sorted(set(stock_state) & set(plugin_state)):
        for part in ("mapping", "documents"):
            comparison.compare(f"final state: {part} of {index}", (200, stock_state[index][part]),
                               (200, plugin_state[index][part]))
    documents = sum(len(s["documents"].get("hits", [])) for s in stock_state.values())

    tally.print()
    print(f"final state: {len(stock_state)} indices, {documents} documents")
    comparison.report()
    print(f"differential test: {sent} requests, {comparison.compared} compared, {len(comparison.differences)} "
          f"differences (seed {args.seed}, {time.monotonic() - started:.0f} s)")
    sys.exit(1 if comparison.differences or comparison.no_answers else 0)


if __name__ == "__main__":
    main()
