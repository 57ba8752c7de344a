#!/usr/bin/env python3
"""`_realm` latency on one client, for several request variants interleaved question by question.

    integ-test/latency.py --url http://127.0.0.1:9280 --index eval --questions ../shared/data/squad/dev-v1.1.json \
        [--n 100] [--warmup 5] [--variant NAME=JSON ...]

Each variant is a JSON object merged into {"query": question} (default: "default" = {} — the index's own retrieval, k
and reader — and "dense" = {"retrieval": "dense"}). Every question is asked once per variant, in turn, on one kept
connection, after --warmup questions that are not counted; prints p50/p90/p99 of the wall time per variant and each
p50 as a ratio to the first variant's, measured in the same run (these machines are noisy).
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loopback  # noqa: E402


def questions(path):
    for article in json.load(open(path, encoding="utf-8"))["data"]:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                yield qa["question"]


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--index", required=True)
    ap.add_argument("--questions", required=True)
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--variant", action="append", default=[])
    args = ap.parse_args()
    variants = {}
    for v in args.variant or ['default={}', 'dense={"retrieval": "dense"}']:
        name, _, body = v.partition("=")
        variants[name] = json.loads(body)

    conn = loopback.Connection(args.url)
    asked = list(questions(args.questions))[: args.warmup + args.n]
    times = {name: [] for name in variants}
    for i, q in enumerate(asked):
        for name, extra in variants.items():
            started = time.perf_counter()
            status, _, body = conn.call("POST", f"/{args.index}/_realm", {"query": q, **extra})
            elapsed = (time.perf_counter() - started) * 1000
            if status != 200:
                raise SystemExit(f"{name}: HTTP {status}: {body}")
            if i >= args.warmup:
                times[name].append(elapsed)
    first = statistics.median(next(iter(times.values())))
    print(f"{args.n} questions of {Path(args.questions).name}, one client, index {args.index}")
    for name, t in times.items():
        p50 = statistics.median(t)
        print(f"{name:>12}: p50 {p50:7.1f} ms  p90 {percentile(t, 90):7.1f} ms  p99 {percentile(t, 99):7.1f} ms  "
              f"p50 ratio {p50 / first:.2f}  ({json.dumps(variants[name])})")


if __name__ == "__main__":
    main()
