"""Listing tickets for a backfill: the Export Search Results API, cursor paginated.

Why this endpoint: `/api/v2/search.json` stops at 1,000 results (page 11 is a 422),
which a busy account passes in a day; the incremental export sees every status and
allows 10 calls a minute. The export search has no result cap, filters status on
Zendesk's side and is allowed 100 calls a minute. Its cursor expires after an hour
and new tickets take a few minutes to be indexed (webhooks cover those anyway).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from marshmallow import fields

from connectors.base import InstallationContext, ListedTicket, TicketPage
from connectors.listing import Timestamp, check_status, iso_z, loaded
from connectors.schemas import IdString, VendorSchema
from connectors.zendesk.client import ZendeskClient

PATH = "/api/v2/search/export"
PAGE_SIZE = 100                 # Zendesk recommends 100 (up to 1,000 may time out)
# new < open < pending < hold < solved < closed: "open" means waiting on an agent.
STATUS_QUERY = {"open": "status<pending", "pending": "status:pending",
                "solved": "status:solved", "closed": "status:closed"}


class _ResultSchema(VendorSchema):
    id = IdString(required=True)
    updated_at = Timestamp(required=True)


class _MetaSchema(VendorSchema):
    has_more = fields.Boolean(load_default=False)
    after_cursor = fields.String(load_default=None, allow_none=True)


class _PageSchema(VendorSchema):
    results = fields.List(fields.Nested(_ResultSchema), required=True)
    meta = fields.Nested(_MetaSchema, load_default=dict)


_PAGE = _PageSchema()


def search_query(since: datetime, status: str | None) -> str:
    # `updated>` is strict: one second earlier makes `since` itself included.
    terms = [f"updated>{iso_z(since - timedelta(seconds=1))}"]
    if status:
        terms.append(STATUS_QUERY[status])
    return " ".join(terms)


def list_tickets(client: ZendeskClient, since: datetime, status: str | None,
                 cursor: str | None = None) -> TicketPage:
    check_status(status)
    params = {"query": search_query(since, status), "filter[type]": "ticket",
              "page[size]": PAGE_SIZE}
    if cursor:
        params["page[after]"] = cursor
    page = loaded(_PAGE, client.get_json(PATH, params=params), "zendesk", "search export")
    tickets = tuple(ListedTicket(r["id"], r["updated_at"]) for r in page["results"])
    more = page["meta"].get("has_more") and page["meta"].get("after_cursor")
    return TicketPage(tickets, page["meta"]["after_cursor"] if more else None)


def list_for(ctx: InstallationContext, since: datetime, status: str | None,
             cursor: str | None = None) -> TicketPage:
    return list_tickets(ZendeskClient(ctx), since, status, cursor)
