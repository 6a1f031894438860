"""fetch_ticket and apply against recorded Freshdesk answers; every outbound call asserted."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest
import responses
from responses import matchers

from connectors.base import Enrichment, TicketEvent, note_marker
from connectors.errors import InvalidResponse, RateLimited, Unauthorized
from connectors.freshdesk import CONNECTOR
from tests.connectors.freshdesk import samples

BASE = f"{samples.API_BASE}/api/v2"
TICKET_URL = f"{BASE}/tickets/11"
CONVERSATIONS_URL = f"{BASE}/tickets/11/conversations"
OUR_TAGS = ("tactful_sentiment_negative", "tactful_done")


@pytest.fixture
def api():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def _ticket(api, ticket=None, **headers):
    api.get(TICKET_URL, json=ticket or samples.api("get_ticket"), headers=headers,
            match=[matchers.query_param_matcher({"include": "requester"})])


def _conversations(api, conversations=None, **headers):
    api.get(CONVERSATIONS_URL, json=samples.api("list_conversations")
            if conversations is None else conversations, headers=headers,
            match=[matchers.query_param_matcher({"per_page": "100", "page": "1"})])


def _enrichment(**overrides) -> Enrichment:
    values = dict(op_key="enrich:11:7001", add_tags=OUR_TAGS, priority="high",
                  custom_fields={"sentiment": "negative", "topic": "billing",
                                 "emotions": "anger"},
                  note="Suggested reply:\n\nSorry for the double charge.")
    values.update(overrides)
    return Enrichment(**values)


def _fetch(api):
    _ticket(api)
    _conversations(api)
    return CONNECTOR.fetch_ticket(samples.context(), "11")


def _bodies(api, method: str) -> list[dict]:
    return [json.loads(c.request.body) for c in api.calls if c.request.method == method]


def test_fetch_reads_the_ticket_and_the_latest_public_customer_message(api):
    ticket = _fetch(api)
    assert [c.request.method for c in api.calls] == ["GET", "GET"]
    assert all(c.request.headers["Authorization"].startswith("Basic ") for c in api.calls)
    assert ticket.latest_message.startswith("Still nothing. I want a refund today")
    assert (ticket.latest_message_id, ticket.latest_message_author_id) == ("7001", "5000001")
    assert ticket.requester_name == "Rachel Green"
    assert ticket.tags == ("billing", "vip")
    assert (ticket.priority, ticket.version) == ("normal", "2026-01-12T10:02:41Z")
    assert ticket.custom_fields == {"sentiment": None, "topic": None}


def test_fetch_follows_the_link_header_to_the_newest_page(api):
    _ticket(api)
    api.get(CONVERSATIONS_URL, json=samples.api("list_conversations_page1"),
            headers={"Link": f'<{CONVERSATIONS_URL}?page=2&per_page=100>; rel="next"'},
            match=[matchers.query_param_matcher({"per_page": "100", "page": "1"})])
    api.get(CONVERSATIONS_URL, json=samples.api("list_conversations_page2"),
            match=[matchers.query_param_matcher({"per_page": "100", "page": "2"})])
    assert CONNECTOR.fetch_ticket(samples.context(), "11").latest_message_id == "7001"


def test_fetch_refuses_a_next_link_to_another_host(api):
    _ticket(api)
    api.get(CONVERSATIONS_URL, json=[],
            headers={"Link": '<https://evil.example/api/v2/x?page=2>; rel="next"'})
    with pytest.raises(InvalidResponse, match="another host"):
        CONNECTOR.fetch_ticket(samples.context(), "11")


def test_fetch_falls_back_to_the_description_and_to_de_tagged_html(api):
    ticket = samples.api("get_ticket")
    ticket["description_text"] = None
    ticket["description"] = "<div>Where is my <b>order</b>?</div><p>It&#39;s late.</p>"
    _ticket(api, ticket)
    _conversations(api, [])
    result = CONNECTOR.fetch_ticket(samples.context(), "11")
    assert result.latest_message == "Where is my order?\nIt's late."
    assert (result.latest_message_id, result.latest_message_author_id) == \
        ("description", "5000001")


def test_apply_sends_the_tag_union_priority_fields_and_a_private_note(api):
    ticket = _fetch(api)
    _ticket(api)
    api.put(TICKET_URL, json=samples.api("update_ticket"))
    api.post(f"{TICKET_URL}/notes", json=samples.api("create_note"))
    result = CONNECTOR.apply(samples.context(), ticket, _enrichment())
    # The notes were read with the ticket: apply only re-reads the tags, then writes.
    assert [(c.request.method, c.request.url.split("?")[0]) for c in api.calls[2:]] == [
        ("GET", TICKET_URL), ("PUT", TICKET_URL), ("POST", f"{TICKET_URL}/notes")]
    put, = _bodies(api, "PUT")
    assert put == {"tags": ["billing", "vip", *OUR_TAGS], "priority": 3,
                   "custom_fields": {"cf_tactful_sentiment": "negative",
                                     "cf_tactful_topic": "billing"}}
    note, = _bodies(api, "POST")
    assert note["private"] is True
    assert note["body"].startswith("<p>Suggested reply:</p><p>Sorry for the double charge.</p>")
    assert note_marker("enrich:11:7001") in note["body"]
    assert result.tags_added == OUR_TAGS and result.priority_set == "high"
    assert result.fields_set == {"sentiment": "negative", "topic": "billing"}
    assert result.note_added and not result.already_applied


def test_a_tag_an_agent_adds_between_our_read_and_write_survives(api):
    ticket = _fetch(api)
    edited = samples.api("get_ticket")
    edited["tags"] = ["billing", "vip", "agent_added_this"]
    _ticket(api, edited)
    api.put(TICKET_URL, json=samples.api("update_ticket"))
    api.post(f"{TICKET_URL}/notes", json=samples.api("create_note"))
    CONNECTOR.apply(samples.context(), ticket, _enrichment())
    put, = _bodies(api, "PUT")
    assert put["tags"] == ["billing", "vip", "agent_added_this", *OUR_TAGS]


def test_a_priority_an_agent_changed_since_our_read_wins(api):
    ticket = _fetch(api)
    edited = samples.api("get_ticket")
    edited["priority"] = 1
    _ticket(api, edited)
    api.put(TICKET_URL, json=samples.api("update_ticket"))
    api.post(f"{TICKET_URL}/notes", json=samples.api("create_note"))
    result = CONNECTOR.apply(samples.context(), ticket, _enrichment())
    put, = _bodies(api, "PUT")
    assert "priority" not in put and result.priority_set is None


def test_a_second_run_finds_its_note_and_writes_nothing(api):
    ticket = replace(_fetch(api), op_markers=None)    # notes unknown: apply reads them
    done = samples.api("list_conversations")
    done.append({**samples.api("create_note"),
                 "body": f"<p>x</p><p>{note_marker('enrich:11:7001')}</p>"})
    _conversations(api, done)
    already = samples.api("get_ticket")
    already.update(tags=["billing", "vip", *OUR_TAGS], priority=3)
    already["custom_fields"].update(cf_tactful_sentiment="negative", cf_tactful_topic="billing")
    _ticket(api, already)
    result = CONNECTOR.apply(samples.context(), ticket, _enrichment())
    assert [c.request.method for c in api.calls[2:]] == ["GET", "GET"]
    assert result.already_applied and not result.note_added and result.tags_added == ()


def test_a_marker_seen_at_fetch_means_no_second_note_and_no_notes_read(api):
    done = samples.api("list_conversations")
    done.append({**samples.api("create_note"),
                 "body": f"<p>x</p><p>{note_marker('enrich:11:7001')}</p>"})
    _ticket(api)
    _conversations(api, done)
    ticket = CONNECTOR.fetch_ticket(samples.context(), "11")
    assert ticket.op_markers == {note_marker("enrich:11:7001")}
    _ticket(api)
    api.put(TICKET_URL, json=samples.api("update_ticket"))
    result = CONNECTOR.apply(samples.context(), ticket, _enrichment())
    assert [c.request.method for c in api.calls[2:]] == ["GET", "PUT"]
    assert not result.note_added and not _bodies(api, "POST")


def test_public_reply_only_when_the_enrichment_carries_one(api):
    ticket = _fetch(api)
    _ticket(api)
    api.put(TICKET_URL, json=samples.api("update_ticket"))
    api.post(f"{TICKET_URL}/notes", json=samples.api("create_note"))
    api.post(f"{TICKET_URL}/reply", json=samples.api("create_note"))
    result = CONNECTOR.apply(samples.context(), ticket, _enrichment(public_reply="Hi <Rachel>"))
    reply = _bodies(api, "POST")[-1]
    assert reply == {"body": "<p>Hi &lt;Rachel&gt;</p>"} and result.reply_sent


def test_rate_limited_read_raises_with_retry_after_and_writes_nothing(api):
    ticket = replace(_fetch(api), op_markers=None)    # notes unknown: apply reads them
    api.get(CONVERSATIONS_URL, status=429, json=samples.api("error_rate_limited"),
            headers={"Retry-After": "17"})
    with pytest.raises(RateLimited) as info:
        CONNECTOR.apply(samples.context(), ticket, _enrichment())
    assert info.value.retry_after == 17
    assert not _bodies(api, "PUT") and not _bodies(api, "POST")


def test_an_almost_spent_account_budget_waits_before_writing(api):
    ticket = _fetch(api)
    _ticket(api, **{"X-RateLimit-Remaining": "3", "X-RateLimit-Total": "200"})
    with pytest.raises(RateLimited) as info:
        CONNECTOR.apply(samples.context(), ticket, _enrichment())
    assert 1 <= info.value.retry_after <= 60
    assert [c.request.method for c in api.calls[2:]] == ["GET"]    # the re-read, no write


def test_a_rejected_api_key_is_unauthorized(api):
    api.get(TICKET_URL, status=401, json={"code": "invalid_credentials"})
    with pytest.raises(Unauthorized):
        CONNECTOR.fetch_ticket(samples.context(), "11")


def test_loop_guard_knows_our_agent():
    ctx = samples.context()
    ours = TicketEvent("app:x", "11", "replied", actor_id=samples.OUR_AGENT_ID)
    theirs = TicketEvent("app:y", "11", "replied", actor_id="5000001")
    assert CONNECTOR.is_own_change(ctx, ours, None)
    assert not CONNECTOR.is_own_change(ctx, theirs, None)
