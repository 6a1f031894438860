"""How varied are the drafts? Count distinct openings over 100 frustrated tickets.

Usage: python bench/draft_variety.py PATH.jsonl [--count 100] [--by analyzer|labels]

Tickets are taken in file order: with `--by analyzer` (default) those whose leading
emotion, as the analyzer sees it, is frustration; with `--by labels` those labelled
annoyance/anger (GoEmotions `labels`) or negative (`label`). The opening is the
empathy sentence that starts the reply's first paragraph after the greeting.
"""
from __future__ import annotations

import argparse
import json
import re
from collections import Counter

from integration.domain.analysis import analyze
from integration.domain.drafting import compose_draft
from integration.domain.drafting.reading import primary_emotion

LABELLED_FRUSTRATION = {"annoyance", "anger", "disappointment", "negative"}


def frustrated(record: dict, by: str):
    """The record's Analysis when it counts as frustrated, else None."""
    analysis = analyze(record["text"])
    if analysis.language != "en":
        return None
    if by == "labels":
        labels = set(record.get("labels") or [record.get("label")])
        return analysis if labels & LABELLED_FRUSTRATION else None
    return analysis if primary_emotion(analysis) == "frustration" else None


def opening(reply: str) -> str:
    empathy = reply.split("\n\n")[1]
    return re.split(r"(?<=[.!?])\s", empathy, maxsplit=1)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--by", choices=("analyzer", "labels"), default="analyzer")
    args = parser.parse_args()
    openings: Counter[str] = Counter()
    with open(args.path, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            analysis = frustrated(record, args.by)
            if analysis is None:
                continue
            openings[opening(compose_draft(analysis, text=record["text"]).reply)] += 1
            if sum(openings.values()) == args.count:
                break
    total = sum(openings.values())
    print(f"{len(openings)} distinct openings over {total} frustrated tickets ({args.path})")
    for text, n in openings.most_common(5):
        print(f"  {n:3d}  {text}")


if __name__ == "__main__":
    main()
