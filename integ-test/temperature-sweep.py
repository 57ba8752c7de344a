#!/usr/bin/env python3
"""End-to-end EM/F1 of the answers _realm returns at several retrieval temperatures.

    integ-test/temperature-sweep.py --url http://127.0.0.1:9280 --index eval \
        --questions ../shared/data/squad/dev-v1.1.json [--max-questions 300] [--k 5] [--temperatures 1,0.3,0.1,0.05]

Asks every question at the index's own retrieval temperature (the row "node"), then at each temperature T after
setting the index's dynamic setting index.realm.retrieval_temperature to T, and scores the top answer the plugin
returns (SQuAD normalisation, max over the gold answers): the answers are the plugin's own REALM scores, nothing is
re-scored here. The setting is put back as it was at the end. The index must have a reader, e.g. the one that
integ-test/eval.sh --keep-node leaves. Each temperature is one pass over the questions (reading dominates: about a
second per question on 2 cores); a temperature equal to the index's own reuses the "node" pass.
"""
import argparse
import collections
import json
import os
import re
import string
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import loopback  # noqa: E402  (the scripts' one HTTP client)

PUNCTUATION = set(string.punctuation)
SETTING = "index.realm.retrieval_temperature"


def normalize(text):
    text = "".join(c for c in text.lower() if c not in PUNCTUATION)
    return " ".join(re.sub(r"\b(a|an|the)\b", " ", text).split())


def f1(prediction, gold):
    p, g = normalize(prediction).split(), normalize(gold).split()
    common = sum((collections.Counter(p) & collections.Counter(g)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)


def request(node, method, path, body=None):
    status, _, parsed = node.call(method, path, body)
    if status != 200:
        sys.exit(f"temperature-sweep: {method} {path} -> HTTP {status}: {json.dumps(parsed)[:400]}")
    return parsed


def temperatures_set(node, index):
    """{concrete index: its explicit setting, or None when it has the default} and the temperature in effect (the
    smallest, when the index is an alias or pattern over several)."""
    found = request(node, "GET", f"/{index}/_settings/{SETTING}?include_defaults=true&flat_settings=true")
    explicit = {name: s.get("settings", {}).get(SETTING) for name, s in found.items()}
    effective = min(float(s.get("settings", {}).get(SETTING) or s.get("defaults", {}).get(SETTING)) for s in found.values())
    return explicit, effective


def put_temperature(node, explicit):
    for name, value in explicit.items():
        request(node, "PUT", f"/{name}/_settings", {SETTING: value})


def answers(node, index, questions, k):
    """The plugin's top answer to every question ("" when it has none)."""
    predicted = []
    for question, _ in questions:
        result = request(node, "POST", f"/{index}/_realm", {"query": question, "k": k})
        if "answers" not in result and "reader_error" not in result:
            sys.exit(f"temperature-sweep: {index} has no reader (_realm returned no answers)")
        predicted.append(result["answers"][0]["text"] if result.get("answers") else "")
    return predicted


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default="http://127.0.0.1:9280")
    ap.add_argument("--index", default="eval")
    ap.add_argument("--questions", required=True)
    ap.add_argument("--max-questions", type=int, default=300)
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--temperatures", default="1,0.3,0.1,0.05,0.03,0.01")
    args = ap.parse_args()
    with open(args.questions, encoding="utf-8") as f:
        data = json.load(f)["data"]
    questions = [(q["question"], [a["text"] for a in q["answers"]])
                 for article in data for paragraph in article["paragraphs"] for q in paragraph["qas"] if q["answers"]]
    questions = questions[: args.max_questions]
    with loopback.Connection(args.url) as node:
        original, current = temperatures_set(node, args.index)
        by_temperature = {current: answers(node, args.index, questions, args.k)}
        predictions = {"node": by_temperature[current]}
        try:
            for t in [float(x) for x in args.temperatures.split(",")]:
                if t not in by_temperature:
                    put_temperature(node, {name: t for name in original})
                    by_temperature[t] = answers(node, args.index, questions, args.k)
                predictions[f"T={t:g}"] = by_temperature[t]
        finally:
            put_temperature(node, original)
    print(f"{len(questions)} questions, k={args.k}")
    for name, predicted in predictions.items():
        em = sum(max(normalize(p) == normalize(g) for g in golds) for p, (_, golds) in zip(predicted, questions))
        f = sum(max(f1(p, g) for g in golds) for p, (_, golds) in zip(predicted, questions))
        print(f"{name:>8}  EM {100 * em / len(questions):5.1f}  F1 {100 * f / len(questions):5.1f}")


if __name__ == "__main__":
    main()
