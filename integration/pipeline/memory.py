"""Customer memory in the pipeline: what processing reads before planning, and what it
remembers, routes and alerts on after the enrichment is recorded.

Two calls from process.py: `prepare()` before planning and `after_enrichment()` once the
enrichment is recorded. Everything after the record is best effort: the customer's
note is already written, so a failure here is logged and never fails the event. A group
assignment that meets a spent outbound budget or a transient vendor error is handed to
the `tactful.routing.assign` task (`assign_later`), which tries again after the wait.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta

from connectors import registry
from connectors.base import InstallationContext, Ticket
from connectors.errors import ConnectorError
from integration.domain import recommend
from integration.domain.assessment import CustomerHistory, current_entry
from integration.domain.memory import TimelineEntry, alert_conditions, compute_signals
from integration.domain.policy import is_vip
from integration.logs import fields
from integration.pipeline import alerts, ratelimit
from integration.pipeline.enrichment import EnrichmentPlan, MemoryContext
from integration.store import customers, enrichments, installations, knowledge
from integration.store.db import Database
from integration.store.models import CustomerMessage, utcnow

log = logging.getLogger("tactful.memory")
HISTORY_DAYS = 90
# Besides connectors.base's assigned / kept_existing / unknown_group.
ASSIGN_UNSUPPORTED, ASSIGN_FAILED, ASSIGN_DEFERRED = "unsupported", "failed", "deferred"


def prepare(database: Database, ctx: InstallationContext, ticket: Ticket) -> MemoryContext:
    """The requester's history and the installation's knowledge index, for planning."""
    history, preferred = None, frozenset()
    now = utcnow()
    if ticket.requester_id:
        rows = customers.timeline(database, ctx.id, ticket.requester_id,
                                  since=now - timedelta(days=HISTORY_DAYS))
        history = CustomerHistory([entry_of(r) for r in rows], str(ticket.id), now)
        preferred = frozenset(key for r in rows for key in (r.recommended or ()))
    return MemoryContext(history=history, knowledge=knowledge_index(database, ctx.id),
                         preferred=preferred)


def entry_of(row: CustomerMessage) -> TimelineEntry:
    return TimelineEntry(at=row.at, ticket_id=row.ticket_id, sentiment=row.sentiment,
                         topic=row.topic, urgency=row.urgency, emotions=tuple(row.emotions),
                         flags=tuple(row.flags), escalated=row.escalated, vip=row.vip)


_INDEXES: dict[str, tuple[tuple, recommend.Index]] = {}
_INDEX_LOCK = threading.Lock()


def knowledge_index(database: Database, installation_id: str) -> recommend.Index | None:
    """The installation's BM25 index, rebuilt only when its knowledge changed."""
    stamp = knowledge.version(database, installation_id)
    if not stamp[0]:
        return None
    with _INDEX_LOCK:
        cached = _INDEXES.get(installation_id)
    if cached and cached[0] == stamp:
        return cached[1]
    docs = [recommend.KnowledgeDoc(r.kind, r.external_id, r.title, r.body, r.url)
            for r in knowledge.items(database, installation_id)]
    index = recommend.Index(docs)
    with _INDEX_LOCK:
        _INDEXES[installation_id] = (stamp, index)
    return index


def after_enrichment(database: Database, connector, ctx: InstallationContext, ticket: Ticket,
                     plan: EnrichmentPlan, send_alert: Callable[[str, dict], None] | None,
                     event_id: int | None = None,
                     assign_later: Callable[[str, str, str, float], None] | None = None
                     ) -> None:
    """Remember the message, queue any alert it earns, and assign the routed group.

    Alerts go first, so a failing assignment can never skip one. The assignment's
    outcome is added to the enrichment `event_id` recorded, for the sidebar ("Assigned
    to …" only when the group really was set)."""
    try:
        remembered = _remember(database, ctx, ticket, plan)
        if remembered and send_alert is not None:
            _queue_alerts(database, ctx, ticket, plan, send_alert)
        if plan.route is not None and plan.route.mode == "assign":
            outcome = _assign(connector, ctx, ticket, plan.route.group, assign_later)
            if event_id is not None:
                enrichments.add_written(database, ctx.id, event_id, group=outcome)
    except Exception:   # memory must never fail an enrichment that is already written
        log.exception("memory.after-enrichment-failed", extra=fields(installation=ctx.id))


def _remember(database: Database, ctx: InstallationContext, ticket: Ticket,
              plan: EnrichmentPlan) -> bool:
    if not ticket.requester_id:
        return False
    vip = is_vip(ticket.tags, ctx.settings.get("policy"))
    entry = current_entry(plan.analysis, str(ticket.id), utcnow(), vip=vip,
                          escalated=plan.decision.escalate)
    return customers.add_message(database, {
        "installation_id": ctx.id, "requester_id": ticket.requester_id,
        "ticket_id": entry.ticket_id, "message_key": plan.enrichment.op_key, "at": entry.at,
        "sentiment": entry.sentiment, "emotions": list(entry.emotions), "topic": entry.topic,
        "language": plan.analysis.language, "urgency": entry.urgency,
        "flags": list(entry.flags), "escalated": entry.escalated, "vip": vip,
        "recommended": [f"{r.kind}:{r.id}" for r in plan.recommendations]})


def _assign(connector, ctx: InstallationContext, ticket: Ticket, group: str,
            assign_later: Callable[[str, str, str, float], None] | None) -> str:
    """assigned / kept_existing / unknown_group, or unsupported / deferred / failed.

    A spent budget or a busy vendor queues the assignment for later (assign_group never
    overrides a group, so a late one cannot undo a human's); any other failure is logged,
    not raised, so nothing after it is skipped."""
    if not hasattr(connector, "assign_group"):
        return ASSIGN_UNSUPPORTED
    try:
        outcome = connector.assign_group(ctx, str(ticket.id), group)
    except ConnectorError as exc:
        if exc.retryable and assign_later is not None:
            wait = getattr(exc, "retry_after", 0.0) or ASSIGN_BACKOFF_S
            assign_later(ctx.id, str(ticket.id), group, wait)
            log.info("routing.assign-deferred", extra=fields(installation=ctx.id,
                                                             error=type(exc).__name__,
                                                             countdown=round(wait, 2)))
            return ASSIGN_DEFERRED
        log.warning("memory.assign-failed", extra=fields(installation=ctx.id,
                                                         error=type(exc).__name__))
        return ASSIGN_FAILED
    log.info("routing.assign", extra=fields(installation=ctx.id, outcome=outcome))
    return outcome


ASSIGN_BACKOFF_S = 5.0


def assign_deferred(rt, installation_id: str, ticket_id: str, group: str) -> str:
    """The `tactful.routing.assign` task's work: assign within the installation's budget.

    Raises the connector's error (RateLimited with its wait) for the task to retry."""
    row = installations.fetch_row(rt.database, installation_id)
    if row is None or row.status != installations.ACTIVE or row.paused:
        return "dropped"
    ctx = installations.context_of(row, rt.keyring, rt.database)
    ctx.settings.setdefault("http_timeout_s", rt.http_timeout_s)
    per_minute = int(ctx.settings.get("rate_limit_per_minute") or rt.per_minute)
    with ratelimit.budget(rt.limiter, ctx.id, per_minute):
        outcome = registry.get(ctx.provider).assign_group(ctx, ticket_id, group)
    log.info("routing.assign", extra=fields(installation=ctx.id, outcome=outcome,
                                            deferred=True))
    return outcome


def _queue_alerts(database: Database, ctx: InstallationContext, ticket: Ticket,
                  plan: EnrichmentPlan, send_alert: Callable[[str, dict], None]) -> None:
    settings = ctx.settings.get("alerts") or {}
    wanted = set(settings.get("on") or alerts.CONDITIONS)
    if not settings.get("webhook_url") or plan.customer is None:
        return
    now = utcnow()
    for condition in alert_conditions(plan.customer, plan.decision.escalate):
        if condition not in wanted or not alerts.claim(
                database, ctx.id, str(ticket.id), ticket.requester_id, condition, now):
            continue
        reasons = plan.customer.reasons if condition != "escalation" else \
            [r for r in plan.decision.reasons if r.startswith("escalated")]
        send_alert(ctx.id, alerts.payload(
            condition, ticket_id=str(ticket.id), account=ctx.account, provider=ctx.provider,
            reasons=reasons, priority=plan.decision.priority))


def customer_summary(database: Database, installation_id: str, requester_id: str,
                     settings: dict | None = None, with_timeline: bool = False) -> dict | None:
    """One requester's signals (and timeline): what `tactful customers show` prints."""
    now = utcnow()
    rows = customers.timeline(database, installation_id, requester_id,
                              since=now - timedelta(days=HISTORY_DAYS))
    if not rows:
        return None
    entries = [entry_of(r) for r in rows]
    signals = compute_signals(entries, now, (settings or {}).get("memory"))
    out = {"requester_id": requester_id, "messages": len(rows),
           "last_contact": rows[-1].at.isoformat(), "signals": signals.to_dict()}
    if with_timeline:
        out["timeline"] = [{**e.to_dict(), "language": r.language, "recommended": r.recommended}
                           for e, r in zip(entries, rows, strict=True)]
    return out


def list_customers(database: Database, installation_id: str, settings: dict | None = None,
                   at_risk_only: bool = False, limit: int = 200) -> list[dict]:
    since = utcnow() - timedelta(days=HISTORY_DAYS)
    found = []
    for requester_id in customers.requesters(database, installation_id, since, limit=limit):
        summary = customer_summary(database, installation_id, requester_id, settings)
        if summary and (summary["signals"]["at_risk"] or not at_risk_only):
            found.append(summary)
    return found


def recommend_for(database: Database, installation_id: str, text: str) -> list[dict]:
    index = knowledge_index(database, installation_id)
    return [r.to_dict() for r in recommend.recommend(index, text)] if index else []
