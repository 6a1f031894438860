"""list_tickets (backfill): `POST /conversations/search`, its query and `starting_after`."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
import responses
from responses import matchers

from connectors.errors import RateLimited
from connectors.intercom import CONNECTOR
from tests.connectors.intercom.payloads import API, api
from tests.connectors.intercom.test_client import HEADERS, context

SEARCH_URL = f"{API}/conversations/search"
SINCE = datetime(2026, 11, 20, 10, 0, 0, tzinfo=UTC)
SINCE_TS = int(SINCE.timestamp())
CURSOR = "WzE3NjQzMjA0MDAwMDAsMjEzMjIwMDkwOThd"


def test_first_page_searches_updated_at_and_state_with_the_largest_page():
    body = {"query": {"operator": "AND", "value": [
                {"field": "updated_at", "operator": ">", "value": SINCE_TS - 1},
                {"field": "state", "operator": "=", "value": "open"}]},
            "pagination": {"per_page": 150}}
    with responses.RequestsMock() as mock:
        mock.post(SEARCH_URL, json=api("search_conversations_page1"),
                  match=[HEADERS, matchers.json_params_matcher(body)])
        page = CONNECTOR.list_tickets(context(), SINCE, "open")
    assert [(t.ticket_id, t.updated_at) for t in page.tickets] == [
        ("21322009097", datetime.fromtimestamp(1764316800, UTC)),
        ("21322009098", datetime.fromtimestamp(1764320400, UTC))]
    assert page.next_cursor == CURSOR


def test_next_page_sends_starting_after_and_the_last_page_has_no_next():
    body = {"query": {"field": "updated_at", "operator": ">", "value": SINCE_TS - 1},
            "pagination": {"per_page": 150, "starting_after": CURSOR}}
    with responses.RequestsMock() as mock:
        mock.post(SEARCH_URL, json=api("search_conversations_page2"),
                  match=[matchers.json_params_matcher(body)])
        page = CONNECTOR.list_tickets(context(), SINCE, None, CURSOR)
    assert [t.ticket_id for t in page.tickets] == ["21322009120"]
    assert page.next_cursor is None


@pytest.mark.parametrize(("status", "state"), [("pending", "snoozed"), ("closed", "closed")])
def test_statuses_map_to_intercom_states(status, state):
    with responses.RequestsMock() as mock:
        mock.post(SEARCH_URL, json=api("search_conversations_page2"))
        CONNECTOR.list_tickets(context(), SINCE, status)
        sent = mock.calls[0].request.body
    assert f'"value": "{state}"'.encode() in sent


def test_a_429_waits_until_the_window_resets():
    reset = int(datetime.now(UTC).timestamp()) + 8
    with responses.RequestsMock() as mock:
        mock.post(SEARCH_URL, status=429, json=api("error_rate_limited"),
                  headers={"X-RateLimit-Reset": str(reset)})
        with pytest.raises(RateLimited) as raised:
            CONNECTOR.list_tickets(context(), SINCE, None)
    assert 1 <= raised.value.retry_after <= 8
