"""A resolved ticket's routing facts, for learned routing suggestions.

One read: `GET /api/v2/tickets/{id}?include=stats` gives the ticket's `group_id`,
`created_at` and first message (`description`, with `description_text` beside it), and
a `stats` object with `resolved_at`, `closed_at` and `reopened_at`. Freshdesk counts no
reopenings: a `reopened_at` that is set means the ticket was reopened at least once, so
it counts as one. Without `include=stats` the object is absent, and so is a solve time.
"""
from __future__ import annotations

from marshmallow import fields

from connectors.base import SolvedFacts
from connectors.freshdesk.client import API, FreshdeskClient
from connectors.http import api_path
from connectors.listing import Timestamp, loaded
from connectors.schemas import IdString, VendorSchema
from connectors.text import html_to_text


class _StatsSchema(VendorSchema):
    resolved_at = Timestamp(load_default=None, allow_none=True)
    closed_at = Timestamp(load_default=None, allow_none=True)
    reopened_at = Timestamp(load_default=None, allow_none=True)


class _TicketSchema(VendorSchema):
    id = IdString(zero_is_none=False, required=True)
    group_id = IdString(zero_is_none=False, load_default=None)
    created_at = Timestamp(required=True)
    description = fields.String(load_default=None, allow_none=True)
    description_text = fields.String(load_default=None, allow_none=True)
    stats = fields.Nested(_StatsSchema, load_default=None, allow_none=True)


_TICKET = _TicketSchema()


def solved_facts(client: FreshdeskClient, ticket_id: str) -> SolvedFacts:
    ticket = loaded(_TICKET, client.get_json(api_path(API + "/tickets/{}", ticket_id),
                                             params={"include": "stats"}),
                    "freshdesk", "ticket with stats")
    stats = ticket["stats"] or {}
    # A ticket closed without passing through Resolved has only closed_at.
    solved_at = stats.get("resolved_at") or stats.get("closed_at")
    # The rendered HTML drops quoted mail history; description_text keeps it.
    first = html_to_text(ticket["description"]) or (ticket["description_text"] or "").strip()
    return SolvedFacts(ticket_id=ticket["id"], group_id=ticket["group_id"],
                       created_at=ticket["created_at"], solved_at=solved_at,
                       reopens=1 if stats.get("reopened_at") else 0, first_message=first)
