"""The outbox relay and retention, shared by celery beat and `tactful sweep`.

An event is due for (re)delivery when it is still open and nobody holds a
live lease on it: never published (broker down at arrival), its message lost
(Redis restarted), or its worker killed. Claiming sets a lease first, so two
sweepers — or a sweeper and a worker — never send the same event twice at once.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, delete, or_, select, update

from integration.config import Settings
from integration.logs import fields
from integration.pipeline import handoff, locks
from integration.store import installations
from integration.store.db import Database
from integration.store.models import Enrichment, Event, EventStatus, utcnow

log = logging.getLogger("tactful.sweep")
SWEEP_LOCK = "sweep"
REDELIVERY_LEASE_S = 300
BATCH = 500


@dataclass(frozen=True)
class SweepResult:
    claimed: int
    published: int
    skipped_locked: bool = False


def due_filter(now, grace_s: int):
    fresh_cutoff = now - timedelta(seconds=grace_s)
    return and_(
        Event.status.in_(EventStatus.OPEN),
        or_(Event.lease_until.is_(None), Event.lease_until < now),
        or_(Event.status != EventStatus.PENDING, Event.received_at < fresh_cutoff),
        or_(Event.next_attempt_at.is_(None), Event.next_attempt_at <= now),
    )


def claim_due(database: Database, grace_s: int, limit: int = BATCH) -> list[int]:
    now = utcnow()
    with database.session() as session:
        ids = list(session.scalars(select(Event.id).where(due_filter(now, grace_s))
                                   .order_by(Event.id).limit(limit)))
        if not ids:
            return []
        # Conditional update: a row a worker claimed in between is not ours.
        session.execute(update(Event).where(Event.id.in_(ids), due_filter(now, grace_s)).values(
            status=EventStatus.QUEUED, lease_until=now + timedelta(seconds=REDELIVERY_LEASE_S),
            lease_holder=None))
        claimed = list(session.scalars(select(Event.id).where(
            Event.id.in_(ids), Event.status == EventStatus.QUEUED,
            Event.lease_until > now)))
    return claimed


def release_claims(database: Database, event_ids: list[int]) -> None:
    with database.session() as session:
        session.execute(update(Event).where(
            Event.id.in_(event_ids), Event.status == EventStatus.QUEUED).values(lease_until=None))


def run_sweep(database: Database, celery_app, settings: Settings,
              grace_s: int | None = None) -> SweepResult:
    holder = locks.new_holder()
    if not locks.try_acquire(database, SWEEP_LOCK, holder, ttl_s=120):
        return SweepResult(0, 0, skipped_locked=True)
    try:
        claimed = claim_due(database, settings.sweep_grace_s if grace_s is None else grace_s)
        published = handoff.publish(celery_app, claimed) if claimed else 0
        if published < len(claimed):
            # The broker is still down: give the rest back so the next sweep retries
            # them, instead of leaving them leased for REDELIVERY_LEASE_S.
            release_claims(database, claimed[published:])
    finally:
        locks.release(database, SWEEP_LOCK, holder)
    if claimed:
        log.info("sweep.republished", extra=fields(claimed=len(claimed), published=published))
    return SweepResult(len(claimed), published)


def run_retention(database: Database, settings: Settings) -> dict:
    now = utcnow()
    payload_cutoff = now - timedelta(days=settings.payload_retention_days)
    dedup_cutoff = now - timedelta(days=settings.dedup_retention_days)
    with database.session() as session:
        payloads = session.execute(update(Event).where(
            Event.received_at < payload_cutoff, Event.payload.is_not(None),
            Event.status.in_(EventStatus.FINAL)).values(payload=None)).rowcount
        # The customer's message kept for the console follows the payloads' retention.
        messages = session.execute(update(Enrichment).where(
            Enrichment.created_at < payload_cutoff, Enrichment.message.is_not(None),
        ).values(message=None)).rowcount
        rows = session.execute(delete(Event).where(
            Event.received_at < dedup_cutoff, Event.status.in_(EventStatus.FINAL))).rowcount
        purged = installations.purge_uninstalled(session, settings.uninstall_grace_days, now)
    result = {"payloads_dropped": payloads, "messages_dropped": messages, "events_deleted": rows,
              "installations_purged": purged}
    log.info("retention.done", extra=fields(**result))
    return result
