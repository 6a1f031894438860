"""Accepting an event: one statement, committed on its own.

`INSERT … ON CONFLICT DO NOTHING RETURNING id` in autocommit mode is the whole
write: the database's unique key decides duplicates (concurrent copies of one
delivery race safely; exactly one row wins) and there is no BEGIN/COMMIT round
trip around it. The events row is the outbox too: once committed, the sweep
guarantees it reaches a worker even if the broker was down when it arrived.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from connectors.base import TicketEvent
from integration.store.db import Database, per_dialect
from integration.store.models import Event, EventStatus, utcnow

# Column sizes of events.provider_event_id and events.ticket_id.
MAX_EVENT_ID_CHARS = 255
MAX_TICKET_ID_CHARS = 64
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Unstorable(ValueError):
    """The event's ids cannot be stored as they are; the message says which and why."""


def check_storable(event: TicketEvent) -> None:
    """Refuse ids the events table would cut or reject, instead of changing them.

    Cutting an id merged two different deliveries into one (deduplicated away), and a
    NUL made PostgreSQL refuse the INSERT, which the sender saw as a 503 and retried
    forever. Both are the sender's error: a 400 naming the field.
    """
    for name, value, limit in (("event id", event.provider_event_id, MAX_EVENT_ID_CHARS),
                               ("ticket id", str(event.ticket_id), MAX_TICKET_ID_CHARS)):
        if not value:
            raise Unstorable(f"the {name} is empty")
        if len(value) > limit:
            raise Unstorable(f"the {name} is {len(value)} characters long; at most {limit} "
                             "are accepted")
        if _CONTROL.search(value):
            raise Unstorable(f"the {name} contains NUL or another control character")


@dataclass(frozen=True)
class Accepted:
    event_id: int
    duplicate: bool


_INSERT_NEW = per_dialect(lambda insert: insert(Event).on_conflict_do_nothing(
    index_elements=[Event.installation_id, Event.provider_event_id]).returning(Event.id))


def accept(database: Database, installation_id: str, event: TicketEvent,
           payload: dict | None) -> Accepted:
    """Store the event unless (installation, provider event id) is already known.

    Raises Unstorable (before touching the database) for ids it would have to change.
    """
    check_storable(event)
    provider_event_id = event.provider_event_id
    now = utcnow()
    values = {"installation_id": installation_id, "provider_event_id": provider_event_id,
              "ticket_id": str(event.ticket_id), "kind": event.kind,
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
