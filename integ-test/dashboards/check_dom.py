#!/usr/bin/env python3
"""Assertions of the Dashboards-contract test on the DOM that headless Chromium dumped after the page ran.

    check_dom.py DOM.html EXPECTED.json

EXPECTED.json: {"answer": best answer of POST /{index}/_realm, "doc_id": the _id of its best span,
"field": the index's source field, "text": that document's field text}. Prints one "pass NAME" or
"fail NAME: why" line per check; exits 1 when a check failed. Python standard library only.
"""

import html.parser
import json
import sys

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def text(self):
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def find_all(self, tag=None, **attrs):
        for child in self.children:
            if isinstance(child, str):
                continue
            if (tag is None or child.tag == tag) and all(child.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items()):
                yield child
            yield from child.find_all(tag, **attrs)

    def has_class(self, name):
        return name in (self.attrs.get("class") or "").split()


class TreeBuilder(html.parser.HTMLParser):
    """The dumped DOM as a tree (Chromium serialises well-formed markup: every non-void element is closed)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#document", [], None)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def main():
    dom_path, expected_path = sys.argv[1:3]
    with open(expected_path, encoding="utf-8") as f:
        expected = json.load(f)
    builder = TreeBuilder()
    with open(dom_path, encoding="utf-8") as f:
        builder.feed(f.read())
    root = builder.root
    failures = 0

    def check(name, ok, why=""):
        nonlocal failures
        print(f"pass {name}" if ok else f"fail {name}: {why}")
        failures += 0 if ok else 1

    body = next(root.find_all("body"), None)
    state = body.attrs.get("data-state") if body else None
    status = next(root.find_all(id="status"), None)
    check("page finished (data-state=done)", state == "done", f"data-state={state!r}, status: {status.text() if status else '?'}")

    rows = [r for r in root.find_all("tr") if r.has_class("hit")]
    check("at least one hit rendered", len(rows) > 0, "no tr.hit in the document table")

    answer = expected["answer"]
    marks = [m.text() for m in root.find_all("mark")]
    check("a <mark> holds the _realm best answer", answer in marks, f"best answer {answer!r}, marks {marks[:5]!r}")

    row = next((r for r in rows if r.attrs.get("data-id") == expected["doc_id"]), None)
    cell = next(row.find_all("dd", data_field=expected["field"]), None) if row else None
    check(
        f"hit {expected['doc_id']} marks the answer in its {expected['field']} field",
        cell is not None and answer in [m.text() for m in cell.find_all("mark")],
        "no such hit or field" if cell is None else f"marks there: {[m.text() for m in cell.find_all('mark')]!r}",
    )
    # the text of the cell with the <mark> elements dissolved: their text stays, so this is the field as rendered
    shown = cell.text() if cell else None
    check(
        "the marked field, marks removed, is the document's field text",
        shown == expected["text"],
        f"{len(shown or '')} chars shown, {len(expected['text'])} in the document",
    )

    answers = [next(a.find_all("span"), None) for a in root.find_all("li") if a.has_class("answer")]
    first = answers[0].text() if answers and answers[0] is not None else None
    check("the answers panel shows the _realm best answer first", first == answer, f"panel's first answer {first!r}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
