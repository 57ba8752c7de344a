"""How the differential test (integ-test/differential.py) compares an answer of the plugin node with the stock node's:
status and body, JSON objects key order included, after the normalisations below and nothing else."""

import copy
import json
import re

# Each normalisation with why the plugin may legitimately change what it hides.
NORMALISATIONS = [
    ("top-level `took` of _bulk and _search answers", "wall time of the request: never the same twice"),
    ("`ingest_took` of _bulk answers that reach the REALM index",
     "the REALM index's default pipeline runs on the plugin node only (the stock index has no pipeline), so only "
     "the plugin node reports an ingest time; bulks on ordinary indices must agree on it being absent"),
    ("`realm_passages` in the source of documents (_source of get, mget, search hits and update `get`, and the "
     "body of GET _source)", "the passages the plugin's pipeline adds to REALM documents: its purpose"),
    ("the key order of REALM documents' sources, and the position in the source (`line: L, column: C`, `at L:C`) "
     "in errors about their fields",
     "OpenSearch's ingest reads a document into an unordered map (IndexRequest.sourceAsMap) for any pipeline, which "
     "writes the fields back in another order"),
    ("the outer error of a REALM document that is not a JSON object (its cause, the parse error, is compared)",
     "with a pipeline, OpenSearch's ingest parses the document first and says `parse_exception: Failed to parse "
     "content to map` (or only the cause); without one, the mapper does and says `mapper_parsing_exception: failed "
     "to parse`"),
    ("`index_uuid` in errors", "an index's UUID is random, drawn when the index is created"),
    ("`node` of search shard failures", "a node's id is random, drawn when the node first starts"),
    ("the order of the methods in a 405's `allowed: [...]`",
     "OpenSearch lists them from a HashSet of enum constants, whose order changes from one JVM to the next"),
]
MAX_SHOWN = 20
ALLOWED_METHODS = re.compile(r"allowed: \[([A-Z, ]*)\]")
SOURCE_POSITION = re.compile(r"line: \d+, column: \d+|\bat \d+:\d+")


def normalise(request, body):
    """A copy of the answer body to `request` (a differential_requests.Request) as it is compared."""
    if not isinstance(body, dict):
        return body
    body = copy.deepcopy(body)
    body.pop("took", None)
    if request.kind == "bulk" and request.realm:
        body.pop("ingest_took", None)
    if request.realm and "/_source/" in request.path:
        body.pop("realm_passages", None)
        body = sorted_keys(body)
    error = body.get("error")
    if isinstance(error, str):
        body["error"] = ALLOWED_METHODS.sub(lambda m: "allowed: [" + ", ".join(sorted(m[1].split(", "))) + "]", error)
    elif request.realm and isinstance(error, dict) and malformed_document_cause(error):
        body["error"] = {"malformed document": malformed_document_cause(error)}
    scrub(body, request.realm)
    return body


MALFORMED_DOCUMENT_WRAPPERS = (("mapper_parsing_exception", "failed to parse"),
                               ("parse_exception", "Failed to parse content to map"))


def malformed_document_cause(error):
    """Why a document that is not a JSON object was refused: the error as the mapper (no pipeline) or the ingest
    service (a pipeline) reports it, less those wrappers, at any depth (for some truncated documents the mapper
    itself reads the source into a map, and says both); None for other errors."""
    if (error.get("type"), error.get("reason")) in MALFORMED_DOCUMENT_WRAPPERS:
        while isinstance(error.get("caused_by"), dict) and (error.get("type"), error.get("reason")) in MALFORMED_DOCUMENT_WRAPPERS:
            error = error["caused_by"]
        return error
    if error.get("type") == "not_x_content_exception":
        return {"type": error["type"], "reason": error.get("reason")}
    return None


def scrub(value, realm=False):
    """In place, at any depth: realm_passages out of document sources, random ids out of errors; for REALM
    documents (`realm`), their sources' key order and the positions in the source in errors too."""
    if isinstance(value, dict):
        if isinstance(value.get("_source"), dict):
            value["_source"].pop("realm_passages", None)
            if realm:
                value["_source"] = sorted_keys(value["_source"])
        if "index_uuid" in value and value["index_uuid"] != "_na_":
            value["index_uuid"] = "<uuid>"
        if "shard" in value and "node" in value and "reason" in value:
            value["node"] = "<node id>"
        if realm and "type" in value and isinstance(value.get("reason"), str):  # an error
            value["reason"] = SOURCE_POSITION.sub("<position>", value["reason"])
        for child in value.values():
            scrub(child, realm)
    elif isinstance(value, list):
        for child in value:
            scrub(child, realm)


def sorted_keys(value):
    if isinstance(value, dict):
        return {k: sorted_keys(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [sorted_keys(v) for v in value]
    return value


def first_difference(a, b, path="$"):
    """Where two JSON values first differ, as a path."""
    if type(a) is not type(b):
        return path
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                return f"{path}.{key} (only on the {'plugin' if key in b else 'stock'} node)"
            if a[key] != b[key]:
                return first_difference(a[key], b[key], f"{path}.{key}")
        if list(a) != list(b):
            return f"{path} (key order)"
        for key in a:
            if json.dumps(a[key]) != json.dumps(b[key]):
                return first_difference(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list):
        if len(a) != len(b):
            return f"{path} (lengths {len(a)} and {len(b)})"
        for i, (x, y) in enumerate(zip(a, b)):
            if json.dumps(x) != json.dumps(y):
                return first_difference(x, y, f"{path}[{i}]")
    return path


class Comparison:
    """Counts comparisons and keeps the differences."""

    def __init__(self):
        self.compared = 0
        self.differences = []
        self.no_answers = 0

    def compare(self, what, stock, plugin):
        """stock and plugin: (status, normalised body); objects are compared with their key order."""
        self.compared += 1
        if json.dumps(stock) != json.dumps(plugin):
            where = "status" if stock[0] != plugin[0] else first_difference(stock[1], plugin[1])
            self.differences.append((what, where, stock, plugin))
        self.no_answers += (stock[0] is None) + (plugin[0] is None)

    def report(self):
        for number, (what, where, stock, plugin) in enumerate(self.differences[:MAX_SHOWN], 1):
            print(f"\n--- difference {number} at {where}\n{what}")
            for name, (status, body) in (("stock ", stock), ("plugin", plugin)):
                text = body if isinstance(body, str) else json.dumps(body)
                print(f"  {name}: {status} {text[:3000]}{'...' if len(text) > 3000 else ''}")
        if len(self.differences) > MAX_SHOWN:
            print(f"\n... and {len(self.differences) - MAX_SHOWN} more differences")
