"""From a fetched ticket to the Enrichment we write back.

The adapter between the connectors' types and the pure domain: no network, no
database. Processing calls it between fetch and apply.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from connectors.base import Enrichment, Ticket
from integration.domain import recommend, routing
from integration.domain.analysis.types import Analysis, Decision, Draft, TicketFacts
from integration.domain.assessment import CustomerHistory, assess
from integration.domain.memory import CustomerSignals
from integration.domain.policy import is_vip


@dataclass(frozen=True)
class MemoryContext:
    """What memory adds before planning: the requester's history and the knowledge index."""

    history: CustomerHistory | None = None
    knowledge: recommend.Index | None = None
    preferred: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class EnrichmentPlan:
    enrichment: Enrichment
    analysis: Analysis
    decision: Decision
    draft: Draft
    timings_ms: dict
    customer: CustomerSignals | None = None
    recommendations: tuple[recommend.Recommendation, ...] = ()
    route: routing.Route | None = None


def op_key_for(ticket: Ticket) -> str:
    """One key per customer message: two events about the same message write once."""
    message = ticket.latest_message_id or hashlib.sha256(
        ticket.latest_message.encode()).hexdigest()[:24]
    return f"enrich:{ticket.id}:{message}"


def plan_enrichment(ticket: Ticket, settings: dict | None,
                    context: MemoryContext | None = None) -> EnrichmentPlan:
    settings = settings or {}
    context = context or MemoryContext()
    facts = TicketFacts(existing_priority=ticket.priority, tags=tuple(ticket.tags),
                        requester_name=ticket.requester_name)
    result = assess(ticket.latest_message, name=ticket.requester_name, settings=settings,
                    facts=facts, thread=list(ticket.earlier_messages) or None,
                    unanswered=ticket.unanswered_follow_ups,
                    history=context.history)
    draft = result.draft
    recommendations = tuple(recommend.recommend(
        context.knowledge, f"{ticket.subject}\n{ticket.latest_message}",
        preferred=context.preferred)) if context.knowledge else ()
    route = _route(ticket, settings, result)
    note = "\n\n".join(part for part in (
        draft.note, routing.note_line(route), recommend.note_section(list(recommendations)))
        if part)
    public = bool((settings.get("drafting") or {}).get("public_replies")) and draft.reply
    enrichment = Enrichment(
        op_key=op_key_for(ticket),
        add_tags=tuple(t for t in result.decision.tags if t not in ticket.tags),
        priority=result.decision.priority if result.decision.priority != ticket.priority
        else None,
        custom_fields=dict(result.decision.custom_fields),
        note=note,
        public_reply=draft.reply if public else None,
    )
    return EnrichmentPlan(enrichment, result.analysis, result.decision, draft,
                          result.timings_ms, result.customer, recommendations, route)


def _route(ticket: Ticket, settings: dict, result) -> routing.Route | None:
    if not (settings.get("routing") or {}).get("rules"):
        return None
    customer = result.customer
    return routing.match(settings.get("routing"), routing.RouteFacts(
        topic=result.analysis.topic, language=result.analysis.language,
        urgency=result.analysis.urgency, vip=is_vip(ticket.tags, settings.get("policy")),
        at_risk=bool(customer and customer.at_risk)))
