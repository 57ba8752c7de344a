#!/usr/bin/env python3
"""Plots the p50 latency of _realm per stage (encode, search, read, the rest of the round trip) for each situation
bench.sh measured, from its bench.json: plot-latency.py BENCH.json OUT.png."""

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

STAGES = (("encode", "query encoding"), ("search", "retrieval (k-NN, BM25)"), ("read", "reading"),
          ("other", "REST, transport, JSON"))


def main(bench_path, png_path):
    bench = json.load(open(bench_path, encoding="utf-8"))
    situations = bench.get("latency_stages_p50_ms")
    if not situations:
        raise SystemExit(f"{bench_path} has no latency_stages_p50_ms (an older bench)")
    names = list(situations)[::-1]  # the first situation on top
    fig, ax = plt.subplots(figsize=(8, 0.6 * len(names) + 1.6), dpi=120)
    left = [0.0] * len(names)
    for (stage, label), color in zip(STAGES, ("tab:blue", "tab:orange", "tab:green", "tab:gray")):
        widths = [situations[n].get(stage, 0.0) for n in names]
        ax.barh(names, widths, left=left, color=color, label=label)
        left = [a + b for a, b in zip(left, widths)]
    for y, total in enumerate(left):
        ax.text(total, y, f" {total:.0f} ms", va="center", fontsize=8)
    ax.set_xlabel("p50 latency of _realm, ms")
    ax.set_xlim(0, max(left) * 1.15)
    ax.set_title(f"_realm per stage, k={bench.get('k')} ({bench.get('passages')} passages, "
                 f"{bench.get('machine', {}).get('nproc')} cores)")
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    fig.savefig(png_path)


if __name__ == "__main__":
    main(*sys.argv[1:3])
