"""Indexed knowledge per installation: help-centre articles, macros, canned responses.

A refresh replaces an installation's items of the kinds it fetched in one transaction,
so recommendations never see a half-refreshed index.
"""
from __future__ import annotations

from sqlalchemy import delete, func, insert, select

from integration.store.db import Database
from integration.store.models import KnowledgeItem, utcnow


def replace_all(database: Database, installation_id: str, items: list[dict]) -> int:
    """Store `items` ({kind, external_id, title, body, url}) as the installation's knowledge."""
    now = utcnow()
    rows = {(i["kind"], str(i["external_id"])): i for i in items}   # the last copy wins
    with database.session() as session:
        session.execute(delete(KnowledgeItem).where(
            KnowledgeItem.installation_id == installation_id))
        if rows:
            session.execute(insert(KnowledgeItem), [
                {"installation_id": installation_id, "kind": kind, "external_id": external_id,
                 "title": (item["title"] or "")[:500], "body": item.get("body") or "",
                 "url": item.get("url"), "refreshed_at": now}
                for (kind, external_id), item in rows.items()])
    return len(rows)


def items(database: Database, installation_id: str) -> list[KnowledgeItem]:
    with database.session() as session:
        rows = list(session.scalars(select(KnowledgeItem).where(
            KnowledgeItem.installation_id == installation_id).order_by(KnowledgeItem.id)))
        session.expunge_all()
    return rows


def version(database: Database, installation_id: str) -> tuple:
    """(count, newest refresh): changes whenever the installation's knowledge does."""
    stmt = select(func.count(KnowledgeItem.id), func.max(KnowledgeItem.refreshed_at)).where(
        KnowledgeItem.installation_id == installation_id)
    return database.autocommit(lambda c: tuple(c.execute(stmt).one()))


def bodies(session, installation_id: str, kind: str, external_ids: list[str]) -> dict[str, str]:
    """{external id: body} of the installation's items of `kind` among `external_ids`."""
    rows = session.execute(select(KnowledgeItem.external_id, KnowledgeItem.body).where(
        KnowledgeItem.installation_id == installation_id, KnowledgeItem.kind == kind,
        KnowledgeItem.external_id.in_(external_ids)))
    return {external_id: body for external_id, body in rows}
