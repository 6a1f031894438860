"""Token refresh, single-flight per installation.

Zendesk rotates refresh tokens: the old pair dies on refresh, so two workers
refreshing at once would lock each other out. The first takes the lock and
refreshes; the others wait, re-read, and find the new token already stored.
"""
from __future__ import annotations

from connectors.base import InstallationContext
from integration.pipeline import locks
from integration.store import installations
from integration.store.crypto import Keyring
from integration.store.db import Database


def refresh_single_flight(database: Database, keyring: Keyring, connector,
                          ctx: InstallationContext, wait_s: float = 15) -> InstallationContext:
    """Return a context with fresh credentials, refreshing at most once across workers."""
    stale = ctx.credentials.get("access_token")
    with locks.held(database, f"refresh:{ctx.id}", ttl_s=60, wait_s=wait_s):
        with database.session() as session:
            _row, current = installations.load(session, keyring, ctx.id, database)
        if current.credentials.get("access_token") != stale:
            return current          # another worker refreshed while we waited
        fresh = connector.refresh_credentials(current)
        installations.save_credentials(database, keyring, ctx.id, fresh)
        current.credentials = fresh
        return current
