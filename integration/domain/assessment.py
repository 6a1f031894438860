"""Analysis → policy → drafting for one customer message: the one pure path.

The worker (integration.pipeline.enrichment), `tactful analyze` and `POST /api/analyze`
all call assess(), so what an agent sees in the helpdesk is exactly what the CLI
and the API show for the same text and settings.
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from integration.domain.analysis import analyze
from integration.domain.analysis.types import Analysis, Decision, Draft, TicketFacts
from integration.domain.memory import CustomerSignals, TimelineEntry, compute_signals
from integration.domain.policy import decide, is_vip


@dataclass(frozen=True)
class CustomerHistory:
    """The requester's earlier messages (labels only) and where this one sits."""

    timeline: list[TimelineEntry]
    ticket_id: str
    now: datetime


@dataclass(frozen=True)
class Assessment:
    analysis: Analysis
    decision: Decision
    draft: Draft | None
    timings_ms: dict
    customer: CustomerSignals | None = None


def assess(text: str, *, name: str | None = None, settings: dict | None = None,
           facts: TicketFacts | None = None, with_draft: bool = True,
           thread: Sequence[str] | None = None, unanswered: int = 0,
           history: CustomerHistory | None = None) -> Assessment:
    """`settings` is an installation's settings: sections "analysis", "policy", "drafting".

    `thread`: the customer's earlier messages in the ticket, oldest first (adds `trend`).
    `history`: the customer's memory across tickets (adds the customer signals).
    """
    settings = settings or {}
    facts = facts or TicketFacts(requester_name=name)
    started = time.perf_counter()
    # The requester's name is masked before scoring: who the customer is must never move a label.
    analysis = analyze(text, settings.get("analysis"), names=(name,) if name else (),
                       thread=thread, unanswered=unanswered)
    analysed = time.perf_counter()
    customer = None
    if history is not None:
        customer = _customer_signals(analysis, facts, settings, history)
        facts = replace(facts, customer=customer)
    decision = decide(analysis, settings.get("policy"), facts)
    decided = time.perf_counter()
    draft = None
    if with_draft:
        from integration.domain.drafting import compose_draft
        draft = compose_draft(analysis, text=text, name=name, settings=settings.get("drafting"),
                              decision=decision,
                              repeat_contact=bool(customer and customer.repeat_topic))
    drafted = time.perf_counter()
    return Assessment(analysis, decision, draft, {
        "analysis": _ms(started, analysed), "policy": _ms(analysed, decided),
        "drafting": _ms(decided, drafted)}, customer)


def current_entry(analysis: Analysis, ticket_id: str, at: datetime, *, vip: bool,
                  escalated: bool = False) -> TimelineEntry:
    """The timeline entry memory keeps for one analysed message: labels, never text."""
    return TimelineEntry(
        at=at, ticket_id=str(ticket_id), sentiment=analysis.sentiment.score,
        topic=analysis.topic, urgency=analysis.urgency, emotions=tuple(analysis.detected),
        flags=tuple(sorted(f for f, on in analysis.flags.items() if on)),
        escalated=escalated, vip=vip)


def _customer_signals(analysis: Analysis, facts: TicketFacts, settings: dict,
                      history: CustomerHistory) -> CustomerSignals:
    vip = is_vip(facts.tags, settings.get("policy"))
    entry = current_entry(analysis, history.ticket_id, history.now, vip=vip)
    return compute_signals([*history.timeline, entry], history.now, settings.get("memory"))


def _ms(start: float, end: float) -> float:
    return round((end - start) * 1000, 3)
