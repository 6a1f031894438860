"""Contract tests: every outbound Intercom call's method, URL, headers and body."""
from __future__ import annotations

import json
import time

import pytest
import responses
from responses import matchers

from connectors.base import Enrichment, InstallationContext, note_marker
from connectors.errors import HostError, InvalidResponse, NotFound, RateLimited, Unauthorized
from connectors.intercom import CONNECTOR
from connectors.intercom.client import API_VERSION, IntercomClient, api_base_for
from tests.connectors.intercom.payloads import ADMIN_ID, API, WORKSPACE, api

CONVERSATION = "21322009097"
CONTACT = "6657ad4e7b1a2c0001a1b2c3"
HEADERS = matchers.header_matcher({"Authorization": "Bearer tok-1",
                                   "Intercom-Version": API_VERSION,
                                   "Accept": "application/json"})


def context(**settings) -> InstallationContext:
    return InstallationContext(id="in_1", provider="intercom", account=WORKSPACE, api_base=API,
                               credentials={"access_token": "tok-1", "actor_id": ADMIN_ID},
                               webhook_secrets=[], settings=settings)


def enrichment(**overrides) -> Enrichment:
    values = {"op_key": f"enrich:{CONVERSATION}:18547209512",
              "add_tags": ("tactful_sentiment_negative", "vip"), "priority": "high",
              "custom_fields": {"sentiment": "negative", "emotions": "anger",
                                "priority": "high", "topic": "shipping"},
              "note": "Jane is upset.\n\nSuggested reply: <sorry>"}
    return Enrichment(**{**values, **overrides})


def mock_conversation(rsps, body=None):
    rsps.get(f"{API}/conversations/{CONVERSATION}", json=body or api("get_conversation"),
             match=[HEADERS, matchers.query_param_matcher({"display_as": "plaintext"})])


@responses.activate
def test_fetch_reads_the_newest_customer_part_and_the_contact_name():
    mock_conversation(responses)
    responses.get(f"{API}/contacts/{CONTACT}", json=api("get_contact"), match=[HEADERS])
    ticket = CONNECTOR.fetch_ticket(context(), CONVERSATION)
    assert ticket.latest_message == "Still waiting. This is the third time I write!"
    assert (ticket.latest_message_id, ticket.latest_message_author_id) == (
        "18547209512", CONTACT)
    assert ticket.requester_name == "Jane Doe"
    assert ticket.subject == "Broken order"
    assert ticket.tags == ("vip",)
    assert ticket.priority is None
    assert ticket.version == "1768003200"
    assert len(responses.calls) == 2


@responses.activate
def test_with_no_reply_yet_the_source_is_the_message_and_html_becomes_text():
    body = api("get_conversation")
    body["conversation_parts"]["conversation_parts"] = []
    body["source"]["body"] = "<p>Broken &amp; late</p><p>Help’ ☃</p>"
    body["priority"] = "priority"
    mock_conversation(responses, body)
    responses.get(f"{API}/contacts/{CONTACT}", json=api("get_contact"))
    ticket = CONNECTOR.fetch_ticket(context(), CONVERSATION)
    assert ticket.latest_message == "Broken & late\nHelp’ ☃"
    assert ticket.latest_message_id == "source-3001234567"
    assert ticket.priority == "high"


@responses.activate
def test_the_installation_region_and_version_setting_choose_host_and_header():
    eu = api_base_for("eu")
    ctx = context(intercom_version="2.11")
    ctx.api_base = eu
    responses.get(f"{eu}/contacts/{CONTACT}", json=api("get_contact"),
                  match=[matchers.header_matcher({"Intercom-Version": "2.11"})])
    assert IntercomClient.for_installation(ctx).contact(CONTACT)["name"] == "Jane Doe"


def test_regions_map_to_their_hosts():
    assert api_base_for("us") == "https://api.intercom.io"
    assert api_base_for("Europe") == "https://api.eu.intercom.io"
    assert api_base_for("AU") == "https://api.au.intercom.io"
    with pytest.raises(ValueError):
        api_base_for("mars")


def mock_writes(rsps, tag_name="tactful_sentiment_negative"):
    mock_conversation(rsps)
    rsps.post(f"{API}/tags", json={"type": "tag", "id": "8401551", "name": tag_name},
              match=[HEADERS, matchers.json_params_matcher({"name": tag_name})])
    rsps.post(f"{API}/conversations/{CONVERSATION}/tags", json={"type": "tag", "id": "8401551"},
              match=[HEADERS, matchers.json_params_matcher({"id": "8401551",
                                                            "admin_id": ADMIN_ID})])
    rsps.get(f"{API}/data_attributes", json=api("data_attributes"),
             match=[HEADERS, matchers.query_param_matcher({"model": "conversation"})])
    rsps.put(f"{API}/conversations/{CONVERSATION}", json=api("update_conversation"),
             match=[HEADERS, matchers.json_params_matcher({"custom_attributes": {
                 "tactful_sentiment": "negative", "tactful_priority": "high"}})])
    rsps.post(f"{API}/conversations/{CONVERSATION}/reply", json=api("reply_note"),
              match=[HEADERS])


@responses.activate
def test_apply_attaches_missing_tags_sets_defined_attributes_and_adds_one_note():
    mock_writes(responses)
    result = CONNECTOR.apply(context(), ticket(), enrichment())
    assert result.tags_added == ("tactful_sentiment_negative",)   # "vip" was already there
    # emotions: archived in this workspace; topic: not mapped by default.
    assert result.fields_set == {"tactful_sentiment": "negative", "tactful_priority": "high"}
    assert result.priority_set is None            # 2.16 cannot set priority
    assert result.note_added and not result.reply_sent
    note = json.loads(responses.calls[-1].request.body)
    assert note["message_type"] == "note" and note["type"] == "admin"
    assert note["admin_id"] == ADMIN_ID
    assert note["body"] == ("<p>Jane is upset.</p><p>Suggested reply: &lt;sorry&gt;</p>"
                            f"<p>{note_marker(enrichment().op_key)}</p>")
    assert [c.request.method for c in responses.calls] == [
        "GET", "POST", "POST", "GET", "PUT", "POST"]


@responses.activate
def test_apply_twice_changes_nothing_the_second_time():
    body = api("get_conversation")
    body["tags"]["tags"].append({"type": "tag", "id": "8401551",
                                 "name": "tactful_sentiment_negative"})
    body["custom_attributes"].update(tactful_sentiment="negative", tactful_priority="high")
    body["conversation_parts"]["conversation_parts"].append({
        "type": "conversation_part", "id": "18547209600", "part_type": "note",
        "body": f"Jane is upset. {note_marker(enrichment().op_key)}",
        "author": {"type": "admin", "id": ADMIN_ID}})
    mock_conversation(responses, body)
    responses.get(f"{API}/data_attributes", json=api("data_attributes"))
    result = CONNECTOR.apply(context(), ticket(), enrichment())
    assert result.already_applied and not result.note_added
    assert result.tags_added == () and result.fields_set == {}
    assert [c.request.method for c in responses.calls] == ["GET", "GET"]


@responses.activate
def test_a_list_attribute_gets_only_one_of_its_options_and_fields_map_renames():
    mock_conversation(responses)
    responses.get(f"{API}/data_attributes", json=api("data_attributes"))
    responses.put(f"{API}/conversations/{CONVERSATION}", json={},
                  match=[matchers.json_params_matcher({"custom_attributes": {
                      "tactful_priority": "shipping"}})])
    responses.post(f"{API}/conversations/{CONVERSATION}/reply", json=api("reply_note"))
    ctx = context(fields_map={"topic": "tactful_priority", "priority": ""})
    result = CONNECTOR.apply(ctx, ticket(), enrichment(
        add_tags=(), custom_fields={"sentiment": "furious", "topic": "shipping",
                                    "priority": "high"}))
    assert result.fields_set == {"tactful_priority": "shipping"}


@responses.activate
def test_on_the_preview_version_priority_is_set_with_our_admin():
    ctx = context(intercom_version="Unstable")
    responses.get(f"{API}/conversations/{CONVERSATION}", json=api("get_conversation"))
    responses.put(f"{API}/conversations/{CONVERSATION}", json={},
                  match=[matchers.json_params_matcher({"priority": "high",
                                                       "admin_id": ADMIN_ID}),
                         matchers.header_matcher({"Intercom-Version": "Unstable"})])
    responses.post(f"{API}/conversations/{CONVERSATION}/reply", json=api("reply_note"))
    result = CONNECTOR.apply(ctx, ticket(), enrichment(add_tags=(), custom_fields={}))
    assert result.priority_set == "high"


@responses.activate
def test_a_public_reply_follows_a_new_note_as_a_comment():
    mock_conversation(responses)
    responses.post(f"{API}/conversations/{CONVERSATION}/reply", json=api("reply_note"))
    result = CONNECTOR.apply(context(), ticket(), enrichment(
        add_tags=(), custom_fields={}, public_reply="Sorry, Jane!"))
    assert result.reply_sent
    reply = json.loads(responses.calls[-1].request.body)
    assert reply == {"message_type": "comment", "type": "admin", "admin_id": ADMIN_ID,
                     "body": "<p>Sorry, Jane!</p>"}


@responses.activate
def test_429_waits_until_the_window_resets():
    reset = int(time.time()) + 7
    responses.get(f"{API}/contacts/{CONTACT}", json=api("error_rate_limited"), status=429,
                  headers={"X-RateLimit-Reset": str(reset), "X-RateLimit-Remaining": "0"})
    client = IntercomClient(API, "tok-1")
    with pytest.raises(RateLimited) as caught:
        client.contact(CONTACT)
    assert 5 <= caught.value.retry_after <= 8
    assert client.last_rate_remaining == 0


@responses.activate
def test_429_without_a_reset_header_waits_one_window():
    responses.get(f"{API}/contacts/{CONTACT}", status=429)
    with pytest.raises(RateLimited) as caught:
        IntercomClient(API, "tok-1").contact(CONTACT)
    assert caught.value.retry_after == 10.0


@pytest.mark.parametrize("status,error", [(401, Unauthorized), (404, NotFound),
                                          (500, HostError), (422, InvalidResponse)])
@responses.activate
def test_errors_map_onto_the_shared_hierarchy(status, error):
    responses.get(f"{API}/conversations/{CONVERSATION}", json=api("error_unauthorized"),
                  status=status)
    with pytest.raises(error):
        CONNECTOR.fetch_ticket(context(), CONVERSATION)


@responses.activate
def test_an_unreadable_conversation_is_an_invalid_response():
    responses.get(f"{API}/conversations/{CONVERSATION}", json={"type": "conversation"})
    with pytest.raises(InvalidResponse):
        CONNECTOR.fetch_ticket(context(), CONVERSATION)


def test_apply_without_an_admin_id_makes_no_call():
    ctx = context()
    ctx.credentials.pop("actor_id")
    with responses.RequestsMock() as rsps, pytest.raises(InvalidResponse):
        CONNECTOR.apply(ctx, ticket(), enrichment())
    assert len(rsps.calls) == 0


def ticket():
    from connectors.base import Ticket
    return Ticket(id=CONVERSATION, subject="Broken order", latest_message="Still waiting.",
                  latest_message_id="18547209512", latest_message_author_id=CONTACT,
                  requester_name="Jane Doe", tags=("vip",), priority=None,
                  version="1768003200")


@responses.activate
def test_tag_ids_and_attributes_are_cached_per_workspace():
    mock_writes(responses)
    CONNECTOR.apply(context(), ticket(), enrichment(op_key="enrich:1:a"))
    calls_first = len(responses.calls)
    CONNECTOR.apply(context(), ticket(), enrichment(op_key="enrich:1:b"))
    second = [(c.request.method, c.request.url.split("?")[0]) for c in
              responses.calls[calls_first:]]
    assert ("POST", f"{API}/tags") not in second
    assert ("GET", f"{API}/data_attributes") not in second
    assert ("POST", f"{API}/conversations/{CONVERSATION}/tags") in second


@responses.activate
def test_a_cached_tag_deleted_in_intercom_is_created_again():
    mock_writes(responses)
    CONNECTOR.apply(context(), ticket(), enrichment(op_key="enrich:1:a"))
    responses.replace(responses.POST, f"{API}/conversations/{CONVERSATION}/tags",
                      json=api("error_unauthorized"), status=404)
    responses.add(responses.POST, f"{API}/conversations/{CONVERSATION}/tags",
                  json={"type": "tag", "id": "8401551"})
    start = len(responses.calls)
    CONNECTOR.apply(context(), ticket(), enrichment(op_key="enrich:1:b"))
    urls = [c.request.url for c in responses.calls[start:]]
    assert urls.count(f"{API}/tags") == 1
    assert urls.count(f"{API}/conversations/{CONVERSATION}/tags") == 2
