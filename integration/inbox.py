"""Accepting an event: one INSERT (deduplicated by the database), one COMMIT.

The events row is the outbox too: once committed, the sweep guarantees it
reaches a worker even if the broker was down when it arrived.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from connectors.base import TicketEvent
from integration.db import Database
from integration.models import Event, EventStatus, utcnow


@dataclass(frozen=True)
class Accepted:
    event_id: int
    duplicate: bool


def accept(database: Database, installation_id: str, event: TicketEvent,
           payload: dict | None) -> Accepted:
    """Store the event unless (installation, provider event id) is already known."""
    try:
        # A Core INSERT … RETURNING: one statement, none of the ORM's unit-of-work cost
        # on the hottest path we have.
        with database.session() as session:
            event_id = session.execute(insert(Event).values(
                installation_id=installation_id,
                provider_event_id=event.provider_event_id[:255],
                ticket_id=str(event.ticket_id)[:64], kind=event.kind,
                occurred_at=event.occurred_at, status=EventStatus.PENDING, payload=payload,
                received_at=utcnow(), updated_at=utcnow(), attempts=0,
            ).returning(Event.id)).scalar_one()
        return Accepted(event_id, duplicate=False)
    except IntegrityError:
        # The unique constraint, not a prior SELECT, decides: concurrent copies of
        # one delivery race safely and exactly one row wins.
        with database.session() as session:
            existing = session.scalar(select(Event.id).where(
                Event.installation_id == installation_id,
                Event.provider_event_id == event.provider_event_id[:255]))
        if existing is None:
            raise
        return Accepted(existing, duplicate=True)
