"""Named leases in the database: single-flight token refresh, one sweeper at a time.

Portable (SQLite and PostgreSQL): an INSERT wins a free name, a conditional
UPDATE takes over an expired one. Nothing waits inside a transaction.
"""
from __future__ import annotations

import time
import uuid
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import delete, or_, update
from sqlalchemy.exc import IntegrityError

from integration.db import Database
from integration.models import Lock, utcnow


def new_holder() -> str:
    return uuid.uuid4().hex


def try_acquire(database: Database, name: str, holder: str, ttl_s: float) -> bool:
    now = utcnow()
    expires = now + timedelta(seconds=ttl_s)
    try:
        with database.session(durable=False) as session:
            session.add(Lock(name=name, holder=holder, expires_at=expires))
        return True
    except IntegrityError:
        pass
    with database.session(durable=False) as session:
        result = session.execute(update(Lock).where(
            Lock.name == name, or_(Lock.expires_at < now, Lock.holder == holder),
        ).values(holder=holder, expires_at=expires))
        return result.rowcount == 1


def release(database: Database, name: str, holder: str) -> None:
    with database.session(durable=False) as session:
        session.execute(delete(Lock).where(Lock.name == name, Lock.holder == holder))


class LockBusy(RuntimeError):
    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


@contextmanager
def held(database: Database, name: str, ttl_s: float = 60, wait_s: float = 0,
         poll_s: float = 0.05, holder: str | None = None):
    """Hold `name` for the block; wait up to wait_s for it, else raise LockBusy.

    A caller that may come back after a crash (a redelivered task) passes a stable
    `holder`, so it can take back the lock its dead predecessor still holds.
    """
    holder = holder or new_holder()
    deadline = time.monotonic() + wait_s
    while not try_acquire(database, name, holder, ttl_s):
        if time.monotonic() >= deadline:
            raise LockBusy(name)
        time.sleep(poll_s)
    try:
        yield holder
    finally:
        release(database, name, holder)
