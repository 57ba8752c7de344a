#!/usr/bin/env python3
"""End-to-end EM/F1 of _realm answers at several retrieval temperatures, from one pass of "explain": true readings.

    integ-test/temperature-sweep.py --url http://127.0.0.1:9280 --index eval \
        --questions ../shared/data/squad/dev-v1.1.json [--max-questions 300] [--k 5] [--temperatures 1,0.3,0.1,0.05]

Asks each question once with "explain": true (the index must have a reader, e.g. one left by integ-test/eval.sh
--keep-node), then re-scores the answers as the plugin does (p(z|q) = softmax(score / T) over the k passages, spans
merged by SQuAD-normalised text, summed) for every temperature T, and prints EM/F1 per T next to the node's own answers.
"""
import argparse
import collections
import json
import math
import re
import string
import urllib.request

PUNCTUATION = set(string.punctuation)


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


def rescore(reading, temperature):
    scores = [r["score"] / temperature for r in reading]
    top = max(scores)
    weights = [math.exp(s - top) for s in scores]
    total = sum(weights)
    answers, texts = collections.defaultdict(float), {}
    for weight, passage in zip(weights, reading):
        for span in passage["spans"]:
            key = normalize(span["text"])
            if key:
                answers[key] += weight / total * span["probability"]
                texts.setdefault(key, span["text"])
    return texts[max(answers, key=answers.get)] if answers else ""


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
    rows = []
    for question, golds in questions:
        body = json.dumps({"query": question, "k": args.k, "explain": True, "num_answers": 20}).encode()
        request = urllib.request.Request(f"{args.url}/{args.index}/_realm", body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=120) as response:
            result = json.load(response)
        node = result["answers"][0]["text"] if result.get("answers") else ""
        rows.append((golds, result["reading"], node))
    predictions = {"node": [node for _, _, node in rows]}
    for t in [float(x) for x in args.temperatures.split(",")]:
        predictions[f"T={t:g}"] = [rescore(reading, t) for _, reading, _ in rows]
    print(f"{len(rows)} questions, k={args.k}")
    for name, predicted in predictions.items():
        em = sum(max(normalize(p) == normalize(g) for g in golds) for p, (golds, _, _) in zip(predicted, rows))
        f = sum(max(f1(p, g) for g in golds) for p, (golds, _, _) in zip(predicted, rows))
        print(f"{name:>8}  EM {100 * em / len(rows):5.1f}  F1 {100 * f / len(rows):5.1f}")


if __name__ == "__main__":
    main()
