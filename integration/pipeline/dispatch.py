"""Fair dispatch: per-installation ready lists in the events table, handed to Celery a
few at a time per installation, least-recently-served installation first.

Why: a single FIFO queue makes a quiet installation's new ticket wait behind another
installation's 10,000-event backlog. Here the events table is the ready list (status
pending / retrying / waiting, due when `next_attempt_at` is NULL or past), and at most
`cap` events per installation are queued or in flight at once. So the broker only ever
holds a few messages per installation, and a new ticket waits behind at most `cap`
messages of each other installation.

One pass: count what each installation has in flight; walk the installations with due
events, least recently served first; claim each one's next due events up to its cap
and up to its outbound budget (a ticket's calls are reserved now and prepaid to the
worker) with one conditional UPDATE … RETURNING (atomic on PostgreSQL and SQLite: a row
a worker or another dispatcher took first is not ours); publish.
Events that cannot get budget stay on their list, and a timer wakes the dispatcher at
the earliest next free slot or due time.

Single-flight: one pass at a time (a lease in the locks table). Whoever asks for a
pass first rings a doorbell (a fresh token); the pass holder re-runs while the token
changed under it, so a request that found the lease taken is never lost.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, exists, func, or_, select, update

from integration.logs import fields
from integration.pipeline import handoff, locks, ratelimit
from integration.store import installations
from integration.store.db import Database
from integration.store.models import Event, EventStatus, Installation, utcnow

log = logging.getLogger("tactful.dispatch")
LOCK, DOORBELL, TIMER = "dispatch", "dispatch:wanted", "dispatch:timer"
DISPATCH_LEASE_S = 300       # a claimed message not picked up by then is handed out again
MAX_PASSES = 20              # then hand the rest to another dispatch task (frees the worker)
TIMER_HORIZON_S = 300.0      # beyond this, beat's periodic pass is the wake-up


@dataclass(frozen=True)
class Dispatcher:
    database: Database
    celery_app: object
    limiter: object = field(default_factory=ratelimit.LocalLimiter)
    per_minute: int = ratelimit.DEFAULT_PER_MINUTE
    cap: int = 4                   # events per installation queued or in flight at once
    calls_per_ticket: int = 5
    publish: Callable | None = None   # handoff.publish unless a test records instead


def from_settings(database: Database, celery_app, settings) -> Dispatcher:
    return Dispatcher(database=database, celery_app=celery_app,
                      limiter=ratelimit.limiter_for(settings.broker_url,
                                                    settings.redis_key_prefix),
                      per_minute=settings.rate_limit_per_minute,
                      cap=settings.inflight_per_installation)


@dataclass
class PassResult:
    claimed: int = 0
    published: int = 0
    served: list[str] = field(default_factory=list)   # installations, in the order served
    next_due_s: float | None = None                    # when something becomes due


def ready_filter(now: datetime):
    """Open, nobody holds a live lease, and due (an orphaned queued/processing row is due)."""
    return and_(
        Event.status.in_(EventStatus.OPEN),
        or_(Event.lease_until.is_(None), Event.lease_until < now),
        or_(Event.next_attempt_at.is_(None), Event.next_attempt_at <= now,
            Event.status.in_(EventStatus.IN_FLIGHT)))


def _in_flight(database: Database, now: datetime) -> dict[str, int]:
    query = select(Event.installation_id, func.count()).where(
        Event.status.in_(EventStatus.IN_FLIGHT), Event.lease_until >= now,
    ).group_by(Event.installation_id)
    return dict(database.autocommit(lambda c: c.execute(query).all()))


def _installations_with_due_events(database: Database, now: datetime) -> list:
    # One index probe per installation (ix_events_ready), not a scan of every backlog.
    has_due = exists().where(Event.installation_id == Installation.id, ready_filter(now))
    query = select(Installation.id, Installation.settings).where(
        Installation.status != installations.NEEDS_REAUTH, Installation.paused.is_(False),
        has_due,
    ).order_by(Installation.last_dispatched_at.asc().nulls_first(), Installation.id)
    return database.autocommit(lambda c: c.execute(query).all())


def _due(database: Database, installation_id: str, limit: int, now: datetime) -> list:
    """The installation's next `limit` due events, oldest first: (id, prepaid calls)."""
    query = select(Event.id, Event.prepaid_calls).where(
        Event.installation_id == installation_id, ready_filter(now)).order_by(Event.id) \
        .limit(limit)
    return database.autocommit(lambda c: c.execute(query).all())


def _claim(database: Database, event_ids: list[int], now: datetime) -> list[int]:
    """Atomically take the events that are still due: a conditional UPDATE … RETURNING, so
    a worker or another dispatcher that got one first keeps it (row locks decide)."""
    if not event_ids:
        return []
    statement = update(Event).where(Event.id.in_(event_ids), ready_filter(now)).values(
        status=EventStatus.QUEUED, lease_holder=None,
        lease_until=now + timedelta(seconds=DISPATCH_LEASE_S)).returning(Event.id)
    return sorted(database.autocommit(lambda c: c.scalars(statement).all()))


_SET_PREPAID = update(Event).where(Event.id.in_(bindparam("b_ids", expanding=True))).values(
    prepaid_calls=bindparam("b_calls"))
_RELEASE = update(Event).where(Event.id.in_(bindparam("b_ids", expanding=True)),
                               Event.status == EventStatus.QUEUED).values(lease_until=None)


def release(database: Database, event_ids: list[int]) -> None:
    """Give claims back (no budget, or the broker refused): due again at the next pass."""
    if event_ids:
        database.autocommit(lambda c: c.execute(_RELEASE, {"b_ids": list(event_ids)}))


def _budget_for(d: Dispatcher, installation_id: str, settings: dict, due: list,
                result: PassResult) -> list[int]:
    """Which due events may go now: those with calls reserved already, then others while
    the budget grants a ticket's calls (reserved for them: prepaid to the worker)."""
    per_minute = int((settings or {}).get("rate_limit_per_minute") or d.per_minute)
    cost = min(d.calls_per_ticket, ratelimit.burst_calls(per_minute))
    go = [event_id for event_id, prepaid in due if prepaid > 0]
    granted = []
    for event_id, prepaid in due:
        if prepaid > 0:
            continue
        wait = d.limiter.take(installation_id, per_minute, cost=cost)
        if wait > 0:
            result.next_due_s = min(wait, result.next_due_s or wait)
            break
        granted.append(event_id)
    if granted:
        d.database.autocommit(lambda c: c.execute(_SET_PREPAID, {"b_ids": granted,
                                                                 "b_calls": cost}))
    return sorted(go + granted)


def run_pass(d: Dispatcher, now: datetime | None = None) -> PassResult:
    now = now or utcnow()
    result = PassResult()
    in_flight = _in_flight(d.database, now)
    to_publish: list[int] = []
    for installation_id, settings in _installations_with_due_events(d.database, now):
        room = d.cap - in_flight.get(installation_id, 0)
        if room <= 0:
            continue
        due = _due(d.database, installation_id, room, now)
        go = _claim(d.database, _budget_for(d, installation_id, settings, due, result), now)
        result.claimed += len(go)
        if go:
            result.served.append(installation_id)
            to_publish += go
    if result.served:
        d.database.autocommit(lambda c: c.execute(update(Installation).where(
            Installation.id.in_(result.served)).values(last_dispatched_at=now)))
    if to_publish:
        result.published = (d.publish or handoff.publish)(d.celery_app, to_publish)
        release(d.database, to_publish[result.published:])
    _note_next_due(d.database, now, result)
    return result


def _note_next_due(database: Database, now: datetime, result: PassResult) -> None:
    earliest = database.autocommit(lambda c: c.scalar(select(func.min(Event.next_attempt_at))
                                                      .where(Event.status.in_(EventStatus.READY),
                                                             Event.next_attempt_at > now)))
    if earliest is not None:
        due_s = (earliest - now).total_seconds()
        result.next_due_s = min(due_s, result.next_due_s or due_s)


def request(d: Dispatcher) -> PassResult:
    """Run passes until nobody asked for one meanwhile; if another worker holds the pass,
    ring the doorbell and leave (the holder runs again for us)."""
    total, passes, seen = PassResult(), 0, None
    locks.stamp(d.database, DOORBELL)
    while True:
        holder = locks.new_holder()
        if not locks.try_acquire(d.database, LOCK, holder, ttl_s=60):
            break
        try:
            while True:
                seen = _doorbell(d.database)
                _add(total, run_pass(d))
                passes += 1
                if _doorbell(d.database) == seen or passes >= MAX_PASSES:
                    break
        finally:
            locks.release(d.database, LOCK, holder)
        if passes >= MAX_PASSES:          # busy: let another task carry on, free this worker
            handoff.trigger_dispatch(d.celery_app)
            break
        if _doorbell(d.database) == seen:   # nobody rang between our last look and release
            break
    schedule_timer(d, total.next_due_s)
    return total


def _doorbell(database: Database) -> str | None:
    stored = locks.read(database, DOORBELL)
    return stored[0] if stored else None


def _add(total: PassResult, one: PassResult) -> None:
    total.claimed += one.claimed
    total.published += one.published
    total.served += one.served
    if one.next_due_s is not None:
        total.next_due_s = one.next_due_s if total.next_due_s is None \
            else min(total.next_due_s, one.next_due_s)


def schedule_timer(d: Dispatcher, in_s: float | None) -> None:
    """Wake the dispatcher when the next event is due, unless a timer already will.
    At most one timer is outstanding (its time is kept in the locks table)."""
    if in_s is None:
        return
    now = utcnow()
    in_s = max(0.05, min(in_s, TIMER_HORIZON_S))
    at = now + timedelta(seconds=in_s)
    pending = locks.read(d.database, TIMER)
    if pending is not None and now <= pending[1] <= at:
        return
    locks.stamp(d.database, TIMER, expires_at=at)
    handoff.trigger_dispatch(d.celery_app, countdown=in_s)
    log.debug("dispatch.timer", extra=fields(in_s=round(in_s, 2)))
