"""Customer memory rows: one requester's timeline, listings, data-subject deletion, expiry.

Rows hold labels only (sentiment score, emotions, topic, flags), keyed by the vendor's
requester id; `forget` also removes the events, enrichments and ledger rows of that
requester's tickets, so nothing held mentions them afterwards.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from integration.store.db import Database
from integration.store.models import CustomerMessage, Effect, Enrichment, Event, KnowledgeItem


def add_message(database: Database, values: dict) -> bool:
    """Insert one timeline entry; False when this message is already remembered."""
    try:
        with database.engine.begin() as connection:
            connection.execute(insert(CustomerMessage), values)
        return True
    except IntegrityError:
        return False


def timeline(database: Database, installation_id: str, requester_id: str,
             since: datetime | None = None, limit: int = 500) -> list[CustomerMessage]:
    stmt = select(CustomerMessage).where(
        CustomerMessage.installation_id == installation_id,
        CustomerMessage.requester_id == requester_id)
    if since is not None:
        stmt = stmt.where(CustomerMessage.at >= since)
    stmt = stmt.order_by(CustomerMessage.at.desc()).limit(limit)
    with database.session() as session:
        rows = list(session.scalars(stmt))
        session.expunge_all()
    return rows[::-1]


def requesters(database: Database, installation_id: str, since: datetime,
               limit: int = 1000) -> list[str]:
    """Requesters with a message since `since`, most recent first."""
    stmt = (select(CustomerMessage.requester_id, func.max(CustomerMessage.at).label("last"))
            .where(CustomerMessage.installation_id == installation_id,
                   CustomerMessage.at >= since)
            .group_by(CustomerMessage.requester_id).order_by(func.max(CustomerMessage.at).desc())
            .limit(limit))
    with database.session() as session:
        return [row.requester_id for row in session.execute(stmt)]


def forget(database: Database, installation_id: str, requester_id: str,
           extra_tickets: tuple[str, ...] = ()) -> dict:
    """Erase everything held about one requester: timeline, and the events, enrichments
    and ledger rows of their tickets (the tickets we remembered, plus `extra_tickets`)."""
    with database.session() as session:
        tickets = set(session.scalars(select(CustomerMessage.ticket_id).where(
            CustomerMessage.installation_id == installation_id,
            CustomerMessage.requester_id == requester_id))) | set(extra_tickets)
        counts = {"timeline": session.execute(delete(CustomerMessage).where(
            CustomerMessage.installation_id == installation_id,
            CustomerMessage.requester_id == requester_id)).rowcount}
        for name, table in (("enrichments", Enrichment), ("events", Event),
                            ("effects", Effect)):
            counts[name] = session.execute(delete(table).where(
                table.installation_id == installation_id,
                table.ticket_id.in_(tickets))).rowcount if tickets else 0
        # Alert keys name the requester whatever the ticket (see pipeline/alerts.py).
        counts["effects"] += session.execute(delete(Effect).where(
            Effect.installation_id == installation_id,
            Effect.op_key.like(f"alert:%:{_escape_like(requester_id)}:%", escape="\\"))).rowcount
        counts["tickets"] = len(tickets)
    return counts


def forget_installation(session: Session, installation_id: str) -> dict:
    """Uninstall: the installation's customer memory goes at once, with the uninstall, not
    after the grace period: every timeline, the alert keys (they name requesters) and the
    indexed knowledge (a copy of the helpdesk's content, no longer refreshable)."""
    return {
        "timeline": session.execute(delete(CustomerMessage).where(
            CustomerMessage.installation_id == installation_id)).rowcount,
        "alert_keys": session.execute(delete(Effect).where(
            Effect.installation_id == installation_id,
            Effect.op_key.like("alert:%"))).rowcount,
        "knowledge": session.execute(delete(KnowledgeItem).where(
            KnowledgeItem.installation_id == installation_id)).rowcount,
    }


def expire(database: Database, cutoff: datetime) -> int:
    """Retention: drop timeline entries older than `cutoff`."""
    with database.session() as session:
        return session.execute(delete(CustomerMessage).where(
            CustomerMessage.at < cutoff)).rowcount


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
