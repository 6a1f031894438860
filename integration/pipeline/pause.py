"""Pausing an installation, and its dry-run mode.

A paused installation is one the dispatcher skips, as it skips one that needs
re-authorisation: its events stay on its ready list, and an event a worker already
held goes back to `waiting` (reason "paused", its attempt given back). Resuming is
only clearing the flag; the caller then triggers a dispatch pass, which hands the
waiting events out within the installation's cap and budget. Dry run: analyse and
record, write nothing back.
"""
from __future__ import annotations

from sqlalchemy import update

from integration.store.db import Database
from integration.store.models import Installation

PAUSED_REASON = "waiting: installation paused"


def set_mode(database: Database, installation_id: str, *, paused: bool | None = None,
             dry_run: bool | None = None) -> bool:
    """Change pause / dry-run; True when the call resumed the installation (the caller
    triggers a dispatch so its waiting events run now)."""
    values = {k: v for k, v in {"paused": paused, "dry_run": dry_run}.items() if v is not None}
    with database.session() as session:
        found = session.execute(update(Installation).where(
            Installation.id == installation_id).values(**values)).rowcount
    if not found:
        raise LookupError(installation_id)
    return paused is False
