#!/usr/bin/env python3
"""Load test against a node running the realm plugin (Python standard library only; loopback only).

    load.py --port P --index I --corpus FILE.jsonl --questions FILE.txt --seconds N --clients C --out DIR
            [--bulk-clients 1] [--bulk-size 8] [--max-requests 100000] [--k 3] [--expect-429]

After one warm-up _realm request (which loads the model), C clients ask _realm, and --bulk-clients clients index
the corpus with _bulk (documents cycled under fresh ids), together, until N seconds have passed or --max-requests
_realm requests were sent. Then the index is refreshed and
its documents counted: those found beyond the documents it had before must be those acknowledged. Prints a summary and writes DIR/load.json. Exits 1 when a request failed with anything
but 429, a 429 came without a Retry-After header, the node was unhealthy afterwards, or the documents acknowledged
are not the documents found.
"""

import argparse
import json
import os
import threading
import time

import loopback

REQUEST_TIMEOUT_S = 120


def call(port, method, path, body=None, ndjson=False):
    """(status, headers, parsed JSON body or text)."""
    return loopback.call(port, method, path, body, ndjson, REQUEST_TIMEOUT_S)


class Tally:
    """What the clients saw, under one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies_ms = []
        self.rejected_429 = 0
        self.reader_rejected_429 = 0  # answered 200 with passages, the reading refused by a full queue
        self.missing_retry_after = 0
        self.errors = []  # (what, detail), the first few kept
        self.error_count = 0
        self.sent = 0
        self.bulk_requests = 0
        self.docs_sent = 0
        self.docs_acked = 0
        self.docs_rejected_429 = 0

    def error(self, what, detail):
        with self.lock:
            self.error_count += 1
            if len(self.errors) < 10:
                self.errors.append(f"{what}: {str(detail)[:300]}")


def percentile(sorted_values, q):
    if not sorted_values:
        return 0.0
    rank = max(1, int(-(-q * len(sorted_values) // 1)))  # ceil(q * n), nearest-rank
    return sorted_values[min(rank, len(sorted_values)) - 1]


def count_docs(port, index, tally):
    """Documents in the index after a refresh (root documents only, not their nested passages); -1 on failure."""
    status, _, body = call(port, "POST", f"/{index}/_refresh")
    if status != 200:
        tally.error(f"_refresh HTTP {status}", body)
    status, _, body = call(port, "GET", f"/{index}/_count")
    if status != 200:
        tally.error(f"_count HTTP {status}", body)
        return -1
    return body["count"]


def realm_client(args, questions, offset, deadline, tally):
    i = offset
    while time.monotonic() < deadline:
        with tally.lock:
            if tally.sent >= args.max_requests:
                return
            tally.sent += 1
        question = questions[i % len(questions)]
        i += 1
        start = time.monotonic()
        try:
            status, headers, body = call(args.port, "POST", f"/{args.index}/_realm", {"query": question, "k": args.k})
        except Exception as e:  # a timeout or a dropped connection is an error of the node
            tally.error("_realm", repr(e))
            continue
        millis = (time.monotonic() - start) * 1000
        if status == 200:
            reader_error = body.get("reader_error") if isinstance(body, dict) else None
            with tally.lock:
                tally.latencies_ms.append(millis)
                if reader_error and reader_error.get("status") == 429:
                    tally.reader_rejected_429 += 1
            if reader_error and reader_error.get("status") != 429:
                tally.error("_realm reader_error", reader_error)
        elif status == 429:
            with tally.lock:
                tally.rejected_429 += 1
                if not headers.get("Retry-After"):
                    tally.missing_retry_after += 1
            time.sleep(float(headers.get("Retry-After") or 1) / 10)  # back off a little, as a polite client would
        else:
            tally.error(f"_realm HTTP {status}", body)


def bulk_client(args, docs, client_no, deadline, tally):
    """Sends bulks of fresh documents; documents rejected with 429 are resent first in the next bulk."""
    seq = 0
    retry = []  # (id, source) rejected with 429
    while time.monotonic() < deadline:
        batch = retry[:args.bulk_size]
        retry = retry[args.bulk_size:]
        while len(batch) < args.bulk_size:
            doc = docs[seq % len(docs)]
            batch.append((f"load-{client_no}-{seq}", {k: v for k, v in doc.items() if k != "id"}))
            seq += 1
        lines = []
        for doc_id, source in batch:
            lines.append(json.dumps({"index": {"_id": doc_id}}))
            lines.append(json.dumps(source))
        try:
            status, _, body = call(args.port, "POST", f"/{args.index}/_bulk", "\n".join(lines) + "\n", ndjson=True)
        except Exception as e:
            tally.error("_bulk", repr(e))
            continue
        if status != 200:
            tally.error(f"_bulk HTTP {status}", body)
            continue
        acked = rejected = 0
        for sent, item in zip(batch, body.get("items", [])):
            result = item.get("index", {})
            if result.get("status") in (200, 201):
                acked += 1
            elif result.get("status") == 429:
                rejected += 1
                retry.append(sent)
            else:
                tally.error(f"_bulk item HTTP {result.get('status')}", result.get("error"))
        with tally.lock:
            tally.bulk_requests += 1
            tally.docs_sent += len(batch)
            tally.docs_acked += acked
            tally.docs_rejected_429 += rejected
        if rejected:
            time.sleep(0.1)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--index", required=True)
    p.add_argument("--corpus", required=True)
    p.add_argument("--questions", required=True)
    p.add_argument("--seconds", type=float, required=True)
    p.add_argument("--clients", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--bulk-clients", type=int, default=1)
    p.add_argument("--bulk-size", type=int, default=8)
    p.add_argument("--max-requests", type=int, default=100000)
    p.add_argument("--k", type=int, default=3)
    p.add_argument("--expect-429", action="store_true", help="fail unless the node answered 429 at least once")
    args = p.parse_args()

    with open(args.corpus, encoding="utf-8") as f:
        docs = [json.loads(line) for line in f if line.strip()]
    with open(args.questions, encoding="utf-8") as f:
        questions = [line.strip() for line in f if line.strip()]
    tally = Tally()
    # one request first, so that loading the model (seconds) is not measured as the latency of the first requests
    status, _, body = call(args.port, "POST", f"/{args.index}/_realm", {"query": questions[0], "k": args.k})
    if status != 200:
        tally.error(f"warm-up _realm HTTP {status}", body)
    stats_before = call(args.port, "GET", "/_plugins/_realm/_local/stats")[2]
    docs_before = count_docs(args.port, args.index, tally)

    start = time.monotonic()
    deadline = start + args.seconds
    threads = [threading.Thread(target=realm_client, args=(args, questions, c, deadline, tally)) for c in range(args.clients)]
    threads += [threading.Thread(target=bulk_client, args=(args, docs, c, deadline, tally)) for c in range(args.bulk_clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start

    healthy = True
    status, _, health = call(args.port, "GET", "/_cluster/health?wait_for_status=yellow&timeout=30s")
    if status != 200 or health.get("status") not in ("green", "yellow"):
        healthy = False
        tally.error("cluster health after the load", health)
    docs_found = count_docs(args.port, args.index, tally) - docs_before
    status, _, body = call(args.port, "POST", f"/{args.index}/_realm", {"query": questions[0], "k": args.k})
    if status != 200:
        healthy = False
        tally.error(f"_realm after the load HTTP {status}", body)
    stats_after = call(args.port, "GET", "/_plugins/_realm/_local/stats")[2]

    latencies = sorted(tally.latencies_ms)
    node_before = next(iter(stats_before.get("nodes", {}).values()), {})
    node_after = next(iter(stats_after.get("nodes", {}).values()), {})
    pool = node_after.get("inference_pool", {})
    result = {
        "seconds": round(elapsed, 1),
        "clients": args.clients,
        "bulk_clients": args.bulk_clients,
        "bulk_size": args.bulk_size,
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 2),
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "rejected_429": tally.rejected_429,
        "reader_rejected_429": tally.reader_rejected_429,
        "missing_retry_after": tally.missing_retry_after,
        "errors": tally.error_count + tally.missing_retry_after,
        "error_samples": tally.errors,
        "bulk_requests": tally.bulk_requests,
        "docs_sent": tally.docs_sent,
        "docs_acked": tally.docs_acked,
        "docs_rejected_429": tally.docs_rejected_429,
        "docs_found": docs_found,
        "docs_before": docs_before,
        "healthy_after": healthy,
        "inference_queue_size": pool.get("queue_size"),
        "inference_rejected": pool.get("rejected", 0) - node_before.get("inference_pool", {}).get("rejected", 0),
        "node_stats": node_after,
    }
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "load.json"), "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2)

    print(f"load: {args.clients} _realm clients + {args.bulk_clients} _bulk client(s) of {args.bulk_size} docs for {elapsed:.1f} s"
          f" (inference queue {result['inference_queue_size']})")
    print(f"  _realm served       {result['requests']} ({result['requests_per_s']}/s), p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms")
    print(f"  429s                {tally.rejected_429} _realm (without Retry-After: {tally.missing_retry_after}),"
          f" {tally.docs_rejected_429} bulk items, {tally.reader_rejected_429} readings (passages still answered);"
          f" inference tasks rejected {result['inference_rejected']}")
    print(f"  other errors        {result['errors']}")
    for sample in tally.errors:
        print(f"    {sample}")
    print(f"  docs acked / found  {tally.docs_acked} / {docs_found} (beyond the {docs_before} indexed before)")
    print(f"  node healthy after  {healthy}")
    print(f"  wrote {os.path.join(args.out, 'load.json')}")
    ok = result["errors"] == 0 and healthy and tally.docs_acked == docs_found
    if args.expect_429 and tally.rejected_429 + tally.docs_rejected_429 == 0:
        print("  expected 429s (--expect-429): the queue never filled")
        ok = False
    if not ok:
        print("load: FAILED (errors, an unhealthy node, acked != found, or no 429 where expected)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
