"""From a fetched ticket to the Enrichment we write back.

The adapter between the connectors' types and the pure domain: no network, no
database. Processing calls it between fetch and apply.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from connectors.base import Enrichment, Ticket
from integration.domain.analysis.types import Analysis, Decision, Draft, TicketFacts
from integration.domain.assessment import assess


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
    settings = settings or {}
    facts = TicketFacts(existing_priority=ticket.priority, tags=tuple(ticket.tags),
                        requester_name=ticket.requester_name)
    result = assess(ticket.latest_message, name=ticket.requester_name, settings=settings,
                    facts=facts, thread=list(ticket.earlier_messages) or None,
                    unanswered=ticket.unanswered_follow_ups)
    draft = result.draft
    public = bool((settings.get("drafting") or {}).get("public_replies")) and draft.reply
    enrichment = Enrichment(
        op_key=op_key_for(ticket),
        add_tags=tuple(t for t in result.decision.tags if t not in ticket.tags),
        priority=result.decision.priority if result.decision.priority != ticket.priority
        else None,
        custom_fields=dict(result.decision.custom_fields),
        note=draft.note,
        public_reply=draft.reply if public else None,
    )
    return EnrichmentPlan(enrichment, result.analysis, result.decision, draft,
                          result.timings_ms)
