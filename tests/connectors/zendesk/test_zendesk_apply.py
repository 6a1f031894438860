"""apply: the exact write-back calls, idempotency, 409 handling, and no calls after failures."""
from __future__ import annotations

import json

import pytest
import requests
import responses

from connectors.base import Enrichment, Ticket, note_marker
from connectors.errors import Conflict, HostError, RateLimited, Unauthorized
from connectors.zendesk import CONNECTOR

BASE = "https://acme.zendesk.com/api/v2"
TICKET_URL = f"{BASE}/tickets/5021.json"
TAGS_URL = f"{BASE}/tickets/5021/tags.json"
COMMENTS_URL = f"{BASE}/tickets/5021/comments.json"
OP_KEY = "enrich:5021:40011223344556"


@pytest.fixture
def ticket() -> Ticket:
    return Ticket(id="5021", subject="Charged twice", latest_message="Still no refund",
                  latest_message_id="40011223344556", latest_message_author_id="33144692244499",
                  requester_name="Dana Whitfield", tags=("billing", "vip"), priority="normal",
                  version="2026-11-27T10:02:40Z",
                  custom_fields={"sentiment": None, "emotions": None})


@pytest.fixture
def enrichment() -> Enrichment:
    return Enrichment(op_key=OP_KEY, add_tags=("tactful_done", "tactful_sentiment_negative"),
                      priority="high",
                      custom_fields={"sentiment": "negative", "emotions": "frustration"},
                      note="Tactful: the customer sounds frustrated.\nSuggested reply: …")


def body(call) -> dict:
    return json.loads(call.request.body)


def test_apply_writes_fields_priority_note_then_adds_tags(ctx, ticket, enrichment, api_fixture):
    with responses.RequestsMock() as mock:
        mock.get(COMMENTS_URL, json=api_fixture("list_comments"))
        mock.put(TICKET_URL, json=api_fixture("update_ticket"))
        mock.put(TAGS_URL, json=api_fixture("add_tags"))
        result = CONNECTOR.apply(ctx, ticket, enrichment)
        assert [(c.request.method, c.request.url.split("?")[0]) for c in mock.calls] == [
            ("GET", COMMENTS_URL), ("PUT", TICKET_URL), ("PUT", TAGS_URL)]
        update, tags = body(mock.calls[1]), body(mock.calls[2])
    assert update == {"ticket": {
        "priority": "high",
        "custom_fields": [{"id": 360001, "value": "negative"},
                          {"id": 360002, "value": "frustration"}],
        "comment": {"body": f"{enrichment.note}\n\n{note_marker(OP_KEY)}", "public": False},
        "safe_update": True, "updated_stamp": "2026-11-27T10:02:40Z"}}
    # The tag write is stamped with the ticket version our own update produced.
    assert tags == {"tags": ["tactful_done", "tactful_sentiment_negative"],
                    "safe_update": "true", "updated_stamp": "2026-11-27T10:05:11Z"}
    assert result.tags_added == ("tactful_done", "tactful_sentiment_negative")
    assert result.priority_set == "high" and result.note_added and not result.already_applied
    assert result.fields_set == {"sentiment": "negative", "emotions": "frustration"}


def test_second_apply_finds_the_marker_and_writes_nothing(ctx, ticket, enrichment, api_fixture):
    comments = api_fixture("list_comments")
    comments["comments"][0]["body"] = f"earlier note\n\n{note_marker(OP_KEY)}"
    done = Ticket(**{**ticket.__dict__, "tags": ticket.tags + enrichment.add_tags,
                     "priority": "high",
                     "custom_fields": {"sentiment": "negative", "emotions": "frustration"}})
    with responses.RequestsMock() as mock:
        mock.get(COMMENTS_URL, json=comments)
        result = CONNECTOR.apply(ctx, done, enrichment)
        assert len(mock.calls) == 1    # only the marker check
    assert result.already_applied and not result.note_added


def test_tags_are_only_ever_added_never_replaced(ctx, ticket, enrichment, api_fixture):
    with responses.RequestsMock() as mock:
        mock.get(COMMENTS_URL, json=api_fixture("list_comments"))
        mock.put(TICKET_URL, json=api_fixture("update_ticket"))
        mock.put(TAGS_URL, json=api_fixture("add_tags"))
        CONNECTOR.apply(ctx, ticket, enrichment)
        assert "tags" not in body(mock.calls[1])["ticket"]      # the ticket PUT would replace
        assert not any(c.request.method == "DELETE" for c in mock.calls)


def test_conflict_refetches_and_reapplies_only_our_delta(ctx, ticket, enrichment, api_fixture):
    agent_changed = api_fixture("get_ticket")
    agent_changed["ticket"]["priority"] = "urgent"            # an agent raised it meanwhile
    agent_changed["ticket"]["updated_at"] = "2026-11-27T10:04:00Z"
    with responses.RequestsMock() as mock:
        mock.get(COMMENTS_URL, json=api_fixture("list_comments"))
        mock.put(TICKET_URL, status=409, json=api_fixture("error_conflict"))
        mock.get(TICKET_URL, json=agent_changed)
        mock.put(TICKET_URL, json=api_fixture("update_ticket"))
        mock.put(TAGS_URL, json=api_fixture("add_tags"))
        result = CONNECTOR.apply(ctx, ticket, enrichment)
        puts = [body(c) for c in mock.calls if c.request.method == "PUT"]
    retried = puts[1]["ticket"]
    assert "priority" not in retried                          # the agent's priority wins
    assert retried["updated_stamp"] == "2026-11-27T10:04:00Z"
    assert result.priority_set is None and result.note_added


def test_persistent_conflict_gives_up_after_three_retries(ctx, ticket, enrichment, api_fixture):
    with responses.RequestsMock() as mock:
        mock.get(COMMENTS_URL, json=api_fixture("list_comments"))
        mock.put(TICKET_URL, status=409, json=api_fixture("error_conflict"))
        mock.get(f"{BASE}/tickets/5021.json", json=api_fixture("get_ticket"))
        with pytest.raises(Conflict):
            CONNECTOR.apply(ctx, ticket, enrichment)
        assert sum(c.request.method == "PUT" for c in mock.calls) == 4


def test_rate_limit_carries_retry_after_and_stops_writing(ctx, ticket, enrichment, api_fixture):
    with responses.RequestsMock() as mock:
        mock.get(COMMENTS_URL, json=api_fixture("list_comments"))
        mock.put(TICKET_URL, status=429, headers={"Retry-After": "37"},
                 json=api_fixture("error_rate_limited"))
        with pytest.raises(RateLimited) as caught:
            CONNECTOR.apply(ctx, ticket, enrichment)
        assert caught.value.retry_after == 37.0
        assert [c.request.method for c in mock.calls] == ["GET", "PUT"]   # no tag write


def test_server_error_is_a_host_error_and_stops_writing(ctx, ticket, enrichment):
    with responses.RequestsMock() as mock:
        mock.get(COMMENTS_URL, status=503, body="upstream unavailable")
        with pytest.raises(HostError):
            CONNECTOR.apply(ctx, ticket, enrichment)
        assert len(mock.calls) == 1


def test_timeout_is_a_host_error(ctx, ticket, enrichment):
    with responses.RequestsMock() as mock:
        mock.get(COMMENTS_URL, body=requests.ReadTimeout("slow"))
        with pytest.raises(HostError, match="timed out"):
            CONNECTOR.apply(ctx, ticket, enrichment)


def test_rejected_credentials_are_unauthorized(ctx, ticket, enrichment):
    with responses.RequestsMock() as mock:
        mock.get(COMMENTS_URL, status=401, json={"error": "Couldn't authenticate you"})
        with pytest.raises(Unauthorized):
            CONNECTOR.apply(ctx, ticket, enrichment)


def test_every_call_has_a_timeout(ctx, ticket, enrichment, api_fixture, monkeypatch):
    seen = []
    original = requests.Session.request

    def spy(self, method, url, **kwargs):
        seen.append(kwargs.get("timeout"))
        return original(self, method, url, **kwargs)

    monkeypatch.setattr(requests.Session, "request", spy)
    with responses.RequestsMock() as mock:
        mock.get(COMMENTS_URL, json=api_fixture("list_comments"))
        mock.put(TICKET_URL, json=api_fixture("update_ticket"))
        mock.put(TAGS_URL, json=api_fixture("add_tags"))
        CONNECTOR.apply(ctx, ticket, enrichment)
    assert seen and all(t is not None for t in seen)


def test_public_reply_goes_out_only_with_a_fresh_note(ctx, ticket, enrichment, api_fixture):
    with_reply = Enrichment(**{**enrichment.__dict__, "public_reply": "Hi Dana, sorry!"})
    with responses.RequestsMock() as mock:
        mock.get(COMMENTS_URL, json=api_fixture("list_comments"))
        mock.put(TICKET_URL, json=api_fixture("update_ticket"))
        mock.put(TAGS_URL, json=api_fixture("add_tags"))
        result = CONNECTOR.apply(ctx, ticket, with_reply)
        reply = body(mock.calls[2])["ticket"]
    assert reply["comment"] == {"body": "Hi Dana, sorry!", "public": True}
    assert reply["safe_update"] is True and result.reply_sent


def test_unmapped_custom_fields_are_skipped(ctx, ticket, enrichment, api_fixture):
    ctx.remote = {}
    with responses.RequestsMock() as mock:
        mock.get(COMMENTS_URL, json=api_fixture("list_comments"))
        mock.put(TICKET_URL, json=api_fixture("update_ticket"))
        mock.put(TAGS_URL, json=api_fixture("add_tags"))
        result = CONNECTOR.apply(ctx, ticket, enrichment)
        assert "custom_fields" not in body(mock.calls[1])["ticket"]
    assert result.fields_set == {}


def test_a_fetched_ticket_carries_its_markers_so_apply_reads_no_comments(ctx, enrichment,
                                                                         api_fixture):
    """fetch_ticket already read the recent comments: apply only writes (3 calls, not 5)."""
    comments = api_fixture("list_comments")
    comments["comments"][0]["body"] = f"older note\n\n{note_marker('enrich:5021:1')}"
    with responses.RequestsMock() as mock:
        mock.get(TICKET_URL, json=api_fixture("get_ticket"))
        mock.get(COMMENTS_URL, json=comments)
        fetched = CONNECTOR.fetch_ticket(ctx, "5021")
        assert fetched.op_markers == {note_marker("enrich:5021:1")}
        mock.put(TICKET_URL, json=api_fixture("update_ticket"))
        mock.put(TAGS_URL, json=api_fixture("add_tags"))
        result = CONNECTOR.apply(ctx, fetched, enrichment)
        assert [c.request.method for c in mock.calls] == ["GET", "GET", "PUT", "PUT"]
    assert result.note_added


def test_a_marker_seen_at_fetch_stops_a_second_note(ctx, ticket, enrichment, api_fixture):
    done = Ticket(**{**ticket.__dict__, "op_markers": frozenset({note_marker(OP_KEY)})})
    with responses.RequestsMock() as mock:
        mock.put(TICKET_URL, json=api_fixture("update_ticket"))
        mock.put(TAGS_URL, json=api_fixture("add_tags"))
        result = CONNECTOR.apply(ctx, done, enrichment)
        assert "comment" not in body(mock.calls[0])["ticket"]
    assert not result.note_added
