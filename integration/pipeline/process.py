"""Processing one stored event, end to end, safely re-runnable.

load + lease → fetch the ticket fresh → loop guard → plan (analysis, policy,
drafting) → apply → record effect + enrichment + done in one transaction.
Every step may run twice (redelivery, sweep, manual retry): the lease keeps two
copies from running at once, the effects ledger keeps a finished one from
writing again, and connectors' apply() is itself idempotent (note markers,
additive tags).
"""
from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import and_, bindparam, insert, or_, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from connectors import registry
from connectors.base import InstallationContext, TicketEvent
from connectors.errors import (
    ConnectorError,
    RateLimited,
    Unauthorized,
    WebhookError,
)
from integration.domain.drafting.coaching import questions_in
from integration.logs import fields
from integration.pipeline import edits, locks, memory, metrics, pause, ratelimit, tokens
from integration.pipeline.enrichment import plan_enrichment
from integration.store import installations
from integration.store.crypto import Keyring
from integration.store.db import Database
from integration.store.models import Effect, Enrichment, Event, EventStatus, utcnow

log = logging.getLogger("tactful.pipeline")
BACKOFF_MAX_S = 480.0             # below the broker visibility timeout (900)


@dataclass(frozen=True)
class Runtime:
    """What processing needs besides the event: stores, limiter, and the retry policy."""

    database: Database
    keyring: Keyring
    limiter: object = field(default_factory=ratelimit.LocalLimiter)
    per_minute: int = ratelimit.DEFAULT_PER_MINUTE
    lease_s: float = 330.0        # task hard limit (300) + margin
    backoff_base_s: float = 2.0
    max_attempts: int = 8         # failures counted in the database, not by the broker
    http_timeout_s: float = 10.0  # vendor calls, unless an installation sets its own
    max_age_s: float = 48 * 3600  # a still-waiting event older than this is dead-lettered
    calls_per_ticket: int = 5     # vendor calls one enrichment typically makes (reservations)
    send_alert: Callable[[str, dict], None] | None = None   # queues a proactive alert
    # queues a group assignment for later (installation, ticket, group, countdown seconds)
    assign_later: Callable[[str, str, str, float], None] | None = None


@dataclass(frozen=True)
class Outcome:
    status: str                   # done / ignored / failed / skipped / retry / wait
    reason: str = ""
    countdown: float = 0.0        # retry / wait: seconds until the event is due (0: unknown)


def backoff_s(rt: Runtime, attempt: int) -> float:
    """Full jitter: spreads a thundering herd after an outage."""
    cap = min(BACKOFF_MAX_S, rt.backoff_base_s * 2 ** max(0, attempt - 1))
    return random.uniform(min(0.5, cap / 2), cap)


# The hot statements are built once with named parameters: a statement rebuilt with
# its values inlined costs SQLAlchemy a fresh cache key on every call.
# Claimable: dispatched (queued), or a redelivery of a run whose lease ran out or is
# ours, or (a message published outside the dispatcher) a ready event that is due.
_CLAIM = update(Event).where(
    Event.id == bindparam("b_id"), Event.status.in_(EventStatus.OPEN),
    or_(Event.status == EventStatus.QUEUED,
        Event.lease_holder == bindparam("b_holder"),
        and_(or_(Event.lease_until.is_(None), Event.lease_until < bindparam("b_now")),
             or_(Event.status == EventStatus.PROCESSING, Event.next_attempt_at.is_(None),
                 Event.next_attempt_at <= bindparam("b_now")))),
).values(status=EventStatus.PROCESSING, attempts=Event.attempts + 1,
         lease_until=bindparam("b_until"), lease_holder=bindparam("b_holder"),
         ).returning(*Event.__table__.columns)
_FINISH = update(Event).where(Event.id == bindparam("b_id")).values(
    status=bindparam("b_status"), last_error=bindparam("b_reason"), lease_until=None,
    lease_holder=None, next_attempt_at=None, wait_reason=None, prepaid_calls=0)
_INSERT_EFFECT, _INSERT_ENRICHMENT = insert(Effect), insert(Enrichment)
_DONE_BEFORE = select(Effect.id).where(Effect.installation_id == bindparam("b_installation"),
                                       Effect.op_key == bindparam("b_key"))


def claim(rt: Runtime, event_id: int, task_id: str) -> Event | None:
    """Take the event's lease unless it is final, not yet due, or someone else holds it.

    One UPDATE … RETURNING, committed on its own: the row comes back with the lease,
    without a second round trip to read it.
    """
    now = utcnow()
    params = {"b_id": event_id, "b_now": now, "b_holder": task_id,
              "b_until": now + timedelta(seconds=rt.lease_s)}
    row = rt.database.autocommit(lambda c: c.execute(_CLAIM, params).mappings().first())
    return Event(**row) if row is not None else None


def finish(rt: Runtime, event_id: int, status: str, reason: str = "") -> Outcome:
    params = {"b_id": event_id, "b_status": status, "b_reason": reason or None}
    rt.database.autocommit(lambda c: c.execute(_FINISH, params))
    log.info(f"event.{status}", extra=fields(event_id=event_id, reason=reason))
    return Outcome(status, reason)


def schedule_retry(rt: Runtime, event: Event, countdown: float, reason: str) -> Outcome:
    """A failure (5xx, timeout, unexpected error): counts an attempt; due after a backoff.

    The lease is dropped: the dispatcher hands the event out again once it is due."""
    if event.attempts >= rt.max_attempts:
        return finish(rt, event.id, EventStatus.FAILED,
                      f"gave up after {event.attempts} attempts: {reason}")
    now = utcnow()
    rt.database.autocommit(lambda c: c.execute(update(Event).where(Event.id == event.id).values(
        status=EventStatus.RETRYING, last_error=reason, wait_reason=None, prepaid_calls=0,
        next_attempt_at=now + timedelta(seconds=countdown), lease_until=None,
        lease_holder=None)))
    log.info("event.retry", extra=fields(event_id=event.id, countdown=round(countdown, 2),
                                         reason=reason, attempt=event.attempts))
    return Outcome("retry", reason, countdown)


def wait(rt: Runtime, event: Event, reason: str, why: str, countdown: float | None,
         prepaid: int = 0) -> Outcome:
    """Flow control (budget, vendor Retry-After, re-authorisation, a busy ticket): not a
    failure. The attempt is given back and `waits` counts instead; only age ends it.
    `countdown=None`: due when something else changes (the installation is re-activated)."""
    now = utcnow()
    if (now - event.received_at).total_seconds() > rt.max_age_s:
        hours = round(rt.max_age_s / 3600, 1)
        return finish(rt, event.id, EventStatus.FAILED,
                      f"still waiting after the maximum age of {hours} h: {why}")
    due = None if countdown is None else now + timedelta(seconds=countdown)
    rt.database.autocommit(lambda c: c.execute(update(Event).where(Event.id == event.id).values(
        status=EventStatus.WAITING, attempts=Event.attempts - 1, waits=Event.waits + 1,
        wait_reason=reason, last_error=why, prepaid_calls=prepaid, next_attempt_at=due,
        lease_until=None, lease_holder=None)))
    log.info("event.wait", extra=fields(event_id=event.id, reason=reason,
                                        countdown=None if countdown is None
                                        else round(countdown, 2)))
    return Outcome("wait", why, countdown or 0.0)


def process_event(rt: Runtime, event_id: int, task_id: str) -> Outcome:
    outcome = _process_event(rt, event_id, task_id)
    if outcome.status in EventStatus.FINAL:
        metrics.EVENTS_FINISHED.labels(state=outcome.status).inc()
    return outcome


def _process_event(rt: Runtime, event_id: int, task_id: str) -> Outcome:
    event = claim(rt, event_id, task_id)
    if event is None:
        return Outcome("skipped", "final, not due, or leased by another delivery")
    if event.attempts == 1:
        metrics.QUEUE_LAG.observe(max(0.0, (utcnow() - event.received_at).total_seconds()))
    if event.attempts > rt.max_attempts:
        # Redelivered after its worker died again and again (a poison message): park it.
        return finish(rt, event.id, EventStatus.FAILED,
                      f"gave up after {event.attempts - 1} deliveries: {event.last_error or ''}")
    try:
        return _process_claimed(rt, event)
    except ratelimit.BudgetSpent as exc:
        return _wait_for_budget(rt, event, exc.calls, "budget",
                                "waiting for the installation's outbound budget")
    except RateLimited as exc:
        # The vendor's Retry-After holds the whole account: pause its budget, then book
        # this event a slot after the pause like any other budget wait.
        metrics.RATE_LIMIT_WAITS.inc()
        rt.limiter.pause(event.installation_id, _per_minute(rt, event.installation_id),
                         exc.retry_after)
        return _wait_for_budget(rt, event, 0, "vendor",
                                f"rate limited by the vendor: {exc.args[-1]}")
    except locks.LockBusy:
        # Its reserved calls went back to the budget on the way out: it asks again.
        return wait(rt, event, "ticket", "another event for this ticket is being processed",
                    random.uniform(0.5, 2.0))
    except ReauthNeeded as exc:
        return wait(rt, event, "reauth", str(exc), None)
    except InstallationPaused as exc:
        return wait(rt, event, "paused", str(exc), None)
    except ConnectorError as exc:
        if exc.retryable:
            return schedule_retry(rt, event, backoff_s(rt, event.attempts),
                                  f"{type(exc).__name__}: {exc.args[-1]}")
        return finish(rt, event.id, EventStatus.FAILED, f"{type(exc).__name__}: {exc.args[-1]}")
    except Exception as exc:  # a bug or a database hiccup: bounded retries, then dead letter
        log.exception("event.unexpected-error", extra=fields(event_id=event.id))
        return schedule_retry(rt, event, backoff_s(rt, event.attempts),
                              f"unexpected {type(exc).__name__}")


def _wait_for_budget(rt: Runtime, event: Event, calls: int, reason: str, why: str) -> Outcome:
    """Book the event its own future slot (the next run's calls, reserved) and wait for it."""
    per_minute = _per_minute(rt, event.installation_id)
    calls = max(rt.calls_per_ticket, calls)
    countdown = rt.limiter.take(event.installation_id, per_minute, cost=calls, reserve=True)
    return wait(rt, event, reason, why, countdown, prepaid=calls)


def _per_minute(rt: Runtime, installation_id: str) -> int:
    row = installations.fetch_row(rt.database, installation_id)
    configured = (row.settings or {}).get("rate_limit_per_minute") if row is not None else None
    return int(configured or rt.per_minute)


class ReauthNeeded(RuntimeError):
    """The installation's credentials are rejected: wait for its re-authorisation."""


class InstallationPaused(RuntimeError):
    """An admin paused the installation: wait for the resume."""


def _process_claimed(rt: Runtime, event: Event) -> Outcome:
    database = rt.database
    row = installations.fetch_row(database, event.installation_id)
    if row is not None and row.status == installations.NEEDS_REAUTH:
        raise ReauthNeeded("installation needs re-authorisation")
    if row is None or row.status != installations.ACTIVE:
        status = row.status if row else "missing"
        return finish(rt, event.id, EventStatus.IGNORED, f"installation {status}")
    if row.paused:
        # Checked before anything is fetched; the event runs when the admin resumes.
        raise InstallationPaused(pause.PAUSED_REASON)
    ctx = installations.context_of(row, rt.keyring, database)
    dry_run = bool(row.dry_run)
    ctx.settings.setdefault("http_timeout_s", rt.http_timeout_s)
    connector = registry.get(ctx.provider)
    per_minute = int(ctx.settings.get("rate_limit_per_minute") or rt.per_minute)
    # One event per ticket at a time, so two events about one message cannot both write.
    with ratelimit.budget(rt.limiter, ctx.id, per_minute, prepaid=event.prepaid_calls), \
            locks.held(database, f"ticket:{ctx.id}:{event.ticket_id}", ttl_s=rt.lease_s,
                       holder=event.lease_holder):
        try:
            return _enrich(rt, connector, ctx, event, dry_run)
        except Unauthorized:
            if not hasattr(connector, "refresh_credentials") or not ctx.credentials.get(
                    "refresh_token"):
                raise _needs_reauth(database, ctx.id) from None
            ctx = tokens.refresh_single_flight(database, rt.keyring, connector, ctx)
            try:
                return _enrich(rt, connector, ctx, event, dry_run)
            except Unauthorized:
                raise _needs_reauth(database, ctx.id) from None


def _needs_reauth(database: Database, installation_id: str) -> ReauthNeeded:
    with database.session() as session:
        session.execute(update(installations.Installation).where(
            installations.Installation.id == installation_id).values(
            status=installations.NEEDS_REAUTH))
    log.warning("installation.needs-reauth", extra=fields(installation=installation_id))
    return ReauthNeeded("credentials rejected after one refresh: installation needs "
                        "re-authorisation")


def _stored_event(connector, event: Event) -> TicketEvent:
    if event.payload:
        try:
            parsed = connector.parse_event(event.payload)
            if parsed is not None:
                return parsed
        except WebhookError:
            pass
    return TicketEvent(provider_event_id=event.provider_event_id, ticket_id=event.ticket_id,
                       kind=event.kind, occurred_at=event.occurred_at)


def _enrich(rt: Runtime, connector, ctx: InstallationContext, event: Event,
            dry_run: bool = False) -> Outcome:
    ticket = connector.fetch_ticket(ctx, event.ticket_id)
    _note_undoing_edits(rt, ctx, ticket)
    if connector.is_own_change(ctx, _stored_event(connector, event), ticket):
        return finish(rt, event.id, EventStatus.IGNORED, "caused by our own write-back")
    if not ticket.latest_message.strip():
        return finish(rt, event.id, EventStatus.IGNORED, "no customer message to analyse")
    plan = plan_enrichment(ticket, ctx.settings, memory.prepare(rt.database, ctx, ticket))
    metrics.ANALYSIS.observe(sum(plan.timings_ms.values()) / 1000)
    key = plan.enrichment.op_key
    done_before = rt.database.autocommit(lambda c: c.scalar(
        _DONE_BEFORE, {"b_installation": ctx.id, "b_key": key}))
    if done_before:
        return finish(rt, event.id, EventStatus.DONE, "already enriched this message")
    if dry_run:
        # Dry run: record what would have been written; no vendor write, no effect row,
        # so the same message is written for real once dry run is switched off.
        _record(rt, ctx, event, ticket, plan, _would_write(plan.enrichment), dry_run=True)
        return Outcome(EventStatus.DONE)
    result = connector.apply(ctx, ticket, plan.enrichment)
    written = {"tags": list(result.tags_added), "priority": result.priority_set,
               "fields": dict(result.fields_set), "note": result.note_added,
               "reply": result.reply_sent, "already_applied": result.already_applied}
    _record(rt, ctx, event, ticket, plan, written)
    memory.after_enrichment(rt.database, connector, ctx, ticket, plan, rt.send_alert,
                            event_id=event.id, assign_later=rt.assign_later)
    return Outcome(EventStatus.DONE)


def _would_write(enrichment) -> dict:
    return {"tags": list(enrichment.add_tags), "priority": enrichment.priority,
            "fields": dict(enrichment.custom_fields), "note": bool(enrichment.note),
            "reply": bool(enrichment.public_reply),
            "already_applied": False}


def _note_undoing_edits(rt: Runtime, ctx: InstallationContext, ticket) -> None:
    """Feedback from what people changed since our last write; never fails the event."""
    prefix = (ctx.settings.get("policy") or {}).get("tag_prefix") or "tactful_"
    try:
        edits.record_edits(rt.database, ctx.id, ticket, prefix)
    except SQLAlchemyError:
        log.warning("feedback.edits-not-recorded", extra=fields(installation=ctx.id))


def _stored_analysis(plan, ticket) -> dict:
    """What the sidebar shows later: the analysis, the decision, the draft, the
    customer's questions (for coaching the agent's own reply), the recommended knowledge
    and the routed group (whether it was assigned lands in `written` afterwards)."""
    return {**plan.analysis.to_dict(), **plan.decision.to_dict(),
            "draft": {"reply": plan.draft.reply, "tips": list(plan.draft.tips)},
            "questions": questions_in(ticket.latest_message),
            "recommendations": [r.to_stored() for r in plan.recommendations],
            "route": plan.route.to_dict() if plan.route is not None else None}


def _record(rt, ctx, event, ticket, plan, written, dry_run: bool = False) -> None:
    from integration.domain.analysis import ANALYZER_VERSION
    try:
        # Core statements in one transaction: the ORM's unit of work cost more than
        # the three statements themselves.
        with rt.database.engine.begin() as connection:
            if not dry_run:
                connection.execute(_INSERT_EFFECT, {
                    "installation_id": ctx.id, "ticket_id": ticket.id,
                    "op_key": plan.enrichment.op_key, "event_id": event.id})
            connection.execute(_INSERT_ENRICHMENT, {
                "event_id": event.id, "installation_id": ctx.id, "ticket_id": ticket.id,
                "ticket_version": ticket.version, "analyzer_version": ANALYZER_VERSION,
                "analysis": _stored_analysis(plan, ticket),
                "written": {**written, "note_text": plan.enrichment.note},
                "timings_ms": plan.timings_ms, "dry_run": dry_run,
                "message": ticket.latest_message})
            connection.execute(_FINISH, {"b_id": event.id, "b_status": EventStatus.DONE,
                                         "b_reason": None})
    except IntegrityError:
        # A parallel copy recorded the same effect first; ours changed nothing new.
        finish(rt, event.id, EventStatus.DONE, "already enriched this message")
        return
    log.info("event.done", extra=fields(event_id=event.id, installation=ctx.id,
                                        tags_added=len(written["tags"])))

