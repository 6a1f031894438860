"""Backfill: existing tickets enter the pipeline exactly as webhooks do.

A vendor's search or list API pages through the tickets updated since a time;
each found ticket becomes an event row through the receiver's own insert
(inbox.accept) with a deterministic provider event id, `backfill:<ticket>:<updated
at>`, so running a backfill twice stores nothing twice. New ids are handed off
like the receiver's, and from there the usual queue, sweep and retries apply.

A ticket whose last change is no later than our last enrichment of it is skipped:
its newest update is our own write-back, so there is nothing new to read.

Listing calls spend from the installation's outbound budget; a spent budget or a
vendor 429 is waited out (the caller sleeps or reschedules), never a failure.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select

from connectors import registry
from connectors.base import InstallationContext, ListedTicket, TicketEvent, TicketPage
from integration.pipeline import inbox, ratelimit
from integration.store.db import Database
from integration.store.models import Enrichment, Event, utcnow

EVENT_PREFIX = "backfill:"
# The pipeline processes every kind alike; "created" is what a webhook for a ticket
# nobody has enriched yet would carry.
KIND = "created"
PREVIEW_MAX = 100
MAX_SINCE = timedelta(days=366)
_SINCE = re.compile(r"^(\d{1,6})([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}

Publish = Callable[[list[int]], int]


class BackfillError(ValueError):
    """A request that cannot start: bad input, or an installation in the wrong state."""


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """"7d", "12h", "90m", "2w" before now, or an ISO 8601 date or time (UTC if no zone)."""
    now = now or utcnow()
    value = (text or "").strip()
    match = _SINCE.match(value)
    if match:
        since = now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    else:
        try:
            since = datetime.fromisoformat(value)
        except ValueError:
            raise BackfillError(f"since must look like 7d, 12h, 30m, 2w or an ISO 8601 time, "
                                f"not {text!r}") from None
        if since.tzinfo is None:
            since = since.replace(tzinfo=now.tzinfo)
    if since > now:
        raise BackfillError("since is in the future")
    if now - since > MAX_SINCE:
        raise BackfillError(f"since reaches back more than {MAX_SINCE.days} days")
    return since


def event_id_of(ticket: ListedTicket) -> str:
    return f"{EVENT_PREFIX}{ticket.ticket_id}:{ticket.updated_at.strftime('%Y-%m-%dT%H:%M:%SZ')}"


@dataclass
class Progress:
    """Where a listing stands; saved on the job row after every page."""

    cursor: object = None
    pages: int = 0
    found: int = 0
    enqueued: int = 0
    skipped: int = 0
    first_event_id: int | None = None
    last_event_id: int | None = None
    preview: list[dict] = field(default_factory=list)

    def note_events(self, event_ids: list[int]) -> None:
        if event_ids:
            low, high = min(event_ids), max(event_ids)
            self.first_event_id = low if self.first_event_id is None \
                else min(low, self.first_event_id)
            self.last_event_id = high if self.last_event_id is None \
                else max(high, self.last_event_id)


def fetch_page(rt, ctx: InstallationContext, since: datetime, status: str | None,
               cursor) -> TicketPage:
    """One page from the vendor, paid for from the installation's outbound budget.

    Raises RateLimited (budget spent, or the vendor's 429): the caller waits it out."""
    connector = registry.get(ctx.provider)
    per_minute = int(ctx.settings.get("rate_limit_per_minute") or rt.per_minute)
    ctx.settings.setdefault("http_timeout_s", rt.http_timeout_s)
    with ratelimit.budget(rt.limiter, ctx.id, per_minute):
        return connector.list_tickets(ctx, since, status, cursor)


def take_page(database: Database, installation_id: str, page: TicketPage,
              progress: Progress, publish: Publish | None) -> list[ListedTicket]:
    """Store (or, with publish=None, only preview) one page; returns the tickets that
    are new to the pipeline. Progress is updated in place."""
    tickets = _unique(page.tickets)
    progress.pages += 1
    progress.found += len(tickets)
    enriched = _last_enriched(database, installation_id, [t.ticket_id for t in tickets])
    fresh = [t for t in tickets if not (t.ticket_id in enriched
                                        and t.updated_at <= enriched[t.ticket_id])]
    if publish is None:
        new = _not_stored(database, installation_id, fresh)
        progress.preview += [{"ticket_id": t.ticket_id, "updated_at": t.updated_at.isoformat()}
                             for t in new[:max(0, PREVIEW_MAX - len(progress.preview))]]
    else:
        new, created = [], []
        for ticket in fresh:
            accepted = inbox.accept(database, installation_id, TicketEvent(
                provider_event_id=event_id_of(ticket), ticket_id=ticket.ticket_id, kind=KIND,
                occurred_at=ticket.updated_at), payload=None)
            if not accepted.duplicate:
                new.append(ticket)
                created.append(accepted.event_id)
        progress.note_events(created)
        if created:
            publish(created)    # best effort: the sweep delivers what this misses
    progress.enqueued += len(new)
    progress.skipped += len(tickets) - len(new)
    progress.cursor = page.next_cursor
    return new


def _unique(tickets) -> list[ListedTicket]:
    return list({(t.ticket_id, t.updated_at): t for t in tickets}.values())


_LAST_ENRICHED = select(Enrichment.ticket_id, func.max(Enrichment.created_at)).where(
    Enrichment.installation_id == bindparam("b_installation"),
    Enrichment.ticket_id.in_(bindparam("b_tickets", expanding=True)),
).group_by(Enrichment.ticket_id)
_STORED = select(Event.provider_event_id).where(
    Event.installation_id == bindparam("b_installation"),
    Event.provider_event_id.in_(bindparam("b_ids", expanding=True)))


def _last_enriched(database: Database, installation_id: str,
                   ticket_ids: list[str]) -> dict[str, datetime]:
    if not ticket_ids:
        return {}
    params = {"b_installation": installation_id, "b_tickets": ticket_ids}
    rows = database.autocommit(lambda c: c.execute(_LAST_ENRICHED, params).all())
    return {ticket_id: when for ticket_id, when in rows if when is not None}


def _not_stored(database: Database, installation_id: str,
                tickets: list[ListedTicket]) -> list[ListedTicket]:
    if not tickets:
        return []
    params = {"b_installation": installation_id, "b_ids": [event_id_of(t) for t in tickets]}
    stored = set(database.autocommit(lambda c: c.scalars(_STORED, params).all()))
    return [t for t in tickets if event_id_of(t) not in stored]
