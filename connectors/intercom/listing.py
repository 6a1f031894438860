"""Listing conversations for a backfill: `POST /conversations/search`, cursor paginated.

The query filters `updated_at` (epoch seconds) and, when asked, `state` on
Intercom's side; pages follow `pages.next.starting_after`.
"""
from __future__ import annotations

from datetime import datetime

from marshmallow import fields

from connectors.base import InstallationContext, ListedTicket, TicketPage
from connectors.intercom.client import IntercomClient
from connectors.listing import Timestamp, check_status, loaded
from connectors.schemas import IdString, VendorSchema

PATH = "/conversations/search"
PER_PAGE = 150                   # Intercom's maximum for search
STATES = {"open": "open", "pending": "snoozed", "solved": "closed", "closed": "closed"}


class _ConversationSchema(VendorSchema):
    id = IdString(required=True)
    updated_at = Timestamp(required=True)


class _NextSchema(VendorSchema):
    starting_after = fields.String(load_default=None, allow_none=True)


class _PagesSchema(VendorSchema):
    next = fields.Nested(_NextSchema, load_default=None, allow_none=True)


class _PageSchema(VendorSchema):
    conversations = fields.List(fields.Nested(_ConversationSchema), required=True)
    pages = fields.Nested(_PagesSchema, load_default=dict)


_PAGE = _PageSchema()


def search_body(since: datetime, status: str | None, cursor: str | None) -> dict:
    # `>` is strict: one second earlier makes `since` itself included.
    query: dict = {"field": "updated_at", "operator": ">", "value": int(since.timestamp()) - 1}
    if status:
        query = {"operator": "AND", "value": [
            query, {"field": "state", "operator": "=", "value": STATES[status]}]}
    pagination: dict = {"per_page": PER_PAGE}
    if cursor:
        pagination["starting_after"] = cursor
    return {"query": query, "pagination": pagination}


def list_tickets(client: IntercomClient, since: datetime, status: str | None,
                 cursor: str | None = None) -> TicketPage:
    check_status(status)
    response = client.request("POST", PATH, json=search_body(since, status, cursor))
    page = loaded(_PAGE, client.json_of(response), "intercom", "conversation search")
    tickets = tuple(ListedTicket(c["id"], c["updated_at"]) for c in page["conversations"])
    following = (page["pages"].get("next") or {}).get("starting_after")
    return TicketPage(tickets, following if following and tickets else None)


def list_for(ctx: InstallationContext, since: datetime, status: str | None,
             cursor: str | None = None) -> TicketPage:
    return list_tickets(IntercomClient.for_installation(ctx), since, status, cursor)
