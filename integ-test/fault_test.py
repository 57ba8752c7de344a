#!/usr/bin/env python3
"""Fault tests against real nodes; integ-test/fault-test.sh runs this after assembling the distribution.

    fault_test.py [--http-port 9260] [--transport-port 9360] [--only models|restart|failover]

1. broken models, on one node started with operator models that are broken: a truncated file (its hash no longer
   matches) and a garbage file whose hash matches (the engine refuses it). Ingest and _realm with them fail with a
   clear error naming the model and the file, the log says why, the node stays up and other models work. A model
   that raises for some inputs (tiny-raise: "moon") fails those requests only; the next ones work.
2. restart: on the same node, a REALM index with a reader is asked, the node is stopped and started again: the
   index's encoder and reader are loaded and warmed up before any request, the same passages and answers come back,
   and new documents are embedded, with no manual step.
3. failover: three nodes, node-1 coordinates (no ml role), node-2 and node-3 read (ml role). Python clients with
   timeouts keep asking node-1 while the ML node that read last is killed (SIGKILL): no request hangs, none fails,
   and after the failover every read is done by the surviving ML node.

Each check prints "ok" or "FAILED"; the last line is "fault test: N passed, M failed" (exit 1 when M > 0).
"""

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

import loopback

IT_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(IT_DIR)
FIXTURES = os.path.join(REPO, "src", "test", "resources", "models")
BUILD = os.path.realpath(os.environ.get("REALM_BUILD_DIR") or os.path.join(IT_DIR, "build"))  # as lib.sh's BUILD_DIR
WORK = os.path.join(BUILD, "fault-test")
NODES = os.path.join(BUILD, "nodes")
NODE_LOG = "realm-it.log"  # the cluster name of node.sh

DOCS = {
    "mars": "Mars is the fourth planet from the Sun. Its red colour comes from iron oxide in its dust. Olympus Mons "
            "on Mars is the largest volcano in the Solar System, and the planet has two small moons, Phobos and Deimos.",
    "bread": "Bread dough rises because yeast ferments sugars into carbon dioxide, which the elastic gluten network "
             "traps as small bubbles. Baking sets the crumb and browns the crust.",
    "telephone": "Alexander Graham Bell received a patent for the telephone in March 1876 and spoke the first "
                 "sentence over it to his assistant Thomas Watson.",
}
QUESTIONS = ["Which planet has the largest volcano?", "Why does dough rise?", "Who patented the telephone?"]


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, what, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"  ok      {what}", flush=True)
        else:
            self.failed += 1
            print(f"  FAILED  {what}: {detail}", flush=True)
        return ok


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')} fault-test] {msg}", file=sys.stderr, flush=True)


def http(port, method, path, body=None, timeout=60, ndjson=False):
    """(status, parsed JSON or text); raises OSError (a timeout included) when there is no answer."""
    status, _, parsed = loopback.call(port, method, path, body, ndjson, timeout)
    return status, parsed


def reason(body):
    """Every reason in an OpenSearch error body, on one line."""
    if not isinstance(body, dict):
        return str(body)
    out, error = [], body.get("error")
    while isinstance(error, dict):
        out.append(str(error.get("reason")))
        error = error.get("caused_by")
    return " / ".join(out) if out else str(error)


def node_sh(*args):
    subprocess.run([os.path.join(IT_DIR, "node.sh"), *args], check=True)


# ---- broken models ----------------------------------------------------------------------------------------------------

def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def broken_copy(model_id, damage):
    """A copy of the tiny-onnx fixture as model `model_id`, its tiny.onnx damaged by `damage(path)`."""
    target = os.path.join(WORK, "models", model_id)
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(os.path.join(FIXTURES, "tiny-onnx"), target)
    descriptor_path = os.path.join(target, "model.json")
    with open(descriptor_path) as f:
        descriptor = json.load(f)
    descriptor["id"] = model_id
    damage(os.path.join(target, "tiny.onnx"), descriptor)
    with open(descriptor_path, "w") as f:
        json.dump(descriptor, f, indent=2)
    return target


def truncate(path, descriptor):
    with open(path, "rb") as f:
        data = f.read()
    with open(path, "wb") as f:
        f.write(data[: len(data) // 2])  # the hash in model.json no longer matches


def garbage_with_matching_hash(path, descriptor):
    with open(path, "wb") as f:
        f.write(random.Random(42).randbytes(4096))
    descriptor["sha256"]["tiny.onnx"] = sha256(path)  # passes the hash check: the engine must refuse it


def node_log(name):
    with open(os.path.join(NODES, name, "logs", NODE_LOG), encoding="utf-8", errors="replace") as f:
        return f.read()


def create_index(port, index, model, reader=None, replicas=0):
    body = {"model": model, "settings": {"number_of_shards": 1, "number_of_replicas": replicas}}
    if model.startswith("tiny-"):
        body.update(passage_tokens=24, overlap_tokens=4)  # the tiny fixtures take 32 tokens
    if reader:
        body["reader"] = reader
    return http(port, "PUT", f"/_plugins/_realm/indices/{index}", body)


def bulk(port, index, docs):
    lines = "".join(json.dumps({"index": {"_id": i}}) + "\n" + json.dumps({"text": t}) + "\n" for i, t in docs.items())
    return http(port, "POST", f"/{index}/_bulk?refresh=true", lines, ndjson=True)


def broken_models(c, port, name):
    log("broken models: a truncated file, a garbage file with a matching hash, a model that raises on 'moon'")
    expected = {
        "tiny-truncated": ["model [tiny-truncated]", "has sha256", "corrupt, truncated or was replaced"],
        "tiny-garbage": ["model [tiny-garbage]", "cannot load", "with OnnxRuntime"],
    }
    for model, fragments in expected.items():
        index = f"{model}-kb"
        status, body = create_index(port, index, model)
        c.check(f"{model}: index created (the model loads on first use)", status == 200, f"{status} {reason(body)}")
        status, body = http(port, "PUT", f"/{index}/_doc/1?refresh=true", {"text": "the cat sat on the mat"})
        print(f"    {model}: HTTP {status}: {reason(body)[:400]}", flush=True)
        c.check(f"{model}: a document is refused with 500 and a reason naming model and file",
                status == 500 and all(f in reason(body) for f in fragments), f"{status} {reason(body)}")
        status, body = http(port, "POST", f"/{index}/_realm", {"query": "cat"})
        c.check(f"{model}: _realm is refused with 500 and the same reason",
                status == 500 and all(f in reason(body) for f in fragments), f"{status} {reason(body)}")
        text = node_log(name)
        c.check(f"{model}: the node log says why", f"model [{model}] failed to load" in text and fragments[1] in text,
                "no 'failed to load' line with the cause in the node log")
    status, body = http(port, "GET", "/_cluster/health")
    c.check("the node is up and green after the broken models", status == 200 and body.get("status") == "green", body)

    status, body = create_index(port, "raise-kb", "tiny-raise")
    c.check("tiny-raise: index created", status == 200, f"{status} {reason(body)}")
    trigger = "tiny-raise: the input holds the trigger word piece"
    status, body = http(port, "PUT", "/raise-kb/_doc/cat?refresh=true", {"text": "the cat sat on the mat"})
    c.check("tiny-raise: a document without the trigger is indexed", status == 201, f"{status} {reason(body)}")
    status, body = http(port, "PUT", "/raise-kb/_doc/moon?refresh=true", {"text": "the moon and the sun"})
    c.check("tiny-raise: a document with the trigger fails with 500 and the model's message",
            status == 500 and trigger in reason(body) and "model [tiny-raise]" in reason(body), f"{status} {reason(body)}")
    status, body = http(port, "POST", "/raise-kb/_realm", {"query": "the moon"})
    print(f"    tiny-raise: HTTP {status}: {reason(body)[:400]}", flush=True)
    c.check("tiny-raise: a question with the trigger fails with 500 and the model's message",
            status == 500 and trigger in reason(body), f"{status} {reason(body)}")
    status, body = http(port, "POST", "/raise-kb/_realm", {"query": "a cat on a mat", "k": 3})
    ids = [p["_id"] for p in body.get("passages", [])] if status == 200 else None
    c.check("tiny-raise: the next question works", ids == ["cat"], f"{status} {ids or reason(body)}")
    status, body = http(port, "PUT", "/raise-kb/_doc/dog?refresh=true", {"text": "the dog ran in the park"})
    c.check("tiny-raise: the next document is indexed", status == 201, f"{status} {reason(body)}")


# ---- restart ----------------------------------------------------------------------------------------------------------

def ask(port, index, question, timeout=60):
    status, body = http(port, "POST", f"/{index}/_realm", {"query": question, "k": 3, "explain": True}, timeout=timeout)
    return status, body


def comparable(body):
    """What must survive a restart: passages (ids, offsets, text, scores) and answers."""
    passages = [(p["_id"], p["passage"], p["start"], p["end"], p["text"], round(p["score"], 4)) for p in body["passages"]]
    answers = [(a["text"], round(a["probability"], 4)) for a in body.get("answers", [])]
    return passages, answers


def loaded_models(port, wanted, timeout):
    """The models loaded on the node ({id: stats}), once those wanted are (or at the timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        status, body = http(port, "GET", "/_plugins/_realm/_local/stats")
        models = {}
        if status == 200:
            for node in body.get("nodes", {}).values():
                models.update({m["id"]: m for m in node.get("models", [])})
        if wanted <= set(models) or time.monotonic() > deadline:
            return models
        time.sleep(0.5)


def search_warm_up(port, timeout):
    """The node's stats once its search warm-up has run (no index warming, some searches done), or at the timeout."""
    deadline = time.monotonic() + timeout
    while True:
        status, body = http(port, "GET", "/_plugins/_realm/_local/stats")
        node = next(iter(body.get("nodes", {}).values()), {}) if status == 200 else {}
        warm = node.get("search_warm_up", {})
        done = warm.get("searches", 0) + warm.get("failures", 0)
        if (warm.get("indices_warming") == 0 and done > 0) or time.monotonic() > deadline:
            return node
        time.sleep(0.2)


def restart(c, port, name, start_args):
    log("restart: index, ask, stop the node, start it again, ask again")
    status, body = create_index(port, "restart-kb", "all-minilm-l6-v2", reader="tiny-qa-pick")
    c.check("restart: REALM index with a reader created", status == 200, f"{status} {reason(body)}")
    status, body = bulk(port, "restart-kb", DOCS)
    c.check("restart: documents indexed", status == 200 and body.get("errors") is False, f"{status} {body}")
    before = {}
    for q in QUESTIONS:
        status, body = ask(port, "restart-kb", q)
        before[q] = comparable(body) if status == 200 else (status, reason(body))
    c.check("restart: answers before the restart", all(isinstance(v[1], list) and v[1] for v in before.values()),
            before)

    node_sh("stop", "--name", name)
    node_sh("start", "--name", name, *start_args, "--wait")
    wanted = {"all-minilm-l6-v2", "tiny-qa-pick"}
    loaded = loaded_models(port, wanted, timeout=120)
    c.check("restart: the index's encoder and reader are loaded and warmed up before any request",
            wanted <= set(loaded) and all(loaded[m].get("warm_up_ms", -1) >= 0 for m in wanted), loaded)
    node = search_warm_up(port, timeout=120)
    warm = node.get("search_warm_up", {})
    # (the indices of the broken models of the first part fail their warm-up, logged: counted in "failures")
    c.check("restart: the node warmed up the search path of the indices it holds, without counting it as requests",
            warm.get("indices_warming") == 0 and warm.get("searches", 0) >= 12
            and node.get("requests", {}).get("search") == 0, warm | {"requests": node.get("requests")})
    for q in QUESTIONS:
        status, body = ask(port, "restart-kb", q)
        after = comparable(body) if status == 200 else (status, reason(body))
        c.check(f"restart: same passages and answers for {q!r}", after == before[q], f"before {before[q]}, after {after}")
    status, body = http(port, "PUT", "/restart-kb/_doc/moon?refresh=true",
                        {"text": "The Moon is Earth's only natural satellite and the fifth largest moon in the Solar System."})
    c.check("restart: a new document goes through the pipeline", status == 201, f"{status} {reason(body)}")
    status, body = ask(port, "restart-kb", "What is Earth's natural satellite?")
    top = body["passages"][0]["_id"] if status == 200 and body.get("passages") else (status, reason(body))
    c.check("restart: the new document is found", top == "moon", top)
    status, body = http(port, "POST", "/raise-kb/_realm", {"query": "a cat on a mat", "k": 3})
    c.check("restart: the operator model's index answers too", status == 200 and body["passages"][0]["_id"] == "cat",
            f"{status} {reason(body)}")


# ---- failover ---------------------------------------------------------------------------------------------------------

class Traffic:
    """Client threads asking one node in a loop, each request with a timeout, every outcome recorded."""

    def __init__(self, port, index, workers=4, timeout=20):
        self.port, self.index, self.timeout = port, index, timeout
        self.results = []  # (start, end, outcome, reader node or error)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(i,), daemon=True) for i in range(workers)]

    def run(self, worker):
        i = worker
        while not self.stop.is_set():
            q = QUESTIONS[i % len(QUESTIONS)]
            i += 1
            start = time.monotonic()
            try:
                status, body = ask(self.port, self.index, q, timeout=self.timeout)
                if status != 200:
                    outcome, detail = "error", f"{status} {reason(body)}"
                elif "reader_error" in body:
                    outcome, detail = "reader_error", reason({"error": body["reader_error"]})
                else:
                    outcome, detail = "ok", body["reader"]["node"]
                    if body["reader"]["attempts"] > 1:
                        outcome = "ok-retried"
            except (socket.timeout, TimeoutError):
                outcome, detail = "hung", f"no answer in {self.timeout}s"
            except Exception as e:  # connection refused or reset: a failure of the request
                outcome, detail = "error", repr(e)
            with self.lock:
                self.results.append((start, time.monotonic(), outcome, detail))

    def start(self):
        for t in self.threads:
            t.start()

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join(self.timeout + 5)
        return not any(t.is_alive() for t in self.threads)

    def last_reader(self):
        with self.lock:
            return next((d for _, _, o, d in reversed(self.results) if o.startswith("ok")), None)

    def count(self):
        with self.lock:
            return len(self.results)


def latency_ms(results):
    values = [(end - start) * 1000 for start, end, _, _ in results]
    return f"median {statistics.median(values):.0f} ms, max {max(values):.0f} ms" if values else "none"


def failover(c, http_port, transport_port):
    log("failover: three nodes, node-2 and node-3 read (ml role); the one reading is killed mid-traffic")
    roles = ["node-1=cluster_manager,data,ingest",
             "node-2=cluster_manager,data,ingest,ml",
             "node-3=cluster_manager,data,ingest,ml"]
    args = ["start", "--cluster-nodes", "3", "--clean", "--http-port", str(http_port), "--transport-port",
            str(transport_port), "--heap", "768m", "--model", os.path.join(FIXTURES, "tiny-qa-pick")]
    for r in roles:
        args += ["--roles", r]
    node_sh(*args, "--wait", "--timeout", "300")
    try:
        status, body = create_index(http_port, "failover-kb", "all-minilm-l6-v2", reader="tiny-qa-pick", replicas=2)
        c.check("failover: index with a copy on every node", status == 200, f"{status} {reason(body)}")
        http(http_port, "GET", "/_cluster/health/failover-kb?wait_for_status=green&timeout=60s", timeout=70)
        status, body = bulk(http_port, "failover-kb", DOCS)
        c.check("failover: documents indexed", status == 200 and body.get("errors") is False, f"{status} {body}")
        readers = set()
        for i in range(12):
            status, body = ask(http_port, "failover-kb", QUESTIONS[i % len(QUESTIONS)])
            if status == 200 and "reader" in body:
                readers.add(body["reader"]["node"])
        c.check("failover: both ML nodes read, the coordinator does not", readers == {"node-2", "node-3"}, readers)

        traffic = Traffic(http_port, "failover-kb")
        traffic.start()
        deadline = time.monotonic() + 60
        while traffic.count() < 20 and time.monotonic() < deadline:
            time.sleep(0.2)
        victim = traffic.last_reader()
        with open(os.path.join(NODES, victim, "opensearch.pid")) as f:
            pid = int(f.read().strip())
        killed_at = time.monotonic()
        os.kill(pid, signal.SIGKILL)  # a crash, not a clean shutdown: connections just drop
        log(f"killed {victim} (pid {pid}) after {traffic.count()} requests")
        survivor = ({"node-2", "node-3"} - {victim}).pop()
        time.sleep(10)
        c.check("failover: every client thread finished", traffic.finish(), "a client thread is still waiting")

        results = list(traffic.results)
        before = [r for r in results if r[0] < killed_at]
        after = [r for r in results if r[0] >= killed_at]
        in_flight = [r for r in results if r[0] < killed_at < r[1]]
        settled = [r for r in after if r[0] >= killed_at + 3]
        count = lambda rs, outcome: sum(1 for r in rs if r[2] == outcome)
        print(f"  figures: {len(before)} requests before the kill ({latency_ms(before)}), {len(after)} after "
              f"({latency_ms(after)}); {len(in_flight)} in flight at the kill, {count(results, 'ok-retried')} read "
              f"on a second node; {count(results, 'hung')} hung, {count(results, 'error')} failed, "
              f"{count(results, 'reader_error')} answered without reading; "
              f"reads from 3 s after the kill by {sorted({r[3] for r in settled if r[2].startswith('ok')})}", flush=True)
        c.check("failover: no request hung", count(results, "hung") == 0,
                [r[3] for r in results if r[2] == "hung"][:3])
        c.check("failover: no request failed", count(results, "error") == 0,
                [r[3] for r in results if r[2] == "error"][:3])
        c.check("failover: no read was lost (each was retried on the other ML node)",
                count(results, "reader_error") == 0, [r[3] for r in results if r[2] == "reader_error"][:3])
        c.check("failover: requests kept being answered after the kill", len(settled) >= 10, f"{len(settled)} requests")
        c.check(f"failover: after failover every read is done by {survivor}",
                all(r[3] == survivor for r in settled if r[2].startswith("ok")), {r[3] for r in settled})
        status, body = http(http_port, "GET", "/_cluster/health?wait_for_nodes=2&timeout=30s", timeout=40)
        c.check("failover: the two nodes left form the cluster, no data is missing",
                status == 200 and body.get("number_of_nodes") == 2 and body.get("status") in ("green", "yellow"), body)
    finally:
        node_sh("stop", "--cluster-nodes", "3")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--http-port", type=int, default=9260)
    parser.add_argument("--transport-port", type=int, default=9360)
    parser.add_argument("--only", choices=("models", "restart", "failover"))
    args = parser.parse_args()
    c = Checks()
    try:
        run(c, args)
    except Exception as e:  # a scenario that could not go on (e.g. a node that did not start) is a failure, not a crash
        c.check("the scenarios ran to their end", False, repr(e))
    print(f"fault test: {c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


def run(c, args):
    t0 = time.monotonic()
    name = "fault-single"
    if args.only in (None, "models", "restart"):
        os.makedirs(WORK, exist_ok=True)
        models = [os.path.join(FIXTURES, "tiny-qa-pick"), os.path.join(FIXTURES, "tiny-raise"),
                  broken_copy("tiny-truncated", truncate), broken_copy("tiny-garbage", garbage_with_matching_hash)]
        start_args = ["--http-port", str(args.http_port), "--transport-port", str(args.transport_port)]
        for m in models:
            start_args += ["--model", m]
        node_sh("start", "--name", name, "--clean", *start_args, "--wait")
        try:
            if args.only in (None, "models"):
                broken_models(c, args.http_port, name)
            if args.only in (None, "restart"):
                if args.only == "restart":
                    create_index(args.http_port, "raise-kb", "tiny-raise")
                    http(args.http_port, "PUT", "/raise-kb/_doc/cat?refresh=true", {"text": "the cat sat on the mat"})
                restart(c, args.http_port, name, start_args)
        finally:
            node_sh("stop", "--name", name)
    if args.only in (None, "failover"):
        failover(c, args.http_port, args.transport_port)
    log(f"done in {time.monotonic() - t0:.0f}s")


if __name__ == "__main__":
    sys.exit(main())
