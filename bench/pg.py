"""Benchmark hygiene for PostgreSQL: start every run from a vacuumed table set.

Each ticket leaves dead row versions behind (an event is updated as it moves
through its states; a per-ticket lock row is inserted and deleted). Production
PostgreSQL has autovacuum on and reclaims them as it goes; a server with
autovacuum off (as on this project's CI machine) slows down run after run and
makes figures depend on what ran before. So each run starts vacuumed.
"""
from __future__ import annotations

from sqlalchemy import create_engine, text

TABLES = ("events", "locks", "effects", "enrichments", "installations")


def vacuum(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f"VACUUM (ANALYZE) {', '.join(TABLES)}"))
    finally:
        engine.dispose()
