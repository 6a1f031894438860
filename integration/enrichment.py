"""From a ticket to the Enrichment we write back: analysis → policy → drafting.

Pure: no network, no database. The pipeline calls it between fetch and apply;
the CLI and the demo call the same function.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from connectors.base import Enrichment, Ticket
from integration.analysis.types import Analysis, Decision, Draft, TicketFacts


@dataclass(frozen=True)
class EnrichmentPlan:
    enrichment: Enrichment
    analysis: Analysis
    decision: Decision
    draft: Draft
    timings_ms: dict


def op_key_for(ticket: Ticket) -> str:
    """One key per customer message: two events about the same message write once."""
    message = ticket.latest_message_id or hashlib.sha256(
        ticket.latest_message.encode()).hexdigest()[:24]
    return f"enrich:{ticket.id}:{message}"


def plan_enrichment(ticket: Ticket, settings: dict | None) -> EnrichmentPlan:
    from integration.analysis import analyze
    from integration.drafting import compose_draft
    from integration.policy import decide

    settings = settings or {}
    started = time.perf_counter()
    analysis = analyze(ticket.latest_message, settings.get("analysis"))
    analysed = time.perf_counter()
    facts = TicketFacts(existing_priority=ticket.priority, tags=tuple(ticket.tags),
                        requester_name=ticket.requester_name)
    decision = decide(analysis, settings.get("policy"), facts)
    decided = time.perf_counter()
    draft = compose_draft(analysis, text=ticket.latest_message, name=ticket.requester_name,
                          settings=settings.get("drafting"), decision=decision)
    drafted = time.perf_counter()
    public = bool((settings.get("drafting") or {}).get("public_replies")) and draft.reply
    enrichment = Enrichment(
        op_key=op_key_for(ticket),
        add_tags=tuple(t for t in decision.tags if t not in ticket.tags),
        priority=decision.priority if decision.priority != ticket.priority else None,
        custom_fields=dict(decision.custom_fields),
        note=draft.note,
        public_reply=draft.reply if public else None,
    )
    timings = {"analysis": _ms(started, analysed), "policy": _ms(analysed, decided),
               "drafting": _ms(decided, drafted)}
    return EnrichmentPlan(enrichment, analysis, decision, draft, timings)


def _ms(start: float, end: float) -> float:
    return round((end - start) * 1000, 3)
