"""HTTP to a node with the standard library only, never through a proxy: the one HTTP client of the test scripts.

A node is given as a port on 127.0.0.1 or as an http:// URL. `call` sends one request on a connection of its own;
a `Connection` keeps its connection open between requests (HTTP/1.1 keep-alive), so that latencies measured through
it hold no connection setup. Both answer (status, headers, body): the body parsed as JSON ({} when empty), or its
text when it is not JSON. An HTTP error status is an answer, not an exception; OSError (a timeout included) means no
answer came.
"""

import http.client
import json
import urllib.parse


def _address(node):
    if isinstance(node, int):
        return "127.0.0.1", node
    url = urllib.parse.urlsplit(node if "://" in node else "http://" + node)
    if url.scheme != "http":
        raise ValueError(f"only http:// URLs are supported, got {node}")
    return url.hostname or "127.0.0.1", url.port or 9200


class Connection:
    """One kept HTTP/1.1 connection to a node, opened on the first request. Not thread-safe: one per thread."""

    def __init__(self, node, timeout=120):
        self.host, self.port = _address(node)
        self.url = f"http://{self.host}:{self.port}"
        self.timeout = timeout
        self._conn = None

    def call(self, method, path, body=None, ndjson=False):
        data, headers = None, {}
        if body is not None:
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            headers["Content-Type"] = "application/x-ndjson" if ndjson else "application/json"
        while True:
            reused = self._conn is not None
            if not reused:
                self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self._conn.request(method, path, body=data, headers=headers)
                response = self._conn.getresponse()
                status, response_headers, raw = response.status, response.headers, response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if not reused:
                    raise
                # the node closed the kept connection while it was idle: once more on a new one (the scripts'
                # requests are idempotent: searches, and documents with their ids)
            except BaseException:
                self.close()
                raise
        text = raw.decode("utf-8", "replace")
        try:
            return status, response_headers, json.loads(text) if text else {}
        except ValueError:
            return status, response_headers, text

    def close(self):
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def call(node, method, path, body=None, ndjson=False, timeout=120):
    """One request on a connection of its own."""
    with Connection(node, timeout) as connection:
        return connection.call(method, path, body, ndjson)
