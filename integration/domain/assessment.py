"""Analysis → policy → drafting for one customer message: the one pure path.

The worker (integration.pipeline.enrichment), `tactful analyze` and `POST /api/analyze`
all call assess(), so what an agent sees in the helpdesk is exactly what the CLI
and the API show for the same text and settings.
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from integration.domain.analysis import analyze
from integration.domain.analysis.types import Analysis, Decision, Draft, TicketFacts
from integration.domain.policy import decide


@dataclass(frozen=True)
class Assessment:
    analysis: Analysis
    decision: Decision
    draft: Draft | None
    timings_ms: dict


def assess(text: str, *, name: str | None = None, settings: dict | None = None,
           facts: TicketFacts | None = None, with_draft: bool = True,
           thread: Sequence[str] | None = None, unanswered: int = 0) -> Assessment:
    """`settings` is an installation's settings: sections "analysis", "policy", "drafting".

    `thread`: the customer's earlier messages in the ticket, oldest first (adds `trend`).
    """
    settings = settings or {}
    facts = facts or TicketFacts(requester_name=name)
    started = time.perf_counter()
    # The requester's name is masked before scoring: who the customer is must never move a label.
    analysis = analyze(text, settings.get("analysis"), names=(name,) if name else (),
                       thread=thread, unanswered=unanswered)
    analysed = time.perf_counter()
    decision = decide(analysis, settings.get("policy"), facts)
    decided = time.perf_counter()
    draft = None
    if with_draft:
        from integration.domain.drafting import compose_draft
        draft = compose_draft(analysis, text=text, name=name, settings=settings.get("drafting"),
                              decision=decision)
    drafted = time.perf_counter()
    return Assessment(analysis, decision, draft, {
        "analysis": _ms(started, analysed), "policy": _ms(analysed, decided),
        "drafting": _ms(decided, drafted)})


def _ms(start: float, end: float) -> float:
    return round((end - start) * 1000, 3)
