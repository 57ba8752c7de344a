#!/usr/bin/env python3
"""Same-origin server for the Dashboards-contract test page: the files of this directory, and every other request
forwarded to a node on 127.0.0.1, the way OpenSearch Dashboards' server sits between Discover and the cluster.
Python standard library only; loopback only.

    proxy.py PORT NODE_PORT

Serves GET /, /index.html, /discover.js from this directory; anything else (e.g. POST /{index}/_search) goes to
http://127.0.0.1:NODE_PORT with the same method, path, query, body and content type, and its answer comes back as is.
"""

import http.client
import http.server
import os
import sys

STATIC_DIR = os.path.dirname(os.path.abspath(__file__))
STATIC = {"/": "index.html", "/index.html": "index.html", "/discover.js": "discover.js"}
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8"}


class Handler(http.server.BaseHTTPRequestHandler):
    node_port = None

    def do_GET(self):
        name = STATIC.get(self.path.split("?", 1)[0])
        if name is None:
            self.forward()
            return
        with open(os.path.join(STATIC_DIR, name), "rb") as f:
            body = f.read()
        self.reply(200, TYPES[os.path.splitext(name)[1]], body)

    def do_POST(self):
        self.forward()

    do_PUT = do_DELETE = do_HEAD = do_POST

    def forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {"Content-Type": self.headers["Content-Type"]} if self.headers["Content-Type"] else {}
        # a direct connection: never through an http_proxy of the environment
        node = http.client.HTTPConnection("127.0.0.1", self.node_port, timeout=300)
        try:
            node.request(self.command, self.path, body, headers)
            answer = node.getresponse()
            self.reply(answer.status, answer.getheader("Content-Type", "application/octet-stream"), answer.read())
        except OSError as e:
            self.reply(502, "text/plain; charset=utf-8", f"no answer from the node on port {self.node_port}: {e}".encode())
        finally:
            node.close()

    def reply(self, status, content_type, body):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, fmt, *args):  # one line per request on stderr, for the test's log
        sys.stderr.write("[proxy] %s\n" % (fmt % args))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    Handler.node_port = int(sys.argv[2])
    server = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    server.serve_forever()


if __name__ == "__main__":
    main()
