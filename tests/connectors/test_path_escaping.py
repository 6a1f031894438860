"""Issue 13 finding 7 (client side): an id is always one escaped path segment.

The receivers refuse such ids now, but ids also come from vendor answers and the
admin's settings, so every client builds its paths through connectors.http.api_path.
Each test asserts the exact URL that went out.
"""
from __future__ import annotations

import re

import pytest
import responses

from connectors.base import InstallationContext
from connectors.freshdesk.client import FreshdeskClient
from connectors.http import api_path
from connectors.intercom.client import IntercomClient
from connectors.zendesk.client import ZendeskClient

HOSTILE = ["1?include=x", "../../users/me", "1#frag", "a b", "１２３"]


@pytest.mark.parametrize("segment, expected", [
    ("1?include=x", "/t/1%3Finclude%3Dx"), ("../../users/me", "/t/..%2F..%2Fusers%2Fme"),
    ("1#frag", "/t/1%23frag"), ("１", "/t/%EF%BC%91"), (42, "/t/42")])
def test_api_path_escapes_each_segment(segment, expected):
    assert api_path("/t/{}", segment) == expected


@pytest.mark.parametrize("segment", ["", ".", ".."])
def test_dot_segments_cannot_be_escaped_and_are_refused(segment):
    with pytest.raises(ValueError):
        api_path("/t/{}", segment)


def ctx(provider: str, base: str) -> InstallationContext:
    return InstallationContext(id="in_t", provider=provider, account="acme", api_base=base,
                               credentials={"api_key": "k", "access_token": "t"},
                               webhook_secrets=[])


def _only_url(mock) -> str:
    assert len(mock.calls) == 1
    return mock.calls[0].request.url


@pytest.mark.parametrize("ticket_id", HOSTILE)
def test_zendesk_ticket_read_stays_on_the_ticket_path(ticket_id):
    client = ZendeskClient(ctx("zendesk", "https://acme.zendesk.com"))
    with responses.RequestsMock() as mock:
        mock.get(re.compile(r"https://acme\.zendesk\.com/.*"), status=404)
        with pytest.raises(Exception):  # noqa: B017 - only the URL matters here
            client.ticket(ticket_id)
        url = _only_url(mock)
    escaped = api_path("{}", ticket_id)
    assert url == f"https://acme.zendesk.com/api/v2/tickets/{escaped}.json?include=users"


@pytest.mark.parametrize("ticket_id", HOSTILE)
def test_freshdesk_note_goes_to_the_escaped_ticket(ticket_id):
    client = FreshdeskClient(ctx("freshdesk", "https://acme.freshdesk.com"))
    with responses.RequestsMock() as mock:
        mock.post(re.compile(r"https://acme\.freshdesk\.com/.*"), json={})
        client.add_private_note(ticket_id, "<p>hi</p>")
        url = _only_url(mock)
    escaped = api_path("{}", ticket_id)
    assert url == f"https://acme.freshdesk.com/api/v2/tickets/{escaped}/notes"


@pytest.mark.parametrize("conversation_id", HOSTILE)
def test_intercom_reply_goes_to_the_escaped_conversation(conversation_id):
    client = IntercomClient("https://api.intercom.io", "t")
    with responses.RequestsMock() as mock:
        mock.post(re.compile(r"https://api\.intercom\.io/.*"), json={})
        client.reply(conversation_id, "991267", "<p>hi</p>")
        url = _only_url(mock)
    escaped = api_path("{}", conversation_id)
    assert url == f"https://api.intercom.io/conversations/{escaped}/reply"
