#!/usr/bin/env python3
"""The node side of integ-test/bench.sh (Python standard library only). bench.sh runs the phases in order:

    bench.py questions --questions FILE --out DIR [--max 200] [--rounds R]
    bench.py ingest    --url URL --index I --corpus FILE.jsonl --out DIR [--model M] [--bulk-size 32] [--clients 2]
                       [--node-pid PID]
    bench.py latency   --url URL --index I --out DIR [--k 5]
    bench.py reading   --url URL --index I --out DIR [--k 5] [--clients 4] [--seconds 20]
    bench.py search    --url URL --index I --out DIR [--k 5]
    bench.py under-bulk --url URL --index I --corpus FILE.jsonl --out DIR [--k 5] [--bulk-clients 2]
    bench.py first-query --url URL --index I --out DIR [--k 5]
    bench.py report    --out DIR [--target 0.8] ...

Files in DIR: questions.jsonl (input of the bare query encode), query_vectors.jsonl (its output), ingest.json,
passages.jsonl (the stored passage texts, input of the bare passage encode), hot_threads.txt, bare.json,
latency.json, reading.json, search.json, under_bulk.json, first_query.json, and bench.json (the summary, written by `report`).
"""

import argparse
import json
import math
import os
import platform
import queue
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from realmctl import Client, RealmError, load_jsonl  # noqa: E402  (the harness's client, over loopback.py)

PASSAGES = "realm_passages"
PASSAGE_FIELDS = [f"{PASSAGES}.num", f"{PASSAGES}.text", f"{PASSAGES}.start", f"{PASSAGES}.end"]


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')} bench] {msg}", file=sys.stderr, flush=True)


def fmt_secs(s):
    s = int(round(s))
    return f"{s // 60}m{s % 60:02d}s" if s >= 60 else f"{s}s"


def percentile(values, p):
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    v = sorted(values)
    pos = (len(v) - 1) * p / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return v[lo] + (v[hi] - v[lo]) * (pos - lo)


def summary(values):
    if not values:
        return {"n": 0}
    return {"n": len(values), "p50": percentile(values, 50), "p90": percentile(values, 90),
            "p99": percentile(values, 99), "mean": sum(values) / len(values), "min": min(values), "max": max(values)}


def stage_medians(totals, timings):
    """Medians of the server's stages of _realm (its "timing": encode, search, read) and of the rest of the round trip."""
    out = {stage: percentile([t[stage] for t in timings if stage in t], 50) for stage in ("encode", "search", "read")}
    out = {stage: ms for stage, ms in out.items() if ms is not None}
    out["other"] = max(0.0, percentile(totals, 50) - sum(out.values()))
    return out


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def proc_cpu_secs(pid):
    """User + system CPU seconds of a local process (None if it cannot be read)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


class Progress:
    """Progress lines: at most every `every` seconds, plus the last one."""

    def __init__(self, what, total, unit, every=5.0):
        self.what, self.total, self.unit, self.every = what, total, unit, every
        self.start = self.last = time.monotonic()

    def update(self, done, force=False):
        now = time.monotonic()
        if not force and now - self.last < self.every:
            return
        self.last = now
        secs = now - self.start
        rate = done / secs if secs > 0 else 0.0
        left = f"~{fmt_secs((self.total - done) / rate)} left" if rate > 0 else "time left unknown"
        log(f"{self.what}: {done}/{self.total} {self.unit} ({100 * done // max(1, self.total)}%), {rate:.1f} {self.unit}/s, "
            f"elapsed {fmt_secs(secs)}, {left}")


# ---------------------------------------------------------------------------------------------------------------------
# questions

def load_questions(path, limit):
    if path.endswith(".json"):
        data = read_json(path)
        out = [qa["question"].strip() for article in data["data"] for p in article["paragraphs"] for qa in p["qas"]]
    else:
        with open(path, encoding="utf-8") as f:
            out = [line.strip() for line in f if line.strip() and not line.lstrip().startswith("#")]
    out = [q for q in out if q]
    return out[:limit] if limit else out


def bench_questions(out):
    """The questions `questions` wrote for the latency phases."""
    with open(os.path.join(out, "questions.jsonl"), encoding="utf-8") as f:
        return [json.loads(line)["q"] for line in f if line.strip()]


def cmd_questions(args):
    qs = load_questions(args.questions, args.max)
    if not qs:
        raise RealmError(f"no questions in {args.questions}")
    # Enough samples for a p99 that is not simply the maximum of ten: repeat short lists.
    rounds = args.rounds or max(1, math.ceil(args.min_samples / len(qs)))
    with open(os.path.join(args.out, "questions.jsonl"), "w", encoding="utf-8") as f:
        for q in qs:
            f.write(json.dumps({"q": q}) + "\n")
    write_json(os.path.join(args.out, "questions.json"), {"file": os.path.abspath(args.questions), "questions": len(qs),
                                                          "rounds": rounds})
    print(rounds)


# ---------------------------------------------------------------------------------------------------------------------
# ingest

def bulk_body(index, docs):
    lines = []
    for doc in docs:
        lines.append(json.dumps({"index": {"_index": index, "_id": str(doc["id"])}}))
        lines.append(json.dumps({k: v for k, v in doc.items() if k != "id"}))
    return "\n".join(lines) + "\n"


def check_bulk(resp, n):
    if resp.get("errors"):
        failed = [it for it in resp["items"] if "error" in next(iter(it.values()))]
        first = next(iter(failed[0].values()))
        raise RealmError(f"bulk: {len(failed)} of {n} documents failed; first ({first.get('_id')}): "
                         f"{json.dumps(first['error'])[:600]}")


def create_realm_index(http, index, model, source_field="text"):
    http.request("DELETE", f"/{index}", ok=(200, 404))
    http.request("DELETE", f"/_ingest/pipeline/realm-{index}", ok=(200, 404))
    return http.request("PUT", f"/_plugins/_realm/indices/{index}",
                        {"source_field": source_field, "model": model,
                         "settings": {"number_of_shards": 1, "number_of_replicas": 0}})


def node_stats(http):
    s = http.request("GET", "/_nodes/_local/stats/ingest,thread_pool,indices,process,jvm")
    node = next(iter(s["nodes"].values()))
    return node


def stats_delta(before, after, index):
    """What the node spent during ingest: per-processor ingest time, indexing time, thread pools, GC."""
    out = {}
    pipe = f"realm-{index}"
    try:
        pb = before["ingest"]["pipelines"].get(pipe, {})
        pa = after["ingest"]["pipelines"][pipe]
        out["pipeline_time_ms"] = pa["time_in_millis"] - pb.get("time_in_millis", 0)
        out["pipeline_docs"] = pa["count"] - pb.get("count", 0)
        procs = {}
        for i, p in enumerate(pa.get("processors", [])):
            name, st = next(iter(p.items()))
            prev = (pb.get("processors") or [{}] * (i + 1))[i] if pb.get("processors") else {}
            prev_st = next(iter(prev.values()))["stats"] if prev else {}
            procs[name] = {"count": st["stats"]["count"] - prev_st.get("count", 0),
                           "time_ms": st["stats"]["time_in_millis"] - prev_st.get("time_in_millis", 0)}
        out["processors"] = procs
    except (KeyError, StopIteration, TypeError):
        pass
    try:
        ib, ia = before["indices"]["indexing"], after["indices"]["indexing"]
        out["indexing_time_ms"] = ia["index_time_in_millis"] - ib["index_time_in_millis"]
        out["indexed_lucene_ops"] = ia["index_total"] - ib["index_total"]
        rb, ra = before["indices"]["refresh"], after["indices"]["refresh"]
        out["refresh_time_ms"] = ra["total_time_in_millis"] - rb["total_time_in_millis"]
        mb, ma = before["indices"]["merges"], after["indices"]["merges"]
        out["merge_time_ms"] = ma["total_time_in_millis"] - mb["total_time_in_millis"]
        fb, fa = before["indices"]["flush"], after["indices"]["flush"]
        out["flush_time_ms"] = fa["total_time_in_millis"] - fb["total_time_in_millis"]
    except KeyError:
        pass
    try:
        out["process_cpu_ms"] = after["process"]["cpu"]["total_in_millis"] - before["process"]["cpu"]["total_in_millis"]
    except KeyError:
        pass
    try:
        gc = {}
        for name, c in after["jvm"]["gc"]["collectors"].items():
            b = before["jvm"]["gc"]["collectors"][name]
            gc[name] = {"count": c["collection_count"] - b["collection_count"],
                        "time_ms": c["collection_time_in_millis"] - b["collection_time_in_millis"]}
        out["gc"] = gc
    except KeyError:
        pass
    pools = {}
    for name in ("realm_inference", "write", "refresh", "flush", "merge"):
        a, b = after["thread_pool"].get(name), before["thread_pool"].get(name, {})
        if a:
            pools[name] = {"completed": a["completed"] - b.get("completed", 0), "largest": a["largest"],
                           "rejected": a["rejected"] - b.get("rejected", 0)}
    out["thread_pools"] = pools
    return out


def inference_config(http):
    """The node's realm_inference pool size, batch size and intra-op threads, so the bare run copies them."""
    cfg = {"threads": None, "batch": 32, "intra_op": 1}
    try:
        rows = http.request("GET", "/_cat/thread_pool/realm_inference?format=json&h=name,type,size")
        sizes = [int(r["size"]) for r in rows if r.get("size") not in (None, "")]
        cfg["threads"] = sizes[0] if sizes else None
    except (RealmError, ValueError, KeyError):
        pass
    try:
        s = http.request("GET", "/_cluster/settings?include_defaults=true&flat_settings=true")
        merged = {}
        for part in ("defaults", "persistent", "transient"):
            merged.update(s.get(part, {}))
        cfg["batch"] = int(merged.get("plugins.realm.model.max_batch_size", 1))
        cfg["intra_op"] = int(merged.get("plugins.realm.model.intra_op_threads", 1))
    except (RealmError, ValueError):
        pass
    return cfg


def hot_threads(http, label, out_path, interval="1s"):
    try:
        text = http.request("GET", f"/_nodes/_local/hot_threads?threads=6&interval={interval}&snapshots=10&ignore_idle_threads=true")
    except RealmError as e:
        text = f"(hot threads failed: {e})"
    with open(out_path, "a", encoding="utf-8") as f:
        f.write(f"==== {label} ({time.strftime('%H:%M:%S')}) ====\n{text}\n")


def bulk_all(args, http, index, docs, hot_path=None):
    """_bulk the documents into the index, args.clients requests at a time of args.bulk_size each: the wall time from
    the first request sent to the last answered, the node's CPU seconds over it (args.node_pid), each request's
    timings; hot threads sampled at 30% and 70% into hot_path when given."""
    chunks = [docs[i:i + args.bulk_size] for i in range(0, len(docs), args.bulk_size)]
    work = queue.Queue()
    for i, c in enumerate(chunks):
        work.put((i, c))
    results, errors, lock = [], [], threading.Lock()
    done_docs = [0]

    def worker():
        conn = Client(args.url)
        try:
            while not errors:
                try:
                    i, chunk = work.get_nowait()
                except queue.Empty:
                    return
                body = bulk_body(index, chunk)
                t0 = time.monotonic()
                resp = conn.request("POST", "/_bulk", body, ndjson=True)
                t1 = time.monotonic()
                check_bulk(resp, len(chunk))
                with lock:
                    results.append({"i": i, "docs": len(chunk), "sent": t0, "done": t1, "took": resp.get("took"),
                                    "ingest_took": resp.get("ingest_took")})
                    done_docs[0] += len(chunk)
        except Exception as e:  # noqa: BLE001  reported by the main thread
            errors.append(e)
        finally:
            conn.close()

    cpu0 = proc_cpu_secs(args.node_pid) if args.node_pid else None
    load0 = os.getloadavg()
    hot_marks = [0.3, 0.7] if hot_path and len(chunks) >= 10 else []
    prog = Progress(index, len(docs), "docs")
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(min(args.clients, len(chunks)))]
    for th in threads:
        th.start()
    while any(th.is_alive() for th in threads):
        time.sleep(0.2)
        with lock:
            done = done_docs[0]
        prog.update(done)
        if hot_marks and done >= hot_marks[0] * len(docs) and not errors:
            mark = hot_marks.pop(0)
            log(f"sampling hot threads at {int(mark * 100)}% (1s) -> {hot_path}")
            hot_threads(http, f"ingest at {int(mark * 100)}%", hot_path)
    for th in threads:
        th.join()
    if errors:
        raise errors[0]
    wall = max(r["done"] for r in results) - min(r["sent"] for r in results)
    cpu1 = proc_cpu_secs(args.node_pid) if args.node_pid else None
    prog.update(len(docs), force=True)
    return {"wall_s": wall, "node_cpu_s": (cpu1 - cpu0) if cpu0 is not None and cpu1 is not None else None,
            "requests": len(chunks), "loadavg_before": load0, "loadavg_after": os.getloadavg(), "results": results}


def cmd_ingest(args):
    http = Client(args.url)
    docs = load_jsonl(args.corpus)
    if not docs:
        raise RealmError(f"no documents in {args.corpus}")
    position = {str(d["id"]): i for i, d in enumerate(docs)}
    if len(position) != len(docs):
        raise RealmError(f"{args.corpus}: duplicate ids")
    index, warm_index = args.index, args.index + "-warmup"
    hot_path = os.path.join(args.out, "hot_threads.txt")
    if os.path.exists(hot_path):
        os.remove(hot_path)

    log(f"creating REALM index {index} (model {args.model})")
    created = create_realm_index(http, index, args.model)
    cfg = inference_config(http)
    log(f"node inference: {cfg['threads']} thread(s), batches of {cfg['batch']}, {cfg['intra_op']} intra-op thread(s)")

    # Warm-up: the whole corpus through a throwaway index of the same model, timed apart as the cold figures. A fresh
    # JVM spends CPU JIT-compiling the bulk, ingest and indexing path for the first few thousand documents (C2 alone
    # took ~9 CPU-s of a ~90 CPU-s first ingest here, ~5 s of a second one): the timed run then measures the node
    # warm, as the bare encoder is measured after its own warm-up batches.
    create_realm_index(http, warm_index, args.model)
    warm_docs = docs[:args.warm_up_docs] if args.warm_up_docs > 0 else docs
    log(f"warm-up: {len(warm_docs)} documents through a throwaway index {warm_index}")
    cold = bulk_all(args, http, warm_index, warm_docs)
    http.request("POST", f"/{warm_index}/_refresh")
    cold["documents"] = http.request("GET", f"/{warm_index}/_count")["count"]
    cold["passages"] = http.request("GET", f"/{warm_index}/_stats/docs")["_all"]["primaries"]["docs"]["count"] - cold["documents"]
    http.request("DELETE", f"/{warm_index}")
    http.request("DELETE", f"/_ingest/pipeline/realm-{warm_index}", ok=(200, 404))
    cold["passages_per_s"] = cold["passages"] / cold["wall_s"]
    log(f"warm-up: {cold['documents']} docs, {cold['passages']} passages in {cold['wall_s']:.1f}s = "
        f"{cold['passages_per_s']:.1f} passages/s" + (f", {cold['node_cpu_s']:.1f} CPU-s" if cold["node_cpu_s"] else ""))

    before = node_stats(http)
    log(f"ingest: {len(docs)} documents in {-(-len(docs) // args.bulk_size)} _bulk requests of {args.bulk_size}, {args.clients} concurrent")
    timed = bulk_all(args, http, index, docs, hot_path)
    after = node_stats(http)
    results, wall, node_cpu = timed["results"], timed["wall_s"], timed["node_cpu_s"]

    t = time.monotonic()
    http.request("POST", f"/{index}/_refresh")
    refresh_s = time.monotonic() - t

    # Export the passages exactly as stored, in corpus order of their documents, with the bulk request they went in.
    log("exporting the stored passage texts")
    by_doc = {}
    resp = http.request("POST", f"/{index}/_search?scroll=2m",
                        {"size": 500, "sort": ["_doc"], "_source": [f"{PASSAGES}.text"], "query": {"match_all": {}}})
    while True:
        hits = resp["hits"]["hits"]
        if not hits:
            break
        for h in hits:
            by_doc[h["_id"]] = [p["text"] for p in (h.get("_source") or {}).get(PASSAGES) or []]
        resp = http.request("POST", "/_search/scroll", {"scroll": "2m", "scroll_id": resp["_scroll_id"]})
    if resp.get("_scroll_id"):
        http.request("DELETE", "/_search/scroll", {"scroll_id": resp["_scroll_id"]}, ok=(200, 404))
    missing = [i for i in position if i not in by_doc]
    if missing:
        raise RealmError(f"{len(missing)} documents are not in {index} after the refresh, e.g. {missing[:3]}")
    n_passages = 0
    with open(os.path.join(args.out, "passages.jsonl"), "w", encoding="utf-8") as f:
        for doc in docs:
            g = position[str(doc["id"])] // args.bulk_size
            for text in by_doc[str(doc["id"])]:
                f.write(json.dumps({"g": g, "text": text}) + "\n")
                n_passages += 1
    # Cross-check: Lucene docs of the index = documents + nested passages.
    st = http.request("GET", f"/{index}/_stats/docs")
    lucene_docs = st["_all"]["primaries"]["docs"]["count"]
    count = http.request("GET", f"/{index}/_count")["count"]
    if lucene_docs - count != n_passages or count != len(docs):
        log(f"WARNING: counts disagree: _count {count}, Lucene docs {lucene_docs}, exported passages {n_passages}")

    if node_cpu is None and "process_cpu_ms" in stats_delta(before, after, index):
        node_cpu = stats_delta(before, after, index)["process_cpu_ms"] / 1000  # a node we did not start: its own stats
    took = [r["took"] for r in results if r["took"] is not None]
    ingest_took = [r["ingest_took"] for r in results if r["ingest_took"] is not None]
    out = {
        "index": index, "model": args.model, "dimension": created.get("dimension"),
        "corpus": os.path.abspath(args.corpus), "documents": len(docs), "passages": n_passages,
        "passages_per_document": n_passages / len(docs),
        "lucene_docs": lucene_docs, "bulk_size": args.bulk_size, "clients": args.clients, "requests": timed["requests"],
        "wall_s": wall, "docs_per_s": len(docs) / wall, "passages_per_s": n_passages / wall,
        "refresh_s": refresh_s,
        "request_ms": summary([1000 * (r["done"] - r["sent"]) for r in results]),
        "bulk_took_ms_sum": sum(took), "bulk_ingest_took_ms_sum": sum(ingest_took),
        "node_cpu_s": node_cpu, "node_cores_busy": node_cpu / wall if node_cpu is not None else None,
        "loadavg_before": timed["loadavg_before"], "loadavg_after": timed["loadavg_after"],
        "inference": cfg,
        "cold": {k: v for k, v in cold.items() if k != "results"},
        "node_stats": stats_delta(before, after, index),
        "hot_threads": hot_path if os.path.exists(hot_path) else None,
    }
    write_json(os.path.join(args.out, "ingest.json"), out)
    log(f"ingest: {len(docs)} docs, {n_passages} passages in {wall:.1f}s = {out['docs_per_s']:.1f} docs/s, "
        f"{out['passages_per_s']:.1f} passages/s" + (f", node busy {out['node_cores_busy']:.2f} cores" if node_cpu else ""))


# ---------------------------------------------------------------------------------------------------------------------
# latency

def knn_body(vector, k):
    """The search the plugin's Retriever sends for a query vector (see retrieve/Retriever.java)."""
    return {
        "size": k, "_source": False, "track_total_hits": False,
        "query": {"nested": {
            "path": PASSAGES, "score_mode": "max",
            "query": {"knn": {f"{PASSAGES}.vector": {"vector": vector, "k": k, "expand_nested_docs": True}}},
            "inner_hits": {"size": k, "_source": {"includes": PASSAGE_FIELDS}},
        }},
    }


def knn_top(resp, k):
    """Top k (doc id, passage number) across documents, as the Retriever ranks them."""
    found = []
    for hit in resp["hits"]["hits"]:
        for p in hit.get("inner_hits", {}).get(PASSAGES, {}).get("hits", {}).get("hits", []):
            found.append((p["_score"], hit["_id"], p["_source"]["num"]))
    found.sort(key=lambda x: -x[0])
    return [(d, n) for _, d, n in found[:k]]


def cmd_latency(args):
    http = Client(args.url)
    qs = bench_questions(args.out)
    vecs = [json.loads(line) for line in open(os.path.join(args.out, "query_vectors.jsonl"), encoding="utf-8") if line.strip()]
    if len(vecs) != len(qs):
        raise RealmError(f"{len(qs)} questions but {len(vecs)} query vectors")
    rounds = len(vecs[0]["ms"])
    k, index = args.k, args.index

    def realm(i):  # retrieval only, and dense as the raw k-NN it is compared with
        t0 = time.perf_counter()
        r = http.request("POST", f"/{index}/_realm", {"query": qs[i], "k": k, "read": False, "retrieval": "dense"})
        return 1000 * (time.perf_counter() - t0), r

    def knn(i):
        body = json.dumps(knn_body(vecs[i]["vector"], k))  # serialised outside the timed part, like the vector
        t0 = time.perf_counter()
        r = http.request("POST", f"/{index}/_search", body)
        return 1000 * (time.perf_counter() - t0), r

    warm = min(5, len(qs))
    log(f"latency warm-up: {warm} _realm and {warm} k-NN requests")
    for i in range(warm):
        realm(i)
        knn(i)

    realm_ms, knn_ms, baseline_ms, took, enc, srch = [], [], [], [], [], []
    same_top1 = same_topk = compared = 0
    total = rounds * len(qs)
    prog = Progress("latency", total, "questions")
    n = 0
    for r in range(rounds):
        for i in range(len(qs)):
            # alternate which request goes first, so neither always finds the other's caches warm
            if (i + r) % 2 == 0:
                rm, rr = realm(i)
                km, kr = knn(i)
            else:
                km, kr = knn(i)
                rm, rr = realm(i)
            realm_ms.append(rm)
            knn_ms.append(km)
            baseline_ms.append(vecs[i]["ms"][r] + km)
            if rr.get("took") is not None:
                took.append(rr["took"])
            timing = rr.get("timing") or {}
            if "encode" in timing:
                enc.append(timing["encode"])
            if "search" in timing:
                srch.append(timing["search"])
            a = [(p["_id"], p["passage"]) for p in rr.get("passages", [])]
            b = knn_top(kr, k)
            compared += 1
            same_top1 += bool(a and b and a[0] == b[0])
            same_topk += set(a) == set(b)
            n += 1
            prog.update(n)
    prog.update(n, force=True)
    encode_ms = [v["ms"][r] for r in range(rounds) for v in vecs]
    out = {
        "index": index, "k": k, "questions": len(qs), "rounds": rounds, "samples": len(realm_ms),
        "realm_ms": summary(realm_ms), "knn_ms": summary(knn_ms), "bare_encode_ms": summary(encode_ms),
        "baseline_ms": summary(baseline_ms),
        "realm_server_took_ms": summary(took), "realm_server_encode_ms": summary(enc), "realm_server_search_ms": summary(srch),
        "stages_ms": stage_medians(realm_ms, [{"encode": e, "search": s} for e, s in zip(enc, srch)]),
        "same_top1_as_raw_knn": same_top1 / compared, "same_topk_set_as_raw_knn": same_topk / compared,
        "loadavg": os.getloadavg(),
    }
    write_json(os.path.join(args.out, "latency.json"), out)
    log(f"latency: _realm p50 {out['realm_ms']['p50']:.1f} ms p99 {out['realm_ms']['p99']:.1f} ms; baseline p50 "
        f"{out['baseline_ms']['p50']:.1f} ms p99 {out['baseline_ms']['p99']:.1f} ms")


def require_read(answered, what, response):
    """Fails the bench when a request that should have read passages did not (its answers, or its no_answer)."""
    if "answers" not in answered and "no_answer" not in answered:
        raise RealmError(f"{what} did not read: {str(response)[:300]}")


def cmd_reading(args):
    """Reading _realm as the index answers (its retrieval, reader and read mass; k=args.k): 1 client, then 4 clients."""
    qs = bench_questions(args.out)

    def ask(client, q, timings=None):
        t0 = time.perf_counter()
        r = client.request("POST", f"/{args.index}/_realm", {"query": q, "k": args.k})
        require_read(r, f"_realm on {args.index}", r)
        if timings is not None:
            timings.append(r.get("timing") or {})
        return 1000 * (time.perf_counter() - t0)

    http = Client(args.url)
    for q in qs[:5]:
        ask(http, q)  # warm
    n = max(args.min_samples, len(qs))
    timings = []
    one = [ask(http, qs[i % len(qs)], timings) for i in range(n)]
    lock, many, stop = threading.Lock(), [], time.perf_counter() + args.seconds

    def client_loop(worker):
        client, i = Client(args.url), worker
        while time.perf_counter() < stop:
            ms = ask(client, qs[i % len(qs)])
            i += args.clients
            with lock:
                many.append(ms)

    threads = [threading.Thread(target=client_loop, args=(w,), daemon=True) for w in range(args.clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    out = {"k": args.k, "one_client_ms": summary(one), "one_client_stages_ms": stage_medians(one, timings),
           "clients": args.clients, "many_clients_ms": summary(many),
           "many_clients_qps": len(many) / wall, "loadavg": os.getloadavg()}
    write_json(os.path.join(args.out, "reading.json"), out)
    log(f"reading _realm: 1 client p50 {out['one_client_ms']['p50']:.0f} ms p99 {out['one_client_ms']['p99']:.0f} ms; "
        f"{args.clients} clients {out['many_clients_qps']:.1f}/s p99 {out['many_clients_ms']['p99']:.0f} ms")


SEARCH_PIPELINE = "realm-bench-answers"


def cmd_search(args):
    """Reading through _search (the realm query and the realm_answers processor) against reading _realm, 1 client:
    the two alternate on the same questions, each first in every other pair, so that both see the same machine."""
    qs = bench_questions(args.out)
    http = Client(args.url)
    http.request("PUT", f"/_search/pipeline/{SEARCH_PIPELINE}",
                 {"response_processors": [{"realm_answers": {"k": args.k}}]})

    def realm(q):
        t0 = time.perf_counter()
        r = http.request("POST", f"/{args.index}/_realm", {"query": q, "k": args.k})
        require_read(r, f"_realm on {args.index}", r)
        return 1000 * (time.perf_counter() - t0)

    def search(q):
        t0 = time.perf_counter()
        r = http.request("POST", f"/{args.index}/_search?search_pipeline={SEARCH_PIPELINE}",
                         {"size": args.k, "query": {"realm": {"query": q, "k": args.k}}})
        require_read(r.get("ext", {}).get("realm", {}), f"_search on {args.index}", r)
        return 1000 * (time.perf_counter() - t0)

    try:
        # Both paths JIT-warm before the timed pairs: the reading phase before this one warmed _realm's path, not the
        # realm query's rewrite, the search pipeline and the processor (with 5 pairs of warm-up the same node measured
        # 1.095x over its first 150 pairs and 1.00x over the next 150)
        for i in range(args.warm_up):
            realm(qs[i % len(qs)]), search(qs[i % len(qs)])
        n = max(args.min_samples, len(qs))
        realm_ms, search_ms = [], []
        for i in range(n):
            q = qs[i % len(qs)]
            if i % 2:
                search_ms.append(search(q)), realm_ms.append(realm(q))
            else:
                realm_ms.append(realm(q)), search_ms.append(search(q))
    finally:
        http.request("DELETE", f"/_search/pipeline/{SEARCH_PIPELINE}", ok=(200, 404))
    out = {"k": args.k, "warm_up_pairs": args.warm_up, "realm_ms": summary(realm_ms), "search_ms": summary(search_ms),
           "search_vs_realm_p50": percentile(search_ms, 50) / percentile(realm_ms, 50), "loadavg": os.getloadavg()}
    write_json(os.path.join(args.out, "search.json"), out)
    log(f"reading through _search: p50 {out['search_ms']['p50']:.0f} ms against _realm {out['realm_ms']['p50']:.0f} ms "
        f"(x{out['search_vs_realm_p50']:.2f})")


def cmd_under_bulk(args):
    """Reading _realm (k=args.k, 1 client) idle, then while _bulk clients index the corpus into another REALM index."""
    qs = bench_questions(args.out)
    qs = qs[:args.questions]
    docs = load_jsonl(args.corpus)
    bulk_index = f"{args.index}-bulk"
    http = Client(args.url)
    create_realm_index(http, bulk_index, args.model)

    def ask_all(timings=None):
        ms = []
        for q in qs:
            t0 = time.perf_counter()
            r = http.request("POST", f"/{args.index}/_realm", {"query": q, "k": args.k})
            ms.append(1000 * (time.perf_counter() - t0))
            if timings is not None:
                timings.append(r.get("timing") or {})
        return ms

    ask_all()  # warm
    idle_timings, busy_timings = [], []
    idle = ask_all(idle_timings)
    stop = threading.Event()
    bulked = [0] * args.bulk_clients

    def bulk_loop(worker):
        client, i = Client(args.url), worker * args.bulk_size
        while not stop.is_set():
            batch = [dict(docs[(i + j) % len(docs)], id=f"b{worker}-{i + j}") for j in range(args.bulk_size)]
            i += args.bulk_size * args.bulk_clients
            check_bulk(client.request("POST", "/_bulk", bulk_body(bulk_index, batch), ndjson=True), len(batch))
            bulked[worker] += len(batch)

    threads = [threading.Thread(target=bulk_loop, args=(w,), daemon=True) for w in range(args.bulk_clients)]
    for t in threads:
        t.start()
    time.sleep(3)  # the bulk clients' first requests are embedding
    busy = ask_all(busy_timings)
    stop.set()
    for t in threads:
        t.join()
    http.request("DELETE", f"/{bulk_index}", ok=(200, 404))
    out = {
        "k": args.k, "questions": len(qs), "bulk_clients": args.bulk_clients, "bulk_size": args.bulk_size,
        "documents_bulked": sum(bulked), "idle_ms": summary(idle), "under_bulk_ms": summary(busy),
        "under_bulk_ratio": percentile(busy, 50) / percentile(idle, 50),
        "idle_stages_ms": stage_medians(idle, idle_timings), "under_bulk_stages_ms": stage_medians(busy, busy_timings),
    }
    write_json(os.path.join(args.out, "under_bulk.json"), out)
    log(f"reading _realm p50 idle {out['idle_ms']['p50']:.0f} ms, under {args.bulk_clients} _bulk clients "
        f"{out['under_bulk_ms']['p50']:.0f} ms ({out['under_bulk_ratio']:.2f}x; {sum(bulked)} documents bulked)")


def index_models(http, index):
    """The encoder and reader an index names."""
    settings = http.request("GET", f"/{index}/_settings")[index]["settings"]["index"].get("realm", {})
    return {m for m in (settings.get("model"), settings.get("reader")) if m}


def search_warm_up(http):
    """The node's search warm-up counters (None from a plugin without one)."""
    stats = http.request("GET", "/_plugins/_realm/_local/stats")
    return next(iter(stats["nodes"].values())).get("search_warm_up")


def loaded_models(http):
    stats = http.request("GET", "/_plugins/_realm/_local/stats")
    return {m["id"] for node in stats["nodes"].values() for m in node.get("models", [])}


def cmd_first_query(args):
    """
    The first _realm after a node (re)start against warm ones right after it. It is sent once the index is searchable,
    the node has preloaded the index's models (models_ready_ms: how long that took after the index was searchable;
    a request sent sooner waits for the loads in progress) and run its own search warm-up (search_warmed_up_ms; a
    request sent sooner runs beside it).
    """
    http = Client(args.url)
    qs = bench_questions(args.out)
    http.request("GET", f"/_cluster/health/{args.index}?wait_for_status=yellow&timeout=120s")
    searchable = time.perf_counter()
    wanted = index_models(http, args.index)
    while not wanted <= loaded_models(http) and time.perf_counter() - searchable < 120:
        time.sleep(0.05)
    models_ready_ms = 1000 * (time.perf_counter() - searchable)
    while time.perf_counter() - searchable < 120:
        warm = search_warm_up(http)
        if warm is None or (warm.get("indices_warming") == 0 and warm.get("searches", 0) + warm.get("failures", 0) > 0):
            break
        time.sleep(0.05)
    warmed_up_ms = 1000 * (time.perf_counter() - searchable)

    def realm(q):
        t0 = time.perf_counter()
        r = http.request("POST", f"/{args.index}/_realm", {"query": q, "k": args.k})
        return 1000 * (time.perf_counter() - t0), r

    first_ms, first = realm(qs[0])
    warm = [realm(qs[i % len(qs)])[0] for i in range(1, args.warm + 1)]
    out = {
        "models_ready_ms": models_ready_ms, "search_warmed_up_ms": warmed_up_ms, "search_warm_up": search_warm_up(http),
        "first_query_ms": first_ms, "first_query_timing": first.get("timing"),
        "first_query_read": "answers" in first or "no_answer" in first,
        "warm_ms": summary(warm), "first_query_ratio": first_ms / percentile(warm, 50),
        "first_query_stages_ms": stage_medians([first_ms], [first.get("timing") or {}]),
    }
    write_json(os.path.join(args.out, "first_query.json"), out)
    log(f"first query after the restart ({models_ready_ms:.0f} ms after the index was searchable, its models then "
        f"preloaded; the node's search warm-up done at {warmed_up_ms:.0f} ms): {first_ms:.0f} ms (timing {first.get('timing')}); the next {len(warm)}: "
        f"p50 {out['warm_ms']['p50']:.0f} ms; ratio {out['first_query_ratio']:.2f}")


# ---------------------------------------------------------------------------------------------------------------------
# report

def git_state():
    """Commit of the checkout the benchmark ran from, and whether it had uncommitted changes."""
    import subprocess
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        head = subprocess.run(["git", "-C", repo, "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10)
        dirty = subprocess.run(["git", "-C", repo, "status", "--porcelain"], capture_output=True, text=True, timeout=30)
        return {"commit": head.stdout.strip() or None, "dirty": bool(dirty.stdout.strip())}
    except (OSError, subprocess.SubprocessError):
        return None


def cpu_rate(n, cpu_s):
    return n / cpu_s if cpu_s else None


def machine_info():
    info = {"nproc": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()}
    try:
        info["nproc_available"] = len(os.sched_getaffinity(0))
    except AttributeError:
        pass
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu_model"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            info["mem_total_gb"] = round(int(f.readline().split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    info["loadavg"] = os.getloadavg()
    return info


def cmd_report(args):
    d = args.out
    ingest, bare, lat = read_json(f"{d}/ingest.json"), read_json(f"{d}/bare.json"), read_json(f"{d}/latency.json")
    qinfo = read_json(f"{d}/questions.json")
    bare_pps = bare["global"]["passages_per_s"]
    bare_grouped = bare["grouped"]["passages_per_s"]
    ratio = ingest["passages_per_s"] / bare_pps
    r, b, kn, e = lat["realm_ms"], lat["baseline_ms"], lat["knn_ms"], lat["bare_encode_ms"]
    res = {
        "ingest_docs_per_s": ingest["docs_per_s"],
        "ingest_passages_per_s": ingest["passages_per_s"],
        "bare_passages_per_s": bare_pps,
        "bare_grouped_passages_per_s": bare_grouped,
        "ingest_ratio": ratio,
        "ingest_ratio_vs_grouped": ingest["passages_per_s"] / bare_grouped,
        "ingest_target_ratio": args.target,
        "ingest_pass": ratio >= args.target,
        "realm_p50_ms": r["p50"], "realm_p99_ms": r["p99"],
        "baseline_p50_ms": b["p50"], "baseline_p99_ms": b["p99"],
        "bare_encode_p50_ms": e["p50"], "knn_p50_ms": kn["p50"], "knn_p99_ms": kn["p99"],
        "realm_overhead_p50_ms": r["p50"] - b["p50"],
        "realm_server_took_p50_ms": lat["realm_server_took_ms"].get("p50"),
        # CPU time per passage is far less sensitive than wall time to other work on the machine: when the machine is
        # shared, compare these too.
        "ingest_node_cores_busy": ingest.get("node_cores_busy"),
        "bare_cores_busy": bare["global"].get("cores_used"),
        "ingest_passages_per_cpu_s": cpu_rate(ingest["passages"], ingest.get("node_cpu_s")),
        "bare_passages_per_cpu_s": bare["global"].get("passages_per_cpu_s"),
        "model": ingest["model"],
        "corpus": ingest["corpus"], "documents": ingest["documents"], "passages": ingest["passages"],
        "questions_file": qinfo["file"], "questions": lat["questions"], "latency_rounds": lat["rounds"],
        "latency_samples": lat["samples"], "k": lat["k"],
        "bulk_size": ingest["bulk_size"], "clients": ingest["clients"],
        "inference_threads": bare["threads"], "batch_size": bare["batch"], "intra_op_threads": bare["intra_op_threads"],
        "node_url": args.url, "node_started_by_bench": args.started_node,
        "machine": machine_info(),
        "plugin_zip": args.plugin_zip, "git": git_state(),
        "ingest": ingest, "bare": bare, "latency": lat,
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    reading = read_json(f"{d}/reading.json") if os.path.exists(f"{d}/reading.json") else None
    if reading:
        res["read_p50_ms"] = reading["one_client_ms"]["p50"]
        res["read_p99_ms"] = reading["one_client_ms"]["p99"]
        res["read_qps_4_clients"] = reading["many_clients_qps"]
        res["read_p99_ms_4_clients"] = reading["many_clients_ms"]["p99"]
        res["reading"] = reading
    searched = read_json(f"{d}/search.json") if os.path.exists(f"{d}/search.json") else None
    if searched:
        res["search_read_p50_ms"] = searched["search_ms"]["p50"]
        res["search_read_p99_ms"] = searched["search_ms"]["p99"]
        res["search_vs_realm_p50"] = searched["search_vs_realm_p50"]
        res["search"] = searched
    under = read_json(f"{d}/under_bulk.json") if os.path.exists(f"{d}/under_bulk.json") else None
    if under:
        res["read_p50_ms_before_bulk"] = under["idle_ms"]["p50"]
        res["read_p50_ms_under_bulk"] = under["under_bulk_ms"]["p50"]
        res["read_under_bulk_ratio"] = under["under_bulk_ratio"]
        res["under_bulk"] = under
    first = read_json(f"{d}/first_query.json") if os.path.exists(f"{d}/first_query.json") else None
    if first:
        res["first_query_ms"] = first["first_query_ms"]
        res["first_query_warm_p50_ms"] = first["warm_ms"]["p50"]
        res["first_query_ratio"] = first["first_query_ratio"]
        res["models_ready_ms"] = first["models_ready_ms"]
        res["search_warmed_up_ms"] = first.get("search_warmed_up_ms")
        res["first_query"] = first
    bare_reader = read_json(f"{d}/reader_bare.json") if os.path.exists(f"{d}/reader_bare.json") else None
    if bare_reader:
        w = str(bare_reader["windows"])
        int8_ms = bare_reader["default"]["windows"][w]["model_ms"]
        fp32_ms = bare_reader["fp32_onnx"]["windows"][w]["model_ms"]
        res["reader_bare_p50_ms"] = int8_ms
        res["reader_bare_p50_ms_fp32_onnx"] = fp32_ms
        res["reader_bare_p50_ms_djl"] = bare_reader["djl"]["windows"][w]["model_ms"]
        res["int8_speedup"] = fp32_ms / int8_ms
        res["reader_bare"] = bare_reader
    stages = {"retrieval only": lat.get("stages_ms")}
    if reading:
        stages["reading, 1 client"] = reading.get("one_client_stages_ms")
    if under:
        stages["reading, before _bulk"] = under.get("idle_stages_ms")
        stages["reading, under _bulk"] = under.get("under_bulk_stages_ms")
    if first:
        stages["first query after a restart"] = first.get("first_query_stages_ms")
    res["latency_stages_p50_ms"] = {name: st for name, st in stages.items() if st}
    if res["ingest_passages_per_cpu_s"] and res["bare_passages_per_cpu_s"]:
        res["ingest_cpu_ratio"] = res["ingest_passages_per_cpu_s"] / res["bare_passages_per_cpu_s"]
    cold = ingest.get("cold") or {}
    if cold:
        res["ingest_cold_passages_per_s"] = cold["passages_per_s"]
        res["ingest_cold_passages_per_cpu_s"] = cpu_rate(cold["passages"], cold.get("node_cpu_s"))
        if res["ingest_cold_passages_per_cpu_s"] and res["bare_passages_per_cpu_s"]:
            res["ingest_cold_cpu_ratio"] = res["ingest_cold_passages_per_cpu_s"] / res["bare_passages_per_cpu_s"]
    nproc = res["machine"]["nproc"] or 1
    loads = {"ingest": max(ingest["loadavg_before"][0], ingest["loadavg_after"][0]),
             "bare": max(bare["global"].get("loadavg_before", 0), bare["global"].get("loadavg_after", 0)),
             "latency": lat["loadavg"][0]}
    res["loadavg_1m"] = loads
    res["machine_busy"] = max(loads.values()) > nproc
    write_json(f"{d}/bench.json", res)

    verdict = "PASS" if res["ingest_pass"] else "BELOW"
    rows = [
        ("ingest documents/s (_bulk + pipeline)", f"{res['ingest_docs_per_s']:.1f}", ""),
        ("ingest passages/s", f"{res['ingest_passages_per_s']:.1f}",
         f"{ingest['passages']} passages of {ingest['documents']} docs in {ingest['wall_s']:.1f}s"),
        ("bare encoder passages/s", f"{bare_pps:.1f}",
         f"{bare['threads']} threads, batches of {bare['batch']}, all passages length-sorted"),
        ("bare encoder, batched per _bulk", f"{bare_grouped:.1f}", "same, but sorted/batched within each request"),
        ("ingest ratio (target >= %.2f)" % args.target, f"{ratio:.2f}", verdict),
        ("  passages per CPU-second, node / bare",
         f"{res['ingest_passages_per_cpu_s']:.1f} / {res['bare_passages_per_cpu_s']:.1f}"
         if res.get("ingest_cpu_ratio") else "n/a",
         f"ratio {res['ingest_cpu_ratio']:.2f}; cores busy: node {res['ingest_node_cores_busy']:.2f}, bare "
         f"{res['bare_cores_busy']:.2f}" if res.get("ingest_cpu_ratio") else "node CPU not measured (--url)"),
        ("  cold: the warm-up ingest, first after the node start", f"{res['ingest_cold_passages_per_s']:.1f}"
         if cold else "n/a",
         f"passages/s; per CPU-second ratio {res['ingest_cold_cpu_ratio']:.2f} (the JVM still compiling)"
         if res.get("ingest_cold_cpu_ratio") else ""),
        ("_realm p50 / p99 ms (retrieval only, dense)", f"{r['p50']:.1f} / {r['p99']:.1f}",
         f"{lat['samples']} requests ({lat['questions']} questions x {lat['rounds']}), k={lat['k']}"),
        ("baseline p50 / p99 ms", f"{b['p50']:.1f} / {b['p99']:.1f}", "bare query encode + raw nested k-NN _search"),
        ("  bare query encode p50 ms", f"{e['p50']:.1f}",
         "1 thread, " + ("no node running" if args.started_node else "the node idle")),
        ("  raw k-NN _search p50 / p99 ms", f"{kn['p50']:.1f} / {kn['p99']:.1f}", "precomputed vector"),
        ("_realm overhead p50 ms", f"{res['realm_overhead_p50_ms']:+.1f}",
         f"same top-{lat['k']} as raw k-NN: {100 * lat['same_topk_set_as_raw_knn']:.0f}%"),
    ]
    if reading:
        rows.append(("reading _realm p50 / p99 ms, 1 client", f"{reading['one_client_ms']['p50']:.0f} / {reading['one_client_ms']['p99']:.0f}",
                     f"{reading['one_client_ms']['n']} requests, k={reading['k']}, as the index answers"))
        rows.append((f"reading _realm, {reading['clients']} clients", f"{reading['many_clients_qps']:.1f}/s",
                     f"p99 {reading['many_clients_ms']['p99']:.0f} ms"))
    if searched:
        rows.append(("reading through _search p50 / _realm p50 ms", f"{searched['search_ms']['p50']:.0f} / {searched['realm_ms']['p50']:.0f}",
                     f"x{searched['search_vs_realm_p50']:.2f}: realm query + realm_answers, the same questions, alternating"))
    if under:
        rows.append(("reading _realm p50 ms, idle / under _bulk", f"{under['idle_ms']['p50']:.0f} / {under['under_bulk_ms']['p50']:.0f}",
                     f"{under['under_bulk_ratio']:.2f}x with {under['bulk_clients']} _bulk clients; k={under['k']}, 1 client"))
    if first:
        rows.append(("first _realm after a restart ms", f"{first['first_query_ms']:.0f}",
                     f"{first['first_query_ratio']:.2f}x the next {first['warm_ms']['n']} (p50 {first['warm_ms']['p50']:.0f} ms); "
                     f"models preloaded {first['models_ready_ms']:.0f} ms, search warm-up done "
                     f"{first.get('search_warmed_up_ms', float('nan')):.0f} ms after the index was searchable"))
    if bare_reader:
        rows.append((f"bare reader forward ms, {bare_reader['windows']} windows", f"{res['reader_bare_p50_ms']:.0f}",
                     f"{bare_reader['default']['model']} ({bare_reader['default']['format']}), 1 thread, "
                     f"{bare_reader['windows']} x max_tokens"))
        rows.append(("  fp32 ONNX / djl reader ms", f"{res['reader_bare_p50_ms_fp32_onnx']:.0f} / {res['reader_bare_p50_ms_djl']:.0f}",
                     f"int8 speed-up over fp32 ONNX {res['int8_speedup']:.2f}x, over the djl reader "
                     f"{res['reader_bare_p50_ms_djl'] / res['reader_bare_p50_ms']:.2f}x"))
    w0 = max(len(x[0]) for x in rows)
    w1 = max(len(x[1]) for x in rows)
    print()
    print(f"opensearch-realm bench: model {res['model']}, corpus {os.path.basename(res['corpus'])}, "
          f"{res['machine']['nproc']} CPUs ({res['machine'].get('cpu_model', '?')})")
    print("-" * (w0 + w1 + 50))
    for a, v, note in rows:
        print(f"{a:<{w0}}  {v:>{w1}}  {note}")
    print("-" * (w0 + w1 + 50))
    print(f"1-min load average: ingest {loads['ingest']:.1f}, latency {loads['latency']:.1f}, bare {loads['bare']:.1f} "
          f"on {nproc} CPUs")
    if res["machine_busy"]:
        print(f"WARNING: other processes competed for the {nproc} CPUs during the run (load above {nproc}): wall-clock "
              "figures are noisy; the per-CPU-second ratio is the steadier comparison.")
    print(f"written: {d}/bench.json")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    q = sub.add_parser("questions")
    q.add_argument("--questions", required=True)
    q.add_argument("--out", required=True)
    q.add_argument("--max", type=int, default=200)
    q.add_argument("--rounds", type=int, default=0, help="0: enough rounds for --min-samples")
    q.add_argument("--min-samples", type=int, default=100)
    i = sub.add_parser("ingest")
    i.add_argument("--url", required=True)
    i.add_argument("--index", required=True)
    i.add_argument("--corpus", required=True)
    i.add_argument("--out", required=True)
    i.add_argument("--model", default="all-minilm-l6-v2")
    i.add_argument("--bulk-size", type=int, default=32)
    i.add_argument("--clients", type=int, default=2)
    i.add_argument("--node-pid", type=int)
    i.add_argument("--warm-up-docs", type=int, default=0, help="documents bulked before the timed run (0: all)")
    i2 = sub.add_parser("config")
    i2.add_argument("--url", required=True)

    def asking(name):
        """A phase that asks _realm on a node's index."""
        p = sub.add_parser(name)
        p.add_argument("--url", required=True)
        p.add_argument("--index", required=True)
        p.add_argument("--out", required=True)
        p.add_argument("--k", type=int, default=5)
        return p

    asking("latency")
    rd = asking("reading")
    rd.add_argument("--min-samples", type=int, default=60)
    rd.add_argument("--clients", type=int, default=4)
    rd.add_argument("--seconds", type=float, default=20)
    se = asking("search")
    se.add_argument("--min-samples", type=int, default=60)
    se.add_argument("--warm-up", type=int, default=50, help="untimed pairs first")
    ub = asking("under-bulk")
    ub.add_argument("--corpus", required=True)
    ub.add_argument("--model", default="all-minilm-l6-v2")
    ub.add_argument("--questions", type=int, default=40)
    ub.add_argument("--bulk-clients", type=int, default=2)
    ub.add_argument("--bulk-size", type=int, default=32)
    asking("first-query").add_argument("--warm", type=int, default=20)
    r = sub.add_parser("report")
    r.add_argument("--out", required=True)
    r.add_argument("--target", type=float, default=0.8)
    r.add_argument("--url", default=None)
    r.add_argument("--started-node", action="store_true")
    r.add_argument("--plugin-zip", default=None)
    args = ap.parse_args(argv)
    try:
        if args.cmd == "questions":
            cmd_questions(args)
        elif args.cmd == "ingest":
            cmd_ingest(args)
        elif args.cmd == "config":
            print(json.dumps(inference_config(Client(args.url))))
        elif args.cmd == "latency":
            cmd_latency(args)
        elif args.cmd == "reading":
            cmd_reading(args)
        elif args.cmd == "search":
            cmd_search(args)
        elif args.cmd == "under-bulk":
            cmd_under_bulk(args)
        elif args.cmd == "first-query":
            cmd_first_query(args)
        elif args.cmd == "report":
            cmd_report(args)
    except RealmError as e:
        log(f"ERROR: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
