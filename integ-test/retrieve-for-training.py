#!/usr/bin/env python3
"""The passages a REALM index retrieves for each training question: the reader trainer's hard negatives and p(z|q).

    integ-test/retrieve-for-training.py --url http://127.0.0.1:9280 --index eval \
        --questions ../shared/data/squad/train-v1.1.json [--questions train-v2.0.json] --out retrieved.jsonl \
        [--k 8] [--retrieval hybrid] [--clients 2]

Asks `_realm` (`"read": false`) every question of the SQuAD files, in the index's own retrieval mode unless
--retrieval says otherwise, and writes one JSON line per question: {"id", "question", "passages": [{"doc", "passage",
"score", "text"}, ...]}, best first. A question asked twice (the same question of the same paragraph in two files) is
asked once. The index should hold the training articles only, so that no evaluation paragraph is ever a training
negative. `TrainReader --retrieved FILE` reads the result.
"""

import argparse
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
import threading

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loopback  # noqa: E402


def questions(files):
    seen = set()
    for f in files:
        for article in json.load(open(f, encoding="utf-8"))["data"]:
            for paragraph in article["paragraphs"]:
                for qa in paragraph["qas"]:
                    key = (paragraph["context"], qa["question"])
                    if key not in seen:
                        seen.add(key)
                        yield qa["id"], qa["question"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--index", required=True)
    ap.add_argument("--questions", action="append", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--k", type=int, default=8)
    ap.add_argument("--retrieval", choices=["dense", "bm25", "hybrid"])
    ap.add_argument("--clients", type=int, default=2)
    args = ap.parse_args()

    todo = list(questions(args.questions))
    local = threading.local()

    def ask(item):
        qid, question = item
        if not hasattr(local, "conn"):
            local.conn = loopback.Connection(args.url)
        body = {"query": question[:1000], "k": args.k, "read": False}
        if args.retrieval:
            body["retrieval"] = args.retrieval
        status, _, response = local.conn.call("POST", f"/{args.index}/_realm", body)
        if status != 200:
            raise SystemExit(f"question {qid}: HTTP {status}: {response}")
        passages = [
            {"doc": p["_id"], "passage": p["passage"], "score": p["score"], "text": p["text"]}
            for p in response["passages"]
        ]
        return {"id": qid, "question": question, "passages": passages}

    started = time.monotonic()
    with open(args.out, "w", encoding="utf-8") as out, ThreadPoolExecutor(args.clients) as pool:
        for n, record in enumerate(pool.map(ask, todo), 1):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            if n % 500 == 0 or n == len(todo):
                rate = n / (time.monotonic() - started)
                print(f"{n}/{len(todo)} questions, {rate:.1f}/s", flush=True)


if __name__ == "__main__":
    main()
