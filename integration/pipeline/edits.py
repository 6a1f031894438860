"""Edits that undo what Tactful wrote, seen on the next fetch of a ticket.

When a later event makes us fetch the ticket again, its tags and priority tell us what
people did since: a `tactful_*` tag we added and that is gone was removed by someone
(we never remove our own), and a priority other than the one we last set was changed.
Each such edit is stored once as feedback against the enrichment that wrote it.
"""
from __future__ import annotations

import logging

from sqlalchemy import select

from connectors.base import Ticket
from integration.logs import fields
from integration.store import feedback
from integration.store.db import Database
from integration.store.models import Enrichment, FeedbackVerdict

log = logging.getLogger("tactful.pipeline")
# Tag name (after the prefix) → the label it speaks for.
_TAG_LABELS = (("sentiment_", "sentiment"), ("emotion_", "emotions"), ("urgency_", "urgency"),
               ("topic_", "topic"), ("priority_", "priority"), ("escalate", "priority"),
               ("flag_", "flags"), ("lang_", "language"))


def label_of_tag(tag: str, prefix: str) -> str | None:
    if not tag.startswith(prefix):
        return None
    rest = tag[len(prefix):]
    return next((label for start, label in _TAG_LABELS if rest.startswith(start)), None)


def undoing_edits(written: dict, tags: tuple[str, ...], priority: str | None,
                  prefix: str) -> list[tuple[str, str, str]]:
    """(label, value, verdict) for each write of ours the ticket no longer shows."""
    present = set(tags)
    edits = []
    for tag in written.get("tags") or ():
        label = label_of_tag(tag, prefix)
        if label is not None and tag not in present:
            edits.append((label, tag, FeedbackVerdict.TAG_REMOVED))
    ours = written.get("priority")
    if ours and priority and priority != ours:
        edits.append(("priority", f"{ours}->{priority}", FeedbackVerdict.PRIORITY_CHANGED))
    return edits


RECENT_ENRICHMENTS = 5


def record_edits(database: Database, installation_id: str, ticket: Ticket, prefix: str) -> int:
    """Compare the fetched ticket with our recent writes on it; store new undoing edits.

    A later enrichment only writes the tags that were missing, so a tag removed now may
    have been written a few enrichments ago: each edit is charged to the newest enrichment
    that wrote what was undone. The priority is compared with the newest one we set.
    """
    with database.session() as session:
        recent = session.execute(
            select(Enrichment.id, Enrichment.written).where(
                Enrichment.installation_id == installation_id,
                Enrichment.ticket_id == ticket.id).order_by(Enrichment.id.desc())
            .limit(RECENT_ENRICHMENTS)).all()
        added, seen_tags, priority_seen = 0, set(), False
        for enrichment_id, written in recent:
            written = dict(written or {})
            written["tags"] = [t for t in written.get("tags") or () if t not in seen_tags]
            seen_tags.update(written["tags"])
            if priority_seen:
                written["priority"] = None
            priority_seen = priority_seen or bool(written.get("priority"))
            for label, value, verdict in undoing_edits(written, ticket.tags, ticket.priority,
                                                       prefix):
                added += feedback.record_edit(
                    session, installation_id=installation_id, ticket_id=ticket.id,
                    enrichment_id=enrichment_id, label=label, value=value, verdict=verdict)
    if added:
        log.info("feedback.edits-detected", extra=fields(installation=installation_id,
                                                         count=added))
    return added
