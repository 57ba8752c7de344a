#!/usr/bin/env python3
"""Plots end-to-end EM (and F1) against k per retrieval mode from an eval.sh results.json: plot-em-vs-k.py RESULTS PNG."""

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

MODES = ("dense", "bm25", "hybrid")


def main(results_path, png_path):
    results = json.load(open(results_path, encoding="utf-8"))
    modes = [m for m in MODES if f"e2e_em_at_k_{m}" in results]
    if not modes:
        raise SystemExit(f"{results_path} has no end-to-end sweep (no reader, --modes none, or an older eval)")
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=120)
    for mode, color in zip(MODES, ("tab:blue", "tab:orange", "tab:green")):
        if mode not in modes:
            continue
        em = results[f"e2e_em_at_k_{mode}"]
        f1 = results[f"e2e_f1_at_k_{mode}"]
        ks = list(range(1, len(em) + 1))
        ax.plot(ks, em, marker="o", color=color, label=f"{mode} EM")
        ax.plot(ks, f1, linestyle="--", color=color, alpha=0.6, label=f"{mode} F1")
    ax.set_xlabel("k (passages read)")
    ax.set_ylabel("percent")
    ax.set_xticks(list(range(1, len(results[f"e2e_em_at_k_{modes[0]}"]) + 1)))
    ax.grid(True, alpha=0.3)
    ax.legend(ncol=3, fontsize=8)
    ax.set_title(f"opensearch-realm end to end: {results.get('questions')} questions of "
                 f"{results.get('questions_path', '').rsplit('/', 1)[-1]}", fontsize=10)
    fig.tight_layout()
    fig.savefig(png_path)
    print(f"written {png_path}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
