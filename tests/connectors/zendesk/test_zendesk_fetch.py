"""fetch_ticket: one ticket read (users sideloaded) and one comments read, nothing else."""
from __future__ import annotations

import base64

import pytest
import responses
from responses import matchers

from connectors.errors import InvalidResponse, NotFound
from connectors.zendesk import CONNECTOR

TICKET_URL = "https://acme.zendesk.com/api/v2/tickets/5021.json"
COMMENTS_URL = "https://acme.zendesk.com/api/v2/tickets/5021/comments.json"


@pytest.fixture
def zendesk(api_fixture):
    with responses.RequestsMock() as mock:
        mock.get(TICKET_URL, json=api_fixture("get_ticket"),
                 match=[matchers.query_param_matcher({"include": "users"})])
        mock.get(COMMENTS_URL, json=api_fixture("list_comments"),
                 match=[matchers.query_param_matcher(
                     {"include": "users", "sort": "-created_at", "page[size]": "100"})])
        yield mock


def test_fetch_ticket_reads_the_latest_public_customer_comment(zendesk, ctx):
    ticket = CONNECTOR.fetch_ticket(ctx, "5021")
    assert ticket.id == "5021"
    assert ticket.subject == "Charged twice for my annual plan"
    assert ticket.latest_message.startswith("Still no refund, and it has been a week.")
    assert ticket.latest_message_id == "40011223344556"
    assert ticket.latest_message_author_id == "33144692244499"
    assert ticket.requester_name == "Dana Whitfield"
    assert ticket.tags == ("billing", "vip")
    assert ticket.priority == "normal"
    assert ticket.version == "2026-11-27T10:02:40Z"
    assert ticket.custom_fields == {"sentiment": None, "emotions": None}
    assert len(zendesk.calls) == 2


def test_fetch_ticket_sends_api_token_basic_auth(zendesk, ctx):
    CONNECTOR.fetch_ticket(ctx, "5021")
    expected = base64.b64encode(b"tactful@acme.example/token:tok-123").decode()
    assert all(c.request.headers["Authorization"] == f"Basic {expected}" for c in zendesk.calls)


def test_fetch_ticket_sends_oauth_bearer_and_marketplace_headers(zendesk, ctx):
    ctx.credentials = {"access_token": "at-1", "actor_id": "27810044119",
                       "marketplace": {"X-Zendesk-Marketplace-Name": "Tactful",
                                       "X-Zendesk-Marketplace-Organization-Id": "123",
                                       "X-Zendesk-Marketplace-App-Id": "456"}}
    CONNECTOR.fetch_ticket(ctx, "5021")
    for call in zendesk.calls:
        assert call.request.headers["Authorization"] == "Bearer at-1"
        assert call.request.headers["X-Zendesk-Marketplace-Name"] == "Tactful"
        assert call.request.headers["X-Zendesk-Marketplace-Organization-Id"] == "123"
        assert call.request.headers["X-Zendesk-Marketplace-App-Id"] == "456"


def test_no_marketplace_headers_unless_configured(zendesk, ctx):
    CONNECTOR.fetch_ticket(ctx, "5021")
    assert not any(k.startswith("X-Zendesk-Marketplace") for k in zendesk.calls[0].request.headers)


def test_missing_ticket_is_not_found_and_comments_are_not_read(ctx):
    with responses.RequestsMock() as mock:
        mock.get(TICKET_URL, status=404, json={"error": "RecordNotFound"})
        with pytest.raises(NotFound):
            CONNECTOR.fetch_ticket(ctx, "5021")
        assert len(mock.calls) == 1


def test_unexpected_answer_shape_is_invalid_response(ctx):
    with responses.RequestsMock() as mock:
        mock.get(TICKET_URL, json={"tickets": []})
        with pytest.raises(InvalidResponse):
            CONNECTOR.fetch_ticket(ctx, "5021")


def test_ticket_without_customer_comment_has_empty_message(ctx, api_fixture):
    comments = api_fixture("list_comments")
    comments["comments"] = [c for c in comments["comments"] if c["author_id"] != 33144692244499]
    with responses.RequestsMock() as mock:
        mock.get(TICKET_URL, json=api_fixture("get_ticket"))
        mock.get(COMMENTS_URL, json=comments)
        ticket = CONNECTOR.fetch_ticket(ctx, "5021")
    assert ticket.latest_message == "" and ticket.latest_message_id is None
