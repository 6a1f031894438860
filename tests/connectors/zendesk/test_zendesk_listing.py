"""list_tickets (backfill): the Export Search Results API, its query, and its cursor."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
import responses
from responses import matchers

from connectors.errors import InvalidResponse, RateLimited
from connectors.zendesk import CONNECTOR

EXPORT_URL = "https://acme.zendesk.com/api/v2/search/export"
SINCE = datetime(2026, 11, 20, 10, 0, 0, tzinfo=UTC)
FIRST_CURSOR = "eyJmaWVsZCI6ImNyZWF0ZWRfYXQiLCJkZXNjIjp0cnVlfQ"


def query(extra: dict | None = None, status_term: str = "") -> dict:
    terms = "updated>2026-11-20T09:59:59Z" + (f" {status_term}" if status_term else "")
    return {"query": terms, "filter[type]": "ticket", "page[size]": "100", **(extra or {})}


def test_first_page_asks_the_export_search_for_tickets_updated_since(ctx, api_fixture):
    with responses.RequestsMock() as mock:
        mock.get(EXPORT_URL, json=api_fixture("search_export_page1"),
                 match=[matchers.query_param_matcher(query(status_term="status<pending"))])
        page = CONNECTOR.list_tickets(ctx, SINCE, "open")
        assert len(mock.calls) == 1
        assert mock.calls[0].request.method == "GET"
    assert [(t.ticket_id, t.updated_at) for t in page.tickets] == [
        ("5021", datetime(2026, 11, 27, 10, 2, 40, tzinfo=UTC)),
        ("5022", datetime(2026, 11, 27, 11, 15, 0, tzinfo=UTC))]
    assert page.next_cursor == FIRST_CURSOR


def test_next_page_follows_the_after_cursor_and_the_last_page_ends(ctx, api_fixture):
    with responses.RequestsMock() as mock:
        mock.get(EXPORT_URL, json=api_fixture("search_export_page2"),
                 match=[matchers.query_param_matcher(query({"page[after]": FIRST_CURSOR}))])
        page = CONNECTOR.list_tickets(ctx, SINCE, None, FIRST_CURSOR)
    assert [t.ticket_id for t in page.tickets] == ["5030"]
    assert page.next_cursor is None           # has_more false, though a cursor is present


@pytest.mark.parametrize(("status", "term"), [("pending", "status:pending"),
                                              ("solved", "status:solved"),
                                              ("closed", "status:closed")])
def test_each_status_maps_to_one_zendesk_search_term(ctx, api_fixture, status, term):
    with responses.RequestsMock() as mock:
        mock.get(EXPORT_URL, json=api_fixture("search_export_page2"),
                 match=[matchers.query_param_matcher(query(status_term=term))])
        CONNECTOR.list_tickets(ctx, SINCE, status)


def test_an_unknown_status_is_refused_before_any_call(ctx):
    with responses.RequestsMock() as mock, pytest.raises(ValueError, match="unknown ticket"):
        CONNECTOR.list_tickets(ctx, SINCE, "escalated")
    assert len(mock.calls) == 0


def test_a_429_becomes_rate_limited_with_the_wait(ctx, api_fixture):
    with responses.RequestsMock() as mock:
        mock.get(EXPORT_URL, status=429, headers={"Retry-After": "37"},
                 json=api_fixture("error_rate_limited"))
        with pytest.raises(RateLimited) as raised:
            CONNECTOR.list_tickets(ctx, SINCE, None)
    assert raised.value.retry_after == 37


def test_a_result_without_updated_at_is_an_invalid_answer(ctx, api_fixture):
    answer = api_fixture("search_export_page2")
    del answer["results"][0]["updated_at"]
    with responses.RequestsMock() as mock:
        mock.get(EXPORT_URL, json=answer)
        with pytest.raises(InvalidResponse, match="search export"):
            CONNECTOR.list_tickets(ctx, SINCE, None)
