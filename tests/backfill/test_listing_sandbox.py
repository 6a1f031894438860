"""Each connector's list_tickets pages through the sandbox's real listing, every ticket once."""
from __future__ import annotations

from datetime import timedelta

import pytest

from connectors import registry
from connectors.freshdesk import listing as freshdesk_listing
from connectors.intercom import listing as intercom_listing
from connectors.zendesk import listing as zendesk_listing
from integration.runtime import database, keyring
from integration.store import installations
from integration.store.models import utcnow

VENDORS = ("zendesk", "freshdesk", "intercom")


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    """Two tickets a page, so five tickets take three pages."""
    monkeypatch.setattr(zendesk_listing, "PAGE_SIZE", 2)
    monkeypatch.setattr(freshdesk_listing, "PER_PAGE", 2)
    monkeypatch.setattr(intercom_listing, "PER_PAGE", 2)


def context(app, installation_id):
    row = installations.fetch_row(database(app), installation_id)
    return installations.context_of(row, keyring(app))


def every_page(ctx, since, status):
    connector, cursor, pages = registry.get(ctx.provider), None, []
    while True:
        page = connector.list_tickets(ctx, since, status, cursor)
        pages.append(page)
        cursor = page.next_cursor
        if cursor is None:
            return pages


@pytest.mark.parametrize("vendor", VENDORS)
def test_listing_pages_through_every_existing_ticket_once(app, existing, vendor):
    installation_id, ticket_ids, _ = existing(vendor, 5)
    pages = every_page(context(app, installation_id), utcnow() - timedelta(hours=1), None)
    listed = [t.ticket_id for page in pages for t in page.tickets]
    assert sorted(listed) == sorted(ticket_ids)
    assert len(pages) == 3


@pytest.mark.parametrize("vendor", VENDORS)
def test_status_and_since_narrow_the_listing(app, existing, vendor):
    installation_id, ticket_ids, _ = existing(vendor, 3)
    ctx = context(app, installation_id)
    assert len([t for p in every_page(ctx, utcnow() - timedelta(hours=1), "open")
                for t in p.tickets]) == 3
    assert [t for p in every_page(ctx, utcnow() - timedelta(hours=1), "closed")
            for t in p.tickets] == []
    assert [t for p in every_page(ctx, utcnow() + timedelta(minutes=5), None)
            for t in p.tickets] == []
