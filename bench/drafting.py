"""Drafting throughput: drafts per second on fixed analyses (the analyzer is not timed).

Usage: python bench/drafting.py [--n 2000]
"""
from __future__ import annotations

import argparse
import statistics
import time

from integration.domain.analysis.types import EMOTIONS, FLAGS, TOPICS, Analysis, Sentiment
from integration.domain.drafting import compose_draft


def sample_analyses() -> list[Analysis]:
    out = []
    for i, (emotion, topic) in enumerate((e, t) for e in EMOTIONS for t in TOPICS):
        emotions = {name: 0.0 for name in EMOTIONS} | {emotion: 0.4 + (i % 6) / 10}
        out.append(Analysis("en", Sentiment("negative", -0.5, 0.8), emotions, [emotion],
                            {emotion: ["cue"]}, "normal", {f: False for f in FLAGS}, topic))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    analyses = sample_analyses()
    rates = []
    for _ in range(5):
        start = time.perf_counter()
        for i in range(args.n):
            compose_draft(analyses[i % len(analyses)], name="Sam Lee",
                          text=f"My order {i} arrived late and I was charged twice for it.")
        rates.append(args.n / (time.perf_counter() - start))
    print(f"drafts/s: median {statistics.median(rates):,.0f} over 5 runs of {args.n}")


if __name__ == "__main__":
    main()
