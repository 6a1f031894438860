"""list_tickets (backfill): `GET /api/v2/tickets?updated_since=…`, pages, and the page cap."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
import responses
from responses import matchers

from connectors.errors import InvalidResponse
from connectors.freshdesk import CONNECTOR, listing
from tests.connectors.freshdesk.samples import API_BASE, api, context

LIST_URL = f"{API_BASE}/api/v2/tickets"
SINCE = datetime(2026, 11, 20, 10, 0, 0, tzinfo=UTC)


def params(page: int, since: str = "2026-11-20T10:00:00Z") -> dict:
    return {"updated_since": since, "order_by": "updated_at", "order_type": "asc",
            "per_page": "100", "page": str(page)}


def next_link(page: int) -> dict:
    return {"Link": f'<{LIST_URL}?updated_since=2026-11-20T10:00:00Z&page={page}>; rel="next"'}


def test_pages_follow_the_link_header_and_stop_without_one():
    with responses.RequestsMock() as mock:
        mock.get(LIST_URL, json=api("list_tickets_page1"), headers=next_link(2),
                 match=[matchers.query_param_matcher(params(1))])
        mock.get(LIST_URL, json=api("list_tickets_page2"),
                 match=[matchers.query_param_matcher(params(2))])
        first = CONNECTOR.list_tickets(context(), SINCE, None)
        second = CONNECTOR.list_tickets(context(), SINCE, None, first.next_cursor)
        assert [c.request.method for c in mock.calls] == ["GET", "GET"]
    assert [t.ticket_id for t in first.tickets] == ["41", "42", "43"]
    assert first.next_cursor == {"updated_since": "2026-11-20T10:00:00Z", "page": 2}
    assert [(t.ticket_id, t.updated_at) for t in second.tickets] == [
        ("47", datetime(2026, 11, 28, 7, 45, 10, tzinfo=UTC))]
    assert second.next_cursor is None


def test_status_is_filtered_here_since_the_list_has_no_status_parameter():
    with responses.RequestsMock() as mock:
        mock.get(LIST_URL, json=api("list_tickets_page1"),
                 match=[matchers.query_param_matcher(params(1))])
        page = CONNECTOR.list_tickets(context(), SINCE, "open")
    assert [t.ticket_id for t in page.tickets] == ["41", "43"]      # 42 is resolved (4)


def test_past_the_page_cap_the_listing_restarts_from_the_last_updated_at(monkeypatch):
    monkeypatch.setattr(listing, "MAX_PAGES", 2)
    with responses.RequestsMock() as mock:
        mock.get(LIST_URL, json=api("list_tickets_page1"), headers=next_link(3),
                 match=[matchers.query_param_matcher(params(2))])
        page = CONNECTOR.list_tickets(context(), SINCE, None,
                                      {"updated_since": "2026-11-20T10:00:00Z", "page": 2})
    assert page.next_cursor == {"updated_since": "2026-11-27T12:00:00Z", "page": 1}


def test_a_cap_full_of_one_second_cannot_loop_forever(monkeypatch):
    monkeypatch.setattr(listing, "MAX_PAGES", 1)
    answer = api("list_tickets_page1")
    for ticket in answer:
        ticket["updated_at"] = "2026-11-20T10:00:00Z"
    with responses.RequestsMock() as mock:
        mock.get(LIST_URL, json=answer, headers=next_link(2))
        with pytest.raises(InvalidResponse, match="cannot page past"):
            CONNECTOR.list_tickets(context(), SINCE, None)


def test_an_answer_that_is_not_a_list_is_invalid():
    with responses.RequestsMock() as mock:
        mock.get(LIST_URL, json={"tickets": []})
        with pytest.raises(InvalidResponse, match="expected a list"):
            CONNECTOR.list_tickets(context(), SINCE, None)
