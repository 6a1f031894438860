"""Named leases in the database: one event per ticket, single-flight token refresh,
one sweeper at a time.

Portable (SQLite and PostgreSQL): one upsert statement takes a free name, or an
expired one, or one the same holder already has; nothing waits inside a
transaction. Each statement commits on its own (autocommit): one round trip to
take a lock and one to give it back.
"""
from __future__ import annotations

import time
import uuid
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import bindparam, delete, or_, select

from integration.store.db import Database, per_dialect
from integration.store.models import Lock, utcnow


def new_holder() -> str:
    return uuid.uuid4().hex


_ACQUIRE = per_dialect(lambda insert: insert(Lock).values(
    name=bindparam("b_name"), holder=bindparam("b_holder"), expires_at=bindparam("b_expires"),
).on_conflict_do_update(
    index_elements=[Lock.name],
    set_={"holder": bindparam("b_holder"), "expires_at": bindparam("b_expires")},
    where=or_(Lock.expires_at < bindparam("b_now"), Lock.holder == bindparam("b_holder")),
).returning(Lock.name))
_RELEASE = delete(Lock).where(Lock.name == bindparam("b_name"),
                              Lock.holder == bindparam("b_holder"))


def try_acquire(database: Database, name: str, holder: str, ttl_s: float) -> bool:
    now = utcnow()
    params = {"b_name": name, "b_holder": holder, "b_now": now,
              "b_expires": now + timedelta(seconds=ttl_s)}
    statement = _ACQUIRE[database.dialect]
    return database.autocommit(lambda c: c.execute(statement, params).first()) is not None


_STAMP = per_dialect(lambda insert: insert(Lock).values(
    name=bindparam("b_name"), holder=bindparam("b_holder"), expires_at=bindparam("b_expires"),
).on_conflict_do_update(
    index_elements=[Lock.name],
    set_={"holder": bindparam("b_holder"), "expires_at": bindparam("b_expires")}))
_READ = select(Lock.holder, Lock.expires_at).where(Lock.name == bindparam("b_name"))


def stamp(database: Database, name: str, expires_at=None) -> str:
    """Write a fresh token (and a time) under `name`, taken or not: a doorbell, not a lock.
    The dispatcher compares tokens to learn whether anyone rang while it worked."""
    token = new_holder()
    params = {"b_name": name, "b_holder": token, "b_expires": expires_at or utcnow()}
    database.autocommit(lambda c: c.execute(_STAMP[database.dialect], params))
    return token


def read(database: Database, name: str) -> tuple[str, object] | None:
    """(holder, expires_at) stored under `name`, or None."""
    row = database.autocommit(lambda c: c.execute(_READ, {"b_name": name}).first())
    return (row.holder, row.expires_at) if row is not None else None


def release(database: Database, name: str, holder: str) -> None:
    params = {"b_name": name, "b_holder": holder}
    database.autocommit(lambda c: c.execute(_RELEASE, params))


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
