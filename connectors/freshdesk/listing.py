"""Listing tickets for a backfill: `GET /api/v2/tickets?updated_since=…`, page by page.

Freshdesk serves at most MAX_PAGES pages of one listing, so a longer one is
continued by keyset: ordered by updated_at ascending, the next listing starts at
the last ticket's updated_at (those seen twice are deduplicated downstream). The
status is filtered here: the list endpoint has no status parameter, and the
filter API stops at 300 results.
"""
from __future__ import annotations

from datetime import datetime

from marshmallow import fields

from connectors.base import InstallationContext, ListedTicket, TicketPage
from connectors.errors import InvalidResponse
from connectors.freshdesk.client import API, FreshdeskClient
from connectors.listing import Timestamp, check_status, iso_z, loaded
from connectors.schemas import IdString, VendorSchema

PER_PAGE = 100
MAX_PAGES = 300
STATUS_CODES = {"open": 2, "pending": 3, "solved": 4, "closed": 5}


class _TicketSchema(VendorSchema):
    id = IdString(required=True)
    status = fields.Integer(load_default=None, allow_none=True)
    updated_at = Timestamp(required=True)


class _PageSchema(VendorSchema):
    tickets = fields.List(fields.Nested(_TicketSchema), required=True)


_PAGE = _PageSchema()


def list_tickets(client: FreshdeskClient, since: datetime, status: str | None,
                 cursor: dict | None = None) -> TicketPage:
    """`cursor` is {"updated_since": ISO, "page": N}; None starts at `since`, page 1."""
    check_status(status)
    updated_since = (cursor or {}).get("updated_since") or iso_z(since)
    number = int((cursor or {}).get("page") or 1)
    response = client.request("GET", f"{API}/tickets", params={
        "updated_since": updated_since, "order_by": "updated_at", "order_type": "asc",
        "per_page": PER_PAGE, "page": number})
    data = client.json_of(response)
    if not isinstance(data, list):
        raise InvalidResponse("freshdesk tickets: expected a list")
    rows = loaded(_PAGE, {"tickets": data}, "freshdesk", "tickets")["tickets"]
    wanted = STATUS_CODES.get(status) if status else None
    tickets = tuple(ListedTicket(r["id"], r["updated_at"]) for r in rows
                    if wanted is None or r["status"] == wanted)
    return TicketPage(tickets, _next_cursor(response, rows, updated_since, number))


def _next_cursor(response, rows: list[dict], updated_since: str, number: int) -> dict | None:
    if not response.headers.get("Link") or not rows:
        return None
    if number < MAX_PAGES:
        return {"updated_since": updated_since, "page": number + 1}
    restart = iso_z(rows[-1]["updated_at"])
    if restart == updated_since:
        raise InvalidResponse(f"freshdesk tickets: more than {MAX_PAGES * PER_PAGE} tickets "
                              f"updated in the second {restart}; cannot page past them")
    return {"updated_since": restart, "page": 1}


def list_for(ctx: InstallationContext, since: datetime, status: str | None,
             cursor: dict | None = None) -> TicketPage:
    return list_tickets(FreshdeskClient(ctx), since, status, cursor)
