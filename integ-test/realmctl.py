#!/usr/bin/env python3
"""Small client for a local node running the realm plugin (Python standard library only).

    realmctl.py [--port 9200] create INDEX [--source-field text] [--model all-minilm-l6-v2] [--replicas 0]
    realmctl.py [--port 9200] health INDEX [--timeout 30]
    realmctl.py [--port 9200] delete INDEX
    realmctl.py [--port 9200] bulk INDEX FILE.jsonl [--batch 8]
    realmctl.py [--port 9200] refresh INDEX
    realmctl.py [--port 9200] ask INDEX [--k 3] [--questions FILE] [QUESTION ...]
    realmctl.py [--port 9200] expect-top INDEX --query Q --doc ID [--k 3]

JSONL lines are {"id": ..., <fields>}; "id" becomes the document _id, the other fields its source.
Indices get no replica by default: these are single-node clusters, where a replica could never be assigned (yellow).
`health` waits for the index to be green and fails if it is not.
Talks to 127.0.0.1 only, never through a proxy from the environment (loopback.py). Exits non-zero on any failure.
"""

import argparse
import json
import os
import sys
import time

import loopback


class RealmError(Exception):
    pass


class Client:
    """The plugin's API on a node (a port on 127.0.0.1, or an http:// URL), over one kept connection: one per
    thread. A status not in `ok` is a RealmError with the node's reason."""

    def __init__(self, node=9200, timeout=600):
        self.connection = loopback.Connection(node, timeout)

    def request(self, method, path, body=None, ndjson=False, ok=(200, 201)):
        try:
            status, _, parsed = self.connection.call(method, path, body, ndjson)
        except OSError as e:
            raise RealmError(f"{method} {path}: no answer from {self.connection.url} ({e}); is a node running? "
                             "(integ-test/node.sh start)") from e
        if status not in ok:
            raise RealmError(f"{method} {path} -> HTTP {status}: {_reason(parsed)}")
        return parsed

    def close(self):
        self.connection.close()

    def create_index(self, index, source_field="text", model="all-minilm-l6-v2", replicas=0):
        body = {"source_field": source_field, "model": model, "settings": {"number_of_replicas": replicas}}
        return self.request("PUT", f"/_plugins/_realm/indices/{index}", body)

    def health(self, index, timeout_secs=30):
        """The index's health once it is green, or after timeout_secs (the status it reached then)."""
        # 408: the wait timed out; the body still has the health
        return self.request("GET", f"/_cluster/health/{index}?wait_for_status=green&timeout={timeout_secs}s", ok=(200, 408))

    def delete_index(self, index):
        return self.request("DELETE", f"/{index}", ok=(200, 404))

    def refresh(self, index):
        return self.request("POST", f"/{index}/_refresh")

    def bulk_jsonl(self, index, path, batch=8, progress=None):
        """Index every line of a JSONL file; returns the number of documents."""
        docs = load_jsonl(path)
        total, done, start = len(docs), 0, time.monotonic()
        for i in range(0, total, batch):
            chunk = docs[i:i + batch]
            lines = []
            for doc in chunk:
                source = {k: v for k, v in doc.items() if k != "id"}
                lines.append(json.dumps({"index": {"_index": index, "_id": str(doc["id"])}}))
                lines.append(json.dumps(source))
            resp = self.request("POST", "/_bulk", "\n".join(lines) + "\n", ndjson=True)
            if resp.get("errors"):
                failed = [it for it in resp["items"] if "error" in next(iter(it.values()))]
                first = next(iter(failed[0].values()))
                raise RealmError(f"bulk: {len(failed)} of {len(chunk)} documents failed; first ({first.get('_id')}): "
                                 f"{json.dumps(first['error'])[:600]}")
            done += len(chunk)
            if progress:
                progress(done, total, time.monotonic() - start)
        return total

    def realm(self, index, query, k=3):
        return self.request("POST", f"/{index}/_realm", {"query": query, "k": k})


def _reason(body):
    """The most useful part of an OpenSearch error body (parsed JSON, or text)."""
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            return body[:600]
    err = body.get("error") if isinstance(body, dict) else None
    if isinstance(err, dict):
        root = (err.get("root_cause") or [err])[0]
        return f"{root.get('type')}: {root.get('reason')}"
    return str(err or body)[:600]


def load_jsonl(path):
    docs = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    doc = json.loads(line)
                except ValueError as e:
                    raise RealmError(f"{path}:{n}: not JSON ({e})") from e
                if "id" not in doc:
                    raise RealmError(f"{path}:{n}: no \"id\"")
                docs.append(doc)
    return docs


def print_progress(done, total, secs):
    rate = done / secs if secs > 0 else 0.0
    left = (total - done) / rate if rate > 0 else 0.0
    line = (f"bulk: {done}/{total} docs ({100 * done // total}%), {rate:.1f} docs/s, "
            f"elapsed {secs:.0f}s, ~{left:.0f}s left")
    # On a terminal, rewrite one line; in a log, one line per batch.
    if sys.stderr.isatty():
        print("\r" + line, end="\n" if done == total else "", file=sys.stderr, flush=True)
    else:
        print(line, file=sys.stderr, flush=True)


def print_answer(question, resp, width=200):
    timing = resp.get("timing") or {}
    extra = ", ".join(f"{k} {v}" for k, v in timing.items())
    print(f"Q: {question}")
    print(f"   took {resp.get('took')} ms" + (f" ({extra})" if extra else ""))
    for a in resp.get("answers") or []:
        where = ", ".join(f"{s.get('_id')} passage {s.get('passage')} [{s.get('start')},{s.get('end')})"
                          for s in a.get("passages") or [])
        print(f"   A: {a.get('text')!r}  p={a.get('probability', 0):.3f}  from {where}")
    if "no_answer_probability" in resp:
        print(f"   no answer: {resp.get('no_answer')} (p={resp['no_answer_probability']:.3f})")
    if "reader_error" in resp:
        print(f"   reader error: {json.dumps(resp['reader_error'])[:300]}")
    passages = resp.get("passages") or []
    if not passages:
        print("   (no passages)")
    for rank, p in enumerate(passages, 1):
        text = " ".join(str(p.get("text", "")).split())
        if len(text) > width:
            text = text[:width - 1] + "…"
        print(f"   {rank}. {p.get('_id')}  passage {p.get('passage')}  score {p.get('score', 0):.4f}  "
              f"[{p.get('start')},{p.get('end')})")
        print(f"      {text}")
    print()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=int(os.environ.get("REALM_PORT", "9200")))
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("create")
    c.add_argument("index")
    c.add_argument("--source-field", default="text")
    c.add_argument("--model", default="all-minilm-l6-v2")
    c.add_argument("--replicas", type=int, default=0)
    h = sub.add_parser("health")
    h.add_argument("index")
    h.add_argument("--timeout", type=int, default=30)
    sub.add_parser("delete").add_argument("index")
    b = sub.add_parser("bulk")
    b.add_argument("index")
    b.add_argument("file")
    b.add_argument("--batch", type=int, default=8)
    sub.add_parser("refresh").add_argument("index")
    a = sub.add_parser("ask")
    a.add_argument("index")
    a.add_argument("questions", nargs="*")
    a.add_argument("--questions", dest="questions_file")
    a.add_argument("--k", type=int, default=3)
    a.add_argument("--width", type=int, default=200)
    e = sub.add_parser("expect-top")
    e.add_argument("index")
    e.add_argument("--query", required=True)
    e.add_argument("--doc", required=True)
    e.add_argument("--k", type=int, default=3)
    # parse_known_args: argparse leaves questions that follow an option (ask INDEX --k 2 "Q") unparsed.
    args, extra = ap.parse_known_args(argv)
    if extra:
        if args.cmd != "ask" or any(x.startswith("-") for x in extra):
            ap.error("unrecognized arguments: " + " ".join(extra))
        args.questions = list(args.questions) + extra

    client = Client(args.port)
    try:
        if args.cmd == "create":
            r = client.create_index(args.index, args.source_field, args.model, args.replicas)
            print(f"created {r.get('index')}: pipeline {r.get('pipeline')}, model {r.get('model')}, "
                  f"dimension {r.get('dimension')}, reader {r.get('reader') or 'none'}")
        elif args.cmd == "health":
            h = client.health(args.index, args.timeout)
            line = (f"index {args.index}: {h.get('status')}, {h.get('active_primary_shards')} primary shard(s), "
                    f"{h.get('active_shards', 0) - h.get('active_primary_shards', 0)} replica shard(s) active, "
                    f"{h.get('unassigned_shards')} unassigned")
            if h.get("status") != "green":
                raise RealmError(line + f" (not green after {args.timeout}s)")
            print(line)
        elif args.cmd == "delete":
            client.delete_index(args.index)
        elif args.cmd == "bulk":
            start = time.monotonic()
            n = client.bulk_jsonl(args.index, args.file, args.batch, print_progress)
            print(f"indexed {n} documents in {time.monotonic() - start:.1f}s")
        elif args.cmd == "refresh":
            client.refresh(args.index)
        elif args.cmd == "ask":
            questions = list(args.questions)
            if args.questions_file:
                with open(args.questions_file, encoding="utf-8") as f:
                    questions += [q.strip() for q in f if q.strip()]
            if not questions:
                ap.error("ask: give questions or --questions FILE")
            for q in questions:
                print_answer(q, client.realm(args.index, q, args.k), args.width)
        elif args.cmd == "expect-top":
            resp = client.realm(args.index, args.query, args.k)
            passages = resp.get("passages") or []
            if not passages:
                raise RealmError(f"no passages for {args.query!r}: {json.dumps(resp)[:400]}")
            for field in ("_id", "passage", "text", "start", "end", "score"):
                if field not in passages[0]:
                    raise RealmError(f"passage without {field!r}: {json.dumps(passages[0])[:400]}")
            top = passages[0]["_id"]
            if top != args.doc:
                raise RealmError(f"top passage for {args.query!r} is from {top!r}, expected {args.doc!r}: "
                                 f"{[(p['_id'], round(p['score'], 4)) for p in passages]}")
            print(f"ok: {len(passages)} passage(s), top {top} (score {passages[0]['score']:.4f}) for {args.query!r}")
    except RealmError as e:
        print(f"realmctl: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
