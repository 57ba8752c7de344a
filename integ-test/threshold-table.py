#!/usr/bin/env python3
"""The answers of an eval.sh run at other no-answer thresholds, without asking again.

    integ-test/threshold-table.py DIR/predictions.jsonl [--mode hybrid] [--thresholds 0.1,0.2,0.35,0.5,1]
                                  [--max-has-ans-drop 5]

predictions.jsonl (integ-test/eval.sh) holds, per question and mode, p(no answer | q) at --k and the EM/F1 of the
top answer whatever the threshold; at a threshold t the index abstains when p(no answer | q) > t (the plugin's rule).
Prints, per threshold: answerable EM/F1, unanswerable accuracy, EM/F1 over all questions and the share of answerable
questions abstained on. With unanswerable questions in the file it also prints the most abstaining threshold that
keeps answerable EM within --max-has-ans-drop points of never abstaining (the F1-best one is eval.sh's own
no_answer_sweep_<mode> in results.json).
"""
import argparse
import json


def load(path, mode):
    rows = []
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            p = r.get("no_answer_probability_" + mode)
            if p is None:
                continue
            rows.append((len(r["answers"]) > 0, p, r["top_answer_em_" + mode], r.get("top_answer_f1_" + mode)))
    if not rows:
        raise SystemExit(f"no question of {path} has mode [{mode}]: was eval.sh run with --modes {mode}?")
    if any(r[3] is None for r in rows):
        raise SystemExit(f"{path} has no top_answer_f1_{mode}: it was written by an older eval.sh")
    return rows


def at(rows, t):
    has = [r for r in rows if r[0]]
    none = [r for r in rows if not r[0]]
    em = f1 = has_em = has_f1 = no_acc = abstained = 0.0
    for answerable, p, top_em, top_f1 in rows:
        abstains = p > t
        e, f = ((0.0, 0.0) if answerable else (1.0, 1.0)) if abstains else (top_em, top_f1)
        em, f1 = em + e, f1 + f
        if answerable:
            has_em, has_f1, abstained = has_em + e, has_f1 + f, abstained + abstains
        else:
            no_acc += e
    pct = lambda x, n: round(100 * x / n, 2) if n else None
    return {"threshold": t, "has_ans_em": pct(has_em, len(has)), "has_ans_f1": pct(has_f1, len(has)),
            "no_ans_accuracy": pct(no_acc, len(none)), "em": pct(em, len(rows)), "f1": pct(f1, len(rows)),
            "abstained_answerable": pct(abstained, len(has))}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("predictions")
    ap.add_argument("--mode", default="hybrid")
    ap.add_argument("--thresholds", default="0.1,0.2,0.35,0.5,0.7,0.9,1")
    ap.add_argument("--max-has-ans-drop", type=float, default=5.0)
    a = ap.parse_args()
    rows = load(a.predictions, a.mode)
    points = [at(rows, float(t)) for t in a.thresholds.split(",")]
    if any(not r[0] for r in rows):
        never = at(rows, 1.0)["has_ans_em"]
        # thresholds ascending: the first that keeps answerable EM close enough is the most abstaining one
        kept = next(c for c in (at(rows, t) for t in sorted({r[1] for r in rows} | {1.0}))
                    if c["has_ans_em"] >= never - a.max_has_ans_drop)
        points.append(dict(kept, threshold=f"{kept['threshold']:.4f} (answerable EM within {a.max_has_ans_drop:g})"))
    keys = ["threshold", "has_ans_em", "has_ans_f1", "no_ans_accuracy", "em", "f1", "abstained_answerable"]
    print(f"{len(rows)} questions ({sum(1 for r in rows if r[0])} answerable), mode {a.mode}")
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for p in points:
        print("| " + " | ".join("n/a" if p[k] is None else str(p[k]) for k in keys) + " |")


if __name__ == "__main__":
    main()
