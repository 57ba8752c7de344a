"""HTTP to a node on 127.0.0.1 with the standard library only, never through a proxy (the test scripts' one client)."""

import json
import urllib.error
import urllib.request

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def call(port, method, path, body=None, ndjson=False, timeout=120):
    """(status, headers, body): the body parsed as JSON ({} when empty), or its text when it is not JSON. An HTTP
    error status is an answer, not an exception; raises URLError or a timeout when no answer comes."""
    data = None
    headers = {}
    if body is not None:
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        headers["Content-Type"] = "application/x-ndjson" if ndjson else "application/json"
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method, headers=headers)
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            status, response_headers, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as e:
        status, response_headers, raw = e.code, e.headers, e.read()
    text = raw.decode("utf-8", "replace")
    try:
        return status, response_headers, json.loads(text) if text else {}
    except ValueError:
        return status, response_headers, text
