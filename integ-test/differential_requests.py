"""The seeded request sequence of the differential test (integ-test/differential.py): document API requests of every
kind, with their options and their errors, on ordinary indices and on a REALM index.

The sequence depends only on the seed and on what the stock node (the oracle) answered before, which is the same for
every run with that seed; the plugin node must give the same answers.
"""

import json
import urllib.parse

# Indices both nodes create identically (differential.py); every name starts with "diff-", the prefix of the index
# template that gives all of them, auto-created ones included, the same settings.
PLAIN = "diff-plain"  # one shard, dynamic mapping
ROUTED = "diff-routed"  # three shards: routing decides the shard
REQUIRED = "diff-required"  # _routing required
STRICT = "diff-strict"  # dynamic: strict
REALM = "diff-realm"  # the REALM index (created by the plugin's API on the plugin node)
ALIASES = {"diff-plain-alias": PLAIN, "diff-realm-alias": REALM}
AUTO = ["diff-auto-1", "diff-auto-2"]  # created by the first write that reaches them
MISSING = "diff-missing"  # never written: reads of it fail

ORDINARY_TARGETS = [(PLAIN, 4), ("diff-plain-alias", 1), (ROUTED, 3), (REQUIRED, 1), (STRICT, 1), (AUTO[0], 1), (AUTO[1], 1)]
REALM_TARGETS = [(REALM, 4), ("diff-realm-alias", 1)]
ORDINARY_IDS = [f"d{i:02}" for i in range(30)]
REALM_IDS = [f"r{i:02}" for i in range(12)]  # few: most REALM requests then meet an existing document
ROUTINGS = ["a", "b", "c"]
TAGS = ["red", "green", "blue", "amber"]
WORDS = ("volcano island river planet telescope bread yeast patent engine glacier orbit harbour copper lantern "
         "meadow signal quartz falcon").split()

# Update scripts (given params d, word and tag): changes, deletes and no-ops, and the ways a script fails.
SCRIPTED_DELETE = ("if (ctx._source.n != null && ctx._source.n > 50) { ctx.op = 'delete' } "
                   "else { ctx._source.n = params.d }")
SCRIPTS = [
    "ctx._source.n = (ctx._source.n == null ? 0 : ctx._source.n) + params.d",
    "ctx._source.tag = params.tag",
    "ctx._source.text = ctx._source.text + ' ' + params.word",
    SCRIPTED_DELETE,
    "ctx.op = 'none'",
    "ctx.op = 'noop'",  # an unknown op: OpenSearch treats it as a no-op with a warning
    "ctx._source.missing_field.length()",  # runtime error: null pointer
    "throw new IllegalArgumentException('scripted failure')",
    "ctx._source.n = 'not a number'",  # the script runs, the mapping refuses the result
    "ctx._source.n +=",  # does not compile
]


class Request:
    """One request of the sequence; `realm` says whether it may reach the REALM index."""

    def __init__(self, kind, method, path, body=None, ndjson=False, realm=False):
        self.kind, self.method, self.path, self.body, self.ndjson, self.realm = kind, method, path, body, ndjson, realm

    def describe(self, limit=1500):
        body = "" if self.body is None else (self.body if isinstance(self.body, str) else json.dumps(self.body))
        return f"{self.method} {self.path}" + (f"\n{body[:limit]}{'...' if len(body) > limit else ''}" if body else "")


def deletes(update_body):
    """Whether an update may delete the document. OpenSearch 3.4 fails such an update that also fetches the source
    with a NullPointerException (TransportShardBulkAction), and in a bulk all the items of its shard with it; the bulk
    filter, which runs a REALM update alone, fails only that item. The sequence leaves out a bug of the oracle's."""
    script = update_body.get("script")
    return isinstance(script, dict) and script.get("source") == SCRIPTED_DELETE


def with_params(path, params):
    return path + ("?" + urllib.parse.urlencode(params) if params else "")


class RequestSource:
    """Draws requests from a seeded random.Random; `observe` feeds it the oracle's answers, so that optimistic
    concurrency parameters (if_seq_no, external versions) are right about half of the time and conflict otherwise."""

    def __init__(self, rng):
        self.rng = rng
        self.known = {}  # (concrete index, id) -> (seq_no, primary_term, version) last seen from the oracle

    # --- what the oracle said ------------------------------------------------------------------------------------
    def observe(self, status, body):
        if not isinstance(body, dict):
            return
        for result in [item for entry in body.get("items", []) for item in entry.values()] + [body] + body.get("docs", []):
            if isinstance(result, dict) and "_seq_no" in result and "_index" in result and "_id" in result:
                self.known[(result["_index"], result["_id"])] = (result["_seq_no"], result["_primary_term"],
                                                                result.get("_version", 1))

    # --- building blocks ---------------------------------------------------------------------------------------
    def pick(self, weighted):
        return self.rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]

    def chance(self, p):
        return self.rng.random() < p

    def words(self, low, high):
        return " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high)))

    def target(self, realm):
        # on REALM turns, a third of the targets are still ordinary: mixed bulks are what the bulk filter splits
        if realm and self.chance(0.65):
            return self.pick(REALM_TARGETS), True
        return self.pick(ORDINARY_TARGETS), False

    def doc_id(self, index):
        return self.rng.choice(REALM_IDS if ALIASES.get(index, index) == REALM else ORDINARY_IDS)

    def routing(self, index):
        p = {ROUTED: 0.5, REQUIRED: 0.85}.get(index, 0.08)
        return self.rng.choice(ROUTINGS) if self.chance(p) else None

    def document(self, partial=False):
        fields = {"n": self.rng.randint(0, 100), "tag": self.rng.choice(TAGS), "text": self.words(3, 20)}
        if partial:
            keep = self.rng.sample(sorted(fields), self.rng.randint(1, 2))
            fields = {k: fields[k] for k in keep}
        elif self.chance(0.15):
            del fields[self.rng.choice(["n", "tag"])]
        # At most one field that may conflict with the mapping: a pipeline writes the fields back in another order
        # (see differential.py), and with two the mapper would meet another one first.
        if self.chance(0.15):  # dynamic fields whose type varies: dynamic mapping, then mapping conflicts
            fields["dyn_" + self.rng.choice("abc")] = self.rng.choice([7, "seven", 7.5, True, {"x": 1}, [1, 2]])
        elif self.chance(0.04):
            fields["n"] = "not a number"  # a mapping conflict with the integer field
        return fields

    def script(self):
        source = self.rng.choice(SCRIPTS)
        script = {"source": source, "params": {"d": self.rng.randint(1, 80), "word": self.rng.choice(WORDS),
                                               "tag": self.rng.choice(TAGS)}}
        if self.chance(0.2):
            script["lang"] = "painless"
        return script

    def update_body(self, allow_invalid=True):
        form = self.pick([("doc", 4), ("doc_as_upsert", 2), ("upsert", 2), ("script", 4), ("script_upsert", 2),
                          ("scripted_upsert", 1), ("no_detect_noop", 1), ("empty_doc", 1),
                          ("invalid", 1 if allow_invalid else 0)])
        if form == "doc":
            body = {"doc": self.document(partial=True)}
        elif form == "empty_doc":  # a no-op whenever the document exists (the bulk filter passes it through)
            body = {"doc": {}, "detect_noop": self.chance(0.8)}
        elif form == "doc_as_upsert":
            body = {"doc": self.document(partial=self.chance(0.5)), "doc_as_upsert": True}
        elif form == "upsert":
            body = {"doc": self.document(partial=True), "upsert": self.document()}
        elif form == "script":
            body = {"script": self.script()}
        elif form == "script_upsert":
            body = {"script": self.script(), "upsert": self.document()}
        elif form == "scripted_upsert":
            body = {"script": {"source": "ctx._source.n = params.d; ctx._source.tag = 'scripted'",
                               "params": {"d": self.rng.randint(0, 9)}}, "scripted_upsert": True, "upsert": {}}
        elif form == "no_detect_noop":
            body = {"doc": self.document(partial=True), "detect_noop": False}
        else:
            body = self.rng.choice([{"doc": self.document(partial=True), "script": self.script()},  # both: refused
                                    {"doc": "not an object"}, {"unknown_field": 1}, {}])
        if self.chance(0.15) and not deletes(body):
            body["_source"] = self.rng.choice([True, ["n", "tag"], False])
        return body

    def occ(self, index, doc_id):
        """if_seq_no / if_primary_term: the current ones, near misses, or a wrong term."""
        seq_no, term, _ = self.known.get((ALIASES.get(index, index), doc_id), (0, 1, 1))
        roll = self.rng.random()
        if roll < 0.6:
            return {"if_seq_no": seq_no, "if_primary_term": term}
        if roll < 0.85:
            return {"if_seq_no": max(0, seq_no + self.rng.choice([-2, -1, 1, 3])), "if_primary_term": term}
        return {"if_seq_no": seq_no, "if_primary_term": term + 1}

    def external_version(self, index, doc_id):
        _, _, version = self.known.get((ALIASES.get(index, index), doc_id), (0, 1, 1))
        roll = self.rng.random()
        value = version + self.rng.randint(1, 3) if roll < 0.5 else max(1, version - self.rng.randint(0, 1)) \
            if roll < 0.8 else self.rng.randint(1, 1000)
        return {"version": value, "version_type": "external" if self.chance(0.8) else "external_gte"}

    def refresh_param(self, params):
        value = self.pick([(None, 5), ("true", 2), ("wait_for", 1), ("false", 1), ("", 1)])
        if value is not None:
            params["refresh"] = value

    # --- requests ------------------------------------------------------------------------------------------------
    def next(self, realm):
        """The next requests (a search comes after a refresh, so that it sees every write)."""
        kind = self.pick([("bulk", 40), ("update", 20), ("index", 10), ("delete", 5), ("get", 10), ("mget", 5),
                          ("search", 5), ("count", 3), ("error", 2)] if realm else
                         [("bulk", 25), ("update", 15), ("index", 12), ("delete", 7), ("get", 10), ("mget", 6),
                          ("search", 6), ("count", 3), ("refresh", 2), ("error", 14)])
        return getattr(self, "make_" + kind)(realm)

    def make_bulk(self, realm):
        items, lines, touched = self.rng.randint(1, 8), [], False
        realm_sources = set()  # the lines that are documents for the REALM index
        default_index = None
        if self.chance(0.2):  # /{index}/_bulk: items without _index go there
            default_index, _ = self.target(realm)
        for _ in range(items):
            index, is_realm = self.target(realm)
            op = self.pick([("index", 3), ("create", 2), ("update", 4), ("delete", 2)])
            meta = {"_id": self.doc_id(index)}
            if default_index is None or self.chance(0.3):
                meta["_index"] = index
            else:
                index, is_realm = default_index, ALIASES.get(default_index, default_index) == REALM
            touched |= is_realm
            routing = self.routing(index)
            if routing:
                meta["routing"] = routing
            # an invalid item fails the whole bulk (e.g. if_seq_no with a create, an upsert or retry_on_conflict):
            # rarely, so that most bulks run
            invalid = self.chance(0.02)
            body = self.update_body(allow_invalid=invalid) if op == "update" else None
            upsert = body is not None and ("upsert" in body or body.get("doc_as_upsert"))
            if self.chance(0.15) and (invalid or (op != "create" and not upsert)):
                meta.update(self.occ(index, meta["_id"]))
            elif op in ("index", "delete") and self.chance(0.12):
                meta.update(self.external_version(index, meta["_id"]))
            elif op == "update" and self.chance(0.2):
                meta["retry_on_conflict"] = self.rng.randint(0, 2)
            if self.chance(0.04):
                meta["require_alias"] = True
            lines.append(json.dumps({op: meta}))
            if op in ("index", "create"):
                if is_realm:
                    realm_sources.add(len(lines))
                lines.append(json.dumps(self.document()))
            elif op == "update":
                lines.append(json.dumps(body))
        terminated = True
        if self.chance(0.05):
            terminated = self.break_bulk(lines, realm_sources)
        params = {}
        self.refresh_param(params)
        if self.chance(0.1) and not any(SCRIPTED_DELETE in line for line in lines):
            params["_source"] = "true"
        if self.chance(0.05):  # the items' default routing
            params["routing"] = self.rng.choice(ROUTINGS)
        if self.chance(0.1):  # what the bulk filter hands on to the parts it runs
            params.update({"timeout": "30s", "wait_for_active_shards": self.rng.choice(["1", "all"])})
        path = f"/{default_index}/_bulk" if default_index else "/_bulk"
        body = "\n".join(lines) + ("\n" if terminated else "")
        return [Request("bulk", "POST", with_params(path, params), body, True, touched)]

    def break_bulk(self, lines, realm_sources):
        """Makes the bulk body one that OpenSearch refuses, as a whole or in the broken item; returns whether it still
        ends with a newline."""
        form = self.rng.choice(["bad_json", "unknown_action", "unknown_param", "no_newline", "source_on_delete"])
        position = self.rng.randrange(len(lines))
        # Not a REALM document: OpenSearch's ingest parses a bulk's documents for one pipeline together, and one that
        # is not JSON fails the others with it (IngestService.innerBatchExecute), with any pipeline; without one, as
        # on the stock node, only that document fails.
        if form == "bad_json" and position not in realm_sources:
            lines[position] = lines[position][:-1]
        elif form == "unknown_action":
            lines.insert(position, json.dumps({"upsert": {"_index": PLAIN, "_id": "d00"}}))
        elif form == "unknown_param":
            lines.insert(position, json.dumps({"index": {"_index": PLAIN, "_id": "d00", "colour": "red"}}))
            lines.insert(position + 1, json.dumps(self.document()))
        elif form == "source_on_delete":
            lines.append(json.dumps({"delete": {"_index": PLAIN, "_id": "d01"}}))
            lines.append(json.dumps(self.document()))
        return form != "no_newline"

    def make_update(self, realm):
        index, is_realm = self.target(realm)
        doc_id = self.doc_id(index)
        params = {}
        routing = self.routing(index)
        if routing:
            params["routing"] = routing
        body = self.update_body()
        invalid = self.chance(0.05)  # if_seq_no with an upsert or retry_on_conflict, a version: refused
        if self.chance(0.15) and (invalid or not ("upsert" in body or body.get("doc_as_upsert"))):
            params.update(self.occ(index, doc_id))
        elif invalid:
            params["version"] = self.rng.randint(1, 5)
        if self.chance(0.2) and (invalid or "if_seq_no" not in params):
            params["retry_on_conflict"] = self.rng.randint(0, 3)
        if self.chance(0.05):
            params["require_alias"] = "true"
        self.refresh_param(params)
        return [Request("update", "POST", with_params(f"/{index}/_update/{doc_id}", params), body, realm=is_realm)]

    def make_index(self, realm):
        index, is_realm = self.target(realm)
        doc_id = self.doc_id(index)
        endpoint = self.pick([("_doc", 5), ("_create", 2), ("_doc?op_type=create", 1)])
        params = {}
        if "?" in endpoint:
            endpoint, params["op_type"] = "_doc", "create"
        routing = self.routing(index)
        if routing:
            params["routing"] = routing
        if self.chance(0.15):
            params.update(self.occ(index, doc_id))
        elif endpoint == "_doc" and "op_type" not in params and self.chance(0.15):
            params.update(self.external_version(index, doc_id))
        if self.chance(0.05):
            params["require_alias"] = "true"
        self.refresh_param(params)
        method = self.rng.choice(["PUT", "POST"])
        return [Request("index", method, with_params(f"/{index}/{endpoint}/{doc_id}", params), self.document(),
                        realm=is_realm)]

    def make_delete(self, realm):
        index, is_realm = self.target(realm)
        doc_id = self.doc_id(index)
        params = {}
        routing = self.routing(index)
        if routing:
            params["routing"] = routing
        if self.chance(0.15):
            params.update(self.occ(index, doc_id))
        elif self.chance(0.15):
            params.update(self.external_version(index, doc_id))
        self.refresh_param(params)
        return [Request("delete", "DELETE", with_params(f"/{index}/_doc/{doc_id}", params), realm=is_realm)]

    def make_get(self, realm):
        index, is_realm = self.target(realm)
        doc_id = self.doc_id(index)
        params = {}
        routing = self.routing(index)
        if routing:
            params["routing"] = routing
        source = self.pick([(None, 6), ({"_source": "false"}, 1), ({"_source_includes": "n,tag"}, 1),
                            ({"_source_excludes": "text"}, 1)])
        params.update(source or {})
        if self.chance(0.1):
            params["version"] = self.rng.randint(1, 4)  # a GET with a version conflicts unless it is the current one
        form = self.pick([("_doc", 6), ("_source", 1), ("HEAD", 1)])
        if form == "HEAD":
            return [Request("get", "HEAD", with_params(f"/{index}/_doc/{doc_id}", params), realm=is_realm)]
        return [Request("get", "GET", with_params(f"/{index}/{form}/{doc_id}", params), realm=is_realm)]

    def make_mget(self, realm):
        docs, touched = [], False
        for _ in range(self.rng.randint(1, 6)):
            index, is_realm = self.target(realm) if self.chance(0.9) else (MISSING, False)
            touched |= is_realm
            doc = {"_index": index, "_id": self.doc_id(index)}
            routing = self.routing(index)
            if routing:
                doc["routing"] = routing
            if self.chance(0.15):
                doc["_source"] = self.rng.choice([False, ["n"], {"excludes": ["text"]}])
            docs.append(doc)
        if self.chance(0.3):  # /{index}/_mget with ids
            index, is_realm = self.target(realm)
            return [Request("mget", "POST", f"/{index}/_mget", {"ids": [self.doc_id(index) for _ in range(3)]},
                            realm=is_realm)]
        return [Request("mget", "POST", "/_mget", {"docs": docs}, realm=touched)]

    def search_target(self, realm):
        if realm and self.chance(0.7):
            return self.rng.choice([REALM, "diff-realm-alias", f"{REALM},{PLAIN}"]), True
        target = self.pick([(PLAIN, 3), (ROUTED, 3), (f"{PLAIN},{ROUTED}", 1), ("diff-plain-alias", 1),
                            (STRICT, 1), (REQUIRED, 1), ("diff-*", 1), (MISSING, 1)])
        return target, target == "diff-*"

    def query(self):
        return self.pick([({"match_all": {}}, 3), ({"term": {"tag": self.rng.choice(TAGS)}}, 2),
                          ({"range": {"n": {"gte": self.rng.randint(0, 60)}}}, 2),
                          ({"match": {"text": self.rng.choice(WORDS)}}, 2), ({"exists": {"field": "dyn_a"}}, 1),
                          ({"term": {"n": "abc"}}, 1),  # fails on every shard
                          ({"no_such_query": {}}, 1)])

    def make_search(self, realm):
        target, touched = self.search_target(realm)
        body = {"query": self.query(), "size": self.rng.randint(0, 30), "version": True, "seq_no_primary_term": True,
                # sorted: scores depend on segment statistics (deleted documents, merges), which differ run to run
                "sort": self.rng.choice([[{"_id": "asc"}], [{"n": {"order": "desc", "missing": "_last"}}, {"_id": "asc"}]])}
        if self.chance(0.3):
            body["from"] = self.rng.randint(1, 5)
        if self.chance(0.3):
            body["_source"] = ["n", "tag"]
        if self.chance(0.25):
            body["aggs"] = {"tags": {"terms": {"field": "tag"}}, "max_n": {"max": {"field": "n"}}}
        return [Request("refresh", "POST", f"/{target}/_refresh", realm=touched),
                Request("search", "POST", f"/{target}/_search", body, realm=touched)]

    def make_count(self, realm):
        target, touched = self.search_target(realm)
        return [Request("refresh", "POST", f"/{target}/_refresh", realm=touched),
                Request("count", "POST", f"/{target}/_count", {"query": self.query()}, realm=touched)]

    def make_refresh(self, realm):
        target, touched = self.search_target(realm)
        return [Request("refresh", "POST", f"/{target}/_refresh", realm=touched)]

    def make_error(self, realm):
        """Requests that are wrong in themselves (the others fail by their state: conflicts, missing documents...)."""
        if realm:
            index, doc_id = REALM, self.rng.choice(REALM_IDS)
        else:
            index, doc_id = PLAIN, self.rng.choice(ORDINARY_IDS)
        doc = f"/{index}/_doc/{doc_id}"
        method, path, body, ndjson = self.rng.choice([
            ("PUT", doc, '{"n": 1,', False),  # malformed JSON
            ("PUT", doc, "[1, 2]", False),  # not an object
            ("POST", f"/{index}/_update/{doc_id}", '{"doc": {"n": 1}', False),
            ("PUT", f"/{index}/_doc/{'x' * 600}", {"n": 1}, False),  # id over 512 bytes
            ("GET", f"/{MISSING}/_doc/d00", None, False),
            ("DELETE", f"/{MISSING}/_doc/d00", None, False),
            ("POST", f"/{MISSING}/_search", {"query": {"match_all": {}}}, False),
            ("POST", f"/{MISSING}/_count", None, False),
            ("POST", "/diff-auto-update/_update/d00", {"doc": {"n": 1}}, False),  # creates the index, then 404
            ("GET", doc + "?version_type=bogus", None, False),
            ("PUT", doc + "?if_seq_no=abc&if_primary_term=1", {"n": 1}, False),
            ("PUT", doc + "?if_seq_no=1", {"n": 1}, False),  # no primary term
            ("PUT", doc + "?version=3", {"n": 1}, False),  # internal versioning is no concurrency control
            ("PUT", doc + "?refresh=maybe", {"n": 1}, False),
            ("PUT", doc + "?op_type=bogus", {"n": 1}, False),
            ("PUT", doc + "?pipeline=no-such-pipeline", {"n": 1}, False),
            ("PUT", doc + "?bogus=1", {"n": 1}, False),
            ("PATCH", doc, {"n": 1}, False),
            ("POST", "/_bulk", "", True),
            ("POST", "/_bulk", "\n", True),
            ("POST", "/_mget", {"docs": []}, False),
            ("POST", f"/{index}/_update/{doc_id}", {"doc": {"n": 1}, "upsert": {"n": 2}, "if_seq_no": 1}, False),
            ("POST", f"/{index}/_update/{doc_id}?if_seq_no=0&if_primary_term=1", {"doc": {"n": 1}, "upsert": {}}, False),
        ])
        return [Request("error", method, path, body, ndjson, realm)]
