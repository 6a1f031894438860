"""Accepting an event: one statement, committed on its own.

`INSERT … ON CONFLICT DO NOTHING RETURNING id` in autocommit mode is the whole
write: the database's unique key decides duplicates (concurrent copies of one
delivery race safely; exactly one row wins) and there is no BEGIN/COMMIT round
trip around it. The events row is the outbox too: once committed, the sweep
guarantees it reaches a worker even if the broker was down when it arrived.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from connectors.base import TicketEvent
from integration.store.db import Database, per_dialect
from integration.store.models import Event, EventStatus, utcnow


@dataclass(frozen=True)
class Accepted:
    event_id: int
    duplicate: bool


_INSERT_NEW = per_dialect(lambda insert: insert(Event).on_conflict_do_nothing(
    index_elements=[Event.installation_id, Event.provider_event_id]).returning(Event.id))


def accept(database: Database, installation_id: str, event: TicketEvent,
           payload: dict | None) -> Accepted:
    """Store the event unless (installation, provider event id) is already known."""
    provider_event_id = event.provider_event_id[:255]
    now = utcnow()
    values = {"installation_id": installation_id, "provider_event_id": provider_event_id,
              "ticket_id": str(event.ticket_id)[:64], "kind": event.kind,
              "occurred_at": event.occurred_at, "status": EventStatus.PENDING,
              "payload": payload, "received_at": now, "updated_at": now, "attempts": 0}
    statement = _INSERT_NEW[database.dialect]

    def store(connection) -> Accepted:
        event_id = connection.execute(statement, values).scalar()
        if event_id is not None:
            return Accepted(event_id, duplicate=False)
        existing = connection.execute(select(Event.id).where(
            Event.installation_id == installation_id,
            Event.provider_event_id == provider_event_id)).scalar_one()
        return Accepted(existing, duplicate=True)

    # Idempotent by its unique key, so safe to run again on a fresh connection.
    return database.autocommit(store)
