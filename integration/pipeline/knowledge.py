"""Refreshing an installation's knowledge index from its helpdesk (articles, macros,
canned responses), on the beat schedule and on demand."""
from __future__ import annotations

import logging

from sqlalchemy import select

from connectors import registry
from integration.logs import fields
from integration.store import installations, knowledge
from integration.store.crypto import Keyring
from integration.store.db import Database
from integration.store.models import Installation

log = logging.getLogger("tactful.knowledge")


def refresh(database: Database, keyring: Keyring, installation_id: str) -> int:
    """Fetch every knowledge item through the connector and replace the stored index."""
    with database.session() as session:
        _, ctx = installations.load(session, keyring, installation_id, database)
    connector = registry.get(ctx.provider)
    if not hasattr(connector, "list_knowledge"):
        return 0
    items = connector.list_knowledge(ctx)
    count = knowledge.replace_all(database, installation_id, [
        {"kind": i.kind, "external_id": i.id, "title": i.title, "body": i.body, "url": i.url}
        for i in items])
    log.info("knowledge.refreshed", extra=fields(installation=installation_id, items=count))
    return count


def active_installations(database: Database) -> list[str]:
    with database.session() as session:
        return list(session.scalars(select(Installation.id).where(
            Installation.status == installations.ACTIVE)))
