"""Pausing an installation: its events wait, parked, and run when it is resumed.

A parked event is PENDING with `next_attempt_at` far ahead, so neither a worker nor
the sweep picks it up while the installation is paused; resuming clears the date and
hands the parked ids back to the caller, who publishes them. Should a resume be
missed, the sweep finds a parked event after PARK_S and it parks again if still paused.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from integration.store.db import Database
from integration.store.models import Event, EventStatus, Installation, utcnow

PARK_S = 24 * 3600
PARKED_REASON = "waiting: installation paused"


def park(database: Database, event: Event) -> None:
    """Put a claimed event back to wait; the attempt it used is given back."""
    database.autocommit(lambda c: c.execute(update(Event).where(Event.id == event.id).values(
        status=EventStatus.PENDING, attempts=Event.attempts - 1, last_error=PARKED_REASON,
        lease_until=None, lease_holder=None,
        next_attempt_at=utcnow() + timedelta(seconds=PARK_S))))


def set_mode(database: Database, installation_id: str, *, paused: bool | None = None,
             dry_run: bool | None = None) -> list[int]:
    """Change pause / dry-run; on resume, return the parked events to publish now."""
    values = {k: v for k, v in {"paused": paused, "dry_run": dry_run}.items() if v is not None}
    with database.session() as session:
        found = session.execute(update(Installation).where(
            Installation.id == installation_id).values(**values)).rowcount
        if not found:
            raise LookupError(installation_id)
        if paused is not False:
            return []
        parked = list(session.scalars(select(Event.id).where(
            Event.installation_id == installation_id, Event.status == EventStatus.PENDING,
            Event.last_error == PARKED_REASON)))
        if parked:
            session.execute(update(Event).where(Event.id.in_(parked)).values(
                next_attempt_at=None, last_error=None))
        return parked
