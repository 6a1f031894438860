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

from sqlalchemy import bindparam, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from connectors import registry
from connectors.base import InstallationContext, TicketEvent
from connectors.errors import (
    ConnectorError,
    RateLimited,
    Unauthorized,
    WebhookError,
)
from integration.logs import fields
from integration.pipeline import locks, memory, ratelimit, tokens
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
    max_attempts: int = 8         # deliveries counted in the database, not by the broker
    http_timeout_s: float = 10.0  # vendor calls, unless an installation sets its own
    send_alert: Callable[[str, dict], None] | None = None   # queues a proactive alert


@dataclass(frozen=True)
class Outcome:
    status: str                   # done / ignored / failed / skipped / retry
    reason: str = ""
    countdown: float = 0.0


def backoff_s(rt: Runtime, attempt: int) -> float:
    """Full jitter: spreads a thundering herd after an outage."""
    cap = min(BACKOFF_MAX_S, rt.backoff_base_s * 2 ** max(0, attempt - 1))
    return random.uniform(min(0.5, cap / 2), cap)


# The hot statements are built once with named parameters: a statement rebuilt with
# its values inlined costs SQLAlchemy a fresh cache key on every call.
_CLAIM = update(Event).where(
    Event.id == bindparam("b_id"), Event.status.in_(EventStatus.OPEN),
    or_(Event.lease_until.is_(None), Event.lease_until < bindparam("b_now"),
        Event.lease_holder == bindparam("b_holder"), Event.status == EventStatus.QUEUED),
).values(status=EventStatus.PROCESSING, attempts=Event.attempts + 1,
         lease_until=bindparam("b_until"), lease_holder=bindparam("b_holder"),
         ).returning(*Event.__table__.columns)
_FINISH = update(Event).where(Event.id == bindparam("b_id")).values(
    status=bindparam("b_status"), last_error=bindparam("b_reason"), lease_until=None,
    lease_holder=None, next_attempt_at=None)
_INSERT_EFFECT, _INSERT_ENRICHMENT = insert(Effect), insert(Enrichment)
_DONE_BEFORE = select(Effect.id).where(Effect.installation_id == bindparam("b_installation"),
                                       Effect.op_key == bindparam("b_key"))


def claim(rt: Runtime, event_id: int, task_id: str) -> Event | None:
    """Take the event's lease unless it is final or someone else holds it.

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


def schedule_retry(rt: Runtime, event: Event, countdown: float, reason: str,
                   counts: bool = True) -> Outcome:
    """Retry later. `counts=False` for waits that are not failures (another event holds
    the ticket): they give the attempt back, so waiting never dead-letters an event."""
    if counts and event.attempts >= rt.max_attempts:
        return finish(rt, event.id, EventStatus.FAILED,
                      f"gave up after {event.attempts} attempts: {reason}")
    now = utcnow()
    attempts = Event.attempts if counts else Event.attempts - 1
    rt.database.autocommit(lambda c: c.execute(update(Event).where(Event.id == event.id).values(
        status=EventStatus.RETRYING, last_error=reason, attempts=attempts,
        next_attempt_at=now + timedelta(seconds=countdown),
        # Held through the countdown so the sweep leaves the retry message alone.
        lease_until=now + timedelta(seconds=countdown + rt.lease_s))))
    log.info("event.retry", extra=fields(event_id=event.id, countdown=round(countdown, 2),
                                         reason=reason, attempt=event.attempts))
    return Outcome("retry", reason, countdown)


def process_event(rt: Runtime, event_id: int, task_id: str) -> Outcome:
    event = claim(rt, event_id, task_id)
    if event is None:
        return Outcome("skipped", "final, or leased by another delivery")
    if event.attempts > rt.max_attempts:
        # Redelivered after its worker died again and again (a poison message): park it.
        return finish(rt, event.id, EventStatus.FAILED,
                      f"gave up after {event.attempts - 1} deliveries: {event.last_error or ''}")
    try:
        return _process_claimed(rt, event)
    except RateLimited as exc:
        return schedule_retry(rt, event, exc.retry_after + random.uniform(0, 1),
                              f"rate limited: {exc.args[-1]}")
    except locks.LockBusy:
        return schedule_retry(rt, event, random.uniform(0.5, 2.0),
                              "another event for this ticket is being processed", counts=False)
    except ConnectorError as exc:
        if exc.retryable:
            return schedule_retry(rt, event, backoff_s(rt, event.attempts),
                                  f"{type(exc).__name__}: {exc.args[-1]}")
        return finish(rt, event.id, EventStatus.FAILED, f"{type(exc).__name__}: {exc.args[-1]}")
    except Exception as exc:  # a bug or a database hiccup: bounded retries, then dead letter
        log.exception("event.unexpected-error", extra=fields(event_id=event.id))
        return schedule_retry(rt, event, backoff_s(rt, event.attempts),
                              f"unexpected {type(exc).__name__}")


def _process_claimed(rt: Runtime, event: Event) -> Outcome:
    database = rt.database
    row = installations.fetch_row(database, event.installation_id)
    if row is None or row.status != installations.ACTIVE:
        status = row.status if row else "missing"
        return finish(rt, event.id, EventStatus.IGNORED, f"installation {status}")
    ctx = installations.context_of(row, rt.keyring, database)
    ctx.settings.setdefault("http_timeout_s", rt.http_timeout_s)
    connector = registry.get(ctx.provider)
    per_minute = int(ctx.settings.get("rate_limit_per_minute") or rt.per_minute)
    # One event per ticket at a time, so two events about one message cannot both write.
    with ratelimit.budget(rt.limiter, ctx.id, per_minute), \
            locks.held(database, f"ticket:{ctx.id}:{event.ticket_id}", ttl_s=rt.lease_s,
                       holder=event.lease_holder):
        try:
            return _enrich(rt, connector, ctx, event)
        except Unauthorized:
            if not hasattr(connector, "refresh_credentials") or not ctx.credentials.get(
                    "refresh_token"):
                raise _needs_reauth(database, ctx.id) from None
            ctx = tokens.refresh_single_flight(database, rt.keyring, connector, ctx)
            try:
                return _enrich(rt, connector, ctx, event)
            except Unauthorized:
                raise _needs_reauth(database, ctx.id) from None


def _needs_reauth(database: Database, installation_id: str) -> Unauthorized:
    with database.session() as session:
        session.execute(update(installations.Installation).where(
            installations.Installation.id == installation_id).values(
            status=installations.NEEDS_REAUTH))
    log.warning("installation.needs-reauth", extra=fields(installation=installation_id))
    return Unauthorized("credentials rejected after one refresh: installation needs "
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


def _enrich(rt: Runtime, connector, ctx: InstallationContext, event: Event) -> Outcome:
    ticket = connector.fetch_ticket(ctx, event.ticket_id)
    if connector.is_own_change(ctx, _stored_event(connector, event), ticket):
        return finish(rt, event.id, EventStatus.IGNORED, "caused by our own write-back")
    if not ticket.latest_message.strip():
        return finish(rt, event.id, EventStatus.IGNORED, "no customer message to analyse")
    plan = plan_enrichment(ticket, ctx.settings, memory.prepare(rt.database, ctx, ticket))
    key = plan.enrichment.op_key
    done_before = rt.database.autocommit(lambda c: c.scalar(
        _DONE_BEFORE, {"b_installation": ctx.id, "b_key": key}))
    if done_before:
        return finish(rt, event.id, EventStatus.DONE, "already enriched this message")
    result = connector.apply(ctx, ticket, plan.enrichment)
    written = {"tags": list(result.tags_added), "priority": result.priority_set,
               "fields": dict(result.fields_set), "note": result.note_added,
               "reply": result.reply_sent, "already_applied": result.already_applied}
    _record(rt, ctx, event, ticket, plan, written)
    memory.after_enrichment(rt.database, connector, ctx, ticket, plan, rt.send_alert)
    return Outcome(EventStatus.DONE)


def _record(rt, ctx, event, ticket, plan, written) -> None:
    from integration.domain.analysis import ANALYZER_VERSION
    try:
        # Core statements in one transaction: the ORM's unit of work cost more than
        # the three statements themselves.
        with rt.database.engine.begin() as connection:
            connection.execute(_INSERT_EFFECT, {
                "installation_id": ctx.id, "ticket_id": ticket.id,
                "op_key": plan.enrichment.op_key, "event_id": event.id})
            connection.execute(_INSERT_ENRICHMENT, {
                "event_id": event.id, "installation_id": ctx.id, "ticket_id": ticket.id,
                "ticket_version": ticket.version, "analyzer_version": ANALYZER_VERSION,
                "analysis": {**plan.analysis.to_dict(), **plan.decision.to_dict()},
                "written": written, "timings_ms": plan.timings_ms})
            connection.execute(_FINISH, {"b_id": event.id, "b_status": EventStatus.DONE,
                                         "b_reason": None})
    except IntegrityError:
        # A parallel copy recorded the same effect first; ours changed nothing new.
        finish(rt, event.id, EventStatus.DONE, "already enriched this message")
        return
    log.info("event.done", extra=fields(event_id=event.id, installation=ctx.id,
                                        tags_added=len(written["tags"])))


def retry_failed(database: Database, event_id: int) -> bool:
    """Re-drive a dead-lettered event (`tactful events retry ID`)."""
    with database.session() as session:
        result = session.execute(update(Event).where(
            Event.id == event_id, Event.status.in_((EventStatus.FAILED, EventStatus.IGNORED)),
        ).values(status=EventStatus.PENDING, attempts=0, last_error=None, lease_until=None,
                 lease_holder=None, next_attempt_at=None))
        return result.rowcount == 1
