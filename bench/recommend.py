"""Recommendation quality on the shipped sample knowledge base: recall@3 and MRR.

Two labelled sets, each ticket with one right article; the ranker sees all 200 articles
and the ticket's text:
- `generated`: one ticket per article, written by bench/make_knowledge.py with the
  customer's word for each product area (integration/sandbox/knowledge/articles.json);
- `blind`: 150 tickets written by someone who saw only the articles' titles and bodies,
  never the ranker or the generated tickets (bench/data/recommend_blind.jsonl).
Prints a JSON line with --json.

    .venv/bin/python bench/recommend.py [--json]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from integration.domain import recommend  # noqa: E402
from integration.sandbox.knowledge import sample_knowledge  # noqa: E402

BLIND = Path(__file__).with_name("data") / "recommend_blind.jsonl"


def blind_tickets() -> list[dict]:
    with open(BLIND, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def evaluate(labels: bool = True, tickets: list[dict] | None = None) -> dict:
    """`labels=False` indexes articles without their customer-word labels: the harder case
    where the ticket's words for the product area appear nowhere in the article."""
    data = sample_knowledge()
    started = time.perf_counter()
    index = recommend.Index([recommend.KnowledgeDoc(
        "article", a["id"], a["title"], " ".join([a["body"], *(a["labels"] if labels else [])]))
                             for a in data["articles"]])
    built_ms = (time.perf_counter() - started) * 1000
    hits, reciprocal, query_ms = 0, 0.0, []
    tickets = data["tickets"] if tickets is None else tickets
    for ticket in tickets:
        started = time.perf_counter()
        ranked = recommend.recommend(index, ticket["text"], limit=len(data["articles"]))
        query_ms.append((time.perf_counter() - started) * 1000)
        ids = [r.id for r in ranked]
        rank = ids.index(ticket["article"]) + 1 if ticket["article"] in ids else None
        hits += bool(rank and rank <= 3)
        reciprocal += 1 / rank if rank else 0.0
    n = len(tickets)
    return {"articles": len(data["articles"]), "tickets": n, "labels_indexed": labels,
            "recall_at_3": round(hits / n, 3), "mrr": round(reciprocal / n, 3),
            "index_build_ms": round(built_ms, 2),
            "query_p50_ms": round(statistics.median(query_ms), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-labels", action="store_true",
                        help="index articles without their customer-word labels")
    args = parser.parse_args()
    result = {"generated": evaluate(labels=not args.no_labels),
              "blind": evaluate(labels=not args.no_labels, tickets=blind_tickets())}
    if args.json:
        print(json.dumps(result))
    else:
        for name, figures in result.items():
            print(f"== {name} tickets")
            for key, value in figures.items():
                print(f"{key:>16}: {value}")


if __name__ == "__main__":
    main()
