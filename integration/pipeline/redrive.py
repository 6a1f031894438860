"""Re-driving work: one dead letter, dead letters in bulk, and installations whose
re-authorisation ends their events' wait. Shared by the CLI and the admin API.

Re-driven events go back on their installation's ready list (pending), and the
dispatcher hands them out within each installation's cap and budget, so a bulk
re-drive of thousands cannot flood the queue. Their age restarts (received_at is
when the event last entered the pipeline), or a re-drive after a long outage would
be dead-lettered again by the maximum age at its first wait.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

from sqlalchemy import update

from integration.store import installations
from integration.store.db import Database
from integration.store.models import Event, EventStatus, Installation, utcnow

_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_duration(text: str) -> timedelta:
    """'90s', '30m', '2h', '7d' → timedelta; anything else is a ValueError naming the form."""
    match = _DURATION.match(text or "")
    if not match or int(match.group(1)) <= 0:
        raise ValueError(f"{text!r} is not a duration such as 30m, 2h or 7d")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def _reopened(now):
    return dict(status=EventStatus.PENDING, attempts=0, waits=0, last_error=None,
                lease_until=None, lease_holder=None, next_attempt_at=None, wait_reason=None,
                prepaid_calls=0, received_at=now)


def retry_failed(database: Database, event_id: int) -> bool:
    """Re-open one dead-lettered (or ignored) event (`tactful events retry ID`)."""
    statement = update(Event).where(
        Event.id == event_id, Event.status.in_((EventStatus.FAILED, EventStatus.IGNORED)),
    ).values(**_reopened(utcnow()))
    return database.autocommit(lambda c: c.execute(statement).rowcount) == 1


def retry_failed_bulk(database: Database, installation_id: str | None = None,
                      since: timedelta | None = None) -> dict[str, int]:
    """Re-open every failed event (of one installation; failed within `since`).
    Returns how many were re-opened per installation."""
    now = utcnow()
    conditions = [Event.status == EventStatus.FAILED]
    if installation_id is not None:
        conditions.append(Event.installation_id == installation_id)
    if since is not None:
        conditions.append(Event.updated_at >= now - since)   # failed rows change no more
    statement = update(Event).where(*conditions).values(**_reopened(now)).returning(
        Event.installation_id)
    rows = database.autocommit(lambda c: c.execute(statement).all())
    return dict(sorted(Counter(row.installation_id for row in rows).items()))


def reactivate(database: Database, installation_id: str) -> int | None:
    """An admin says the credentials work again: needs_reauth → active. Returns how many
    events were waiting for it (they run at the next dispatch), or None if the
    installation is not waiting for re-authorisation."""
    with database.session() as session:
        changed = session.execute(update(Installation).where(
            Installation.id == installation_id,
            Installation.status == installations.NEEDS_REAUTH,
        ).values(status=installations.ACTIVE)).rowcount
        if not changed:
            return None
        return session.query(Event).filter(Event.installation_id == installation_id,
                                           Event.status.in_(EventStatus.READY)).count()
