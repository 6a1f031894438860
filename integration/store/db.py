"""Engine and sessions, shared by the web app, the worker and the CLI."""
from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")


def per_dialect(build: Callable) -> dict[str, object]:
    """`build(insert)` once for each supported database, given that dialect's INSERT
    (the one with on_conflict_do_nothing / on_conflict_do_update). Hot statements
    are built once at import: rebuilding one per call costs SQLAlchemy a new cache
    key every time. Index the result with `Database.dialect`."""
    return {"postgresql": build(postgresql.insert), "sqlite": build(sqlite.insert)}


@contextmanager
def scratch_database(base_url: str, prefix: str):
    """A new, empty PostgreSQL database beside `base_url`'s, dropped on exit; yields its URL.

    For test runs and benchmarks that must not see each other's rows or migrations.
    """
    import uuid

    from sqlalchemy import text
    base = make_url(base_url)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # No pool_pre_ping: it costs a round trip on every checkout (a fifth of the
    # receiver's CPU). A connection that died with the server fails its first
    # statement instead; SQLAlchemy then invalidates the pool, and callers retry
    # idempotent work once (Database.autocommit) or let the task's retry take it.
    return create_engine(url, pool_size=10, max_overflow=10)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # WAL lets the web process, the worker and the relay read while one writes;
    # busy_timeout turns short write contention into a wait instead of an error.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


class Database:
    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self.dialect = self.engine.dialect.name
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        self._autocommit_engine = self.engine.execution_options(isolation_level="AUTOCOMMIT")

    @contextmanager
    def session(self):
        """A unit of work: committed on success, rolled back on any error.

        For a single statement, `autocommit()` is cheaper: no BEGIN/COMMIT round trips.
        """
        session: Session = self.sessionmaker()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def autocommit(self, work: Callable[[Connection], T]) -> T:
        """Run idempotent `work` on an autocommit connection: each statement commits
        by itself, with no BEGIN/COMMIT round trips. If the pooled connection turns
        out to be dead (the server restarted), run it once more on a fresh one."""
        for attempt in (1, 2):
            try:
                with self._autocommit_engine.connect() as connection:
                    return work(connection)
            except DBAPIError as exc:
                if attempt == 2 or not exc.connection_invalidated:
                    raise
        raise AssertionError("unreachable")

    def dispose(self) -> None:
        self.engine.dispose()
