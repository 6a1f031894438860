"""Enrichment rows after their record: write-backs that land once the row exists.

The group a routing rule assigns is set after the enrichment is recorded (memory's
best-effort step, pipeline/memory.py), so its outcome is added to the row's `written`
afterwards, where the sidebar reads it.
"""
from __future__ import annotations

from sqlalchemy import select

from integration.store.db import Database
from integration.store.models import Enrichment


def add_written(database: Database, installation_id: str, event_id: int, **values) -> bool:
    """Merge `values` into `written` of the enrichment this event recorded; False if none.

    Read, merge, write in one transaction: JSON columns have no portable partial update.
    """
    with database.session() as session:
        row = session.scalar(select(Enrichment).where(
            Enrichment.installation_id == installation_id, Enrichment.event_id == event_id)
            .order_by(Enrichment.id.desc()).limit(1).with_for_update())
        if row is None:
            return False
        row.written = {**(row.written or {}), **values}
        return True
