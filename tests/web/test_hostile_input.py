"""Issue 13 findings 5-9: hostile input gets a precise 4xx, never a 5xx or a silent change.

Each test was written against the receiver as it was (500 on deep JSON and absurd
timestamps, 503 on NUL, ids cut at 255/64 characters, replies without a time merged).
"""
from __future__ import annotations

import dataclasses
import json

import pytest
from sqlalchemy import func, select

from connectors.intercom.webhook import signature_of
from integration.store import installations
from integration.store.models import Event
from tests.connectors.freshdesk import samples as fd
from tests.connectors.intercom.payloads import CLIENT_SECRET
from tests.web.test_zendesk_webhooks import SECRET as ZD_SECRET
from tests.web.test_zendesk_webhooks import fixture, raw_of, signed_headers

DEEP = b"[" * 1000 + b"]" * 1000
ADMIN_TOKEN = "hostile-input-admin-token-0123456789abcdef"


@pytest.fixture
def zendesk_id(db, keyring) -> str:
    with db.session() as session:
        return installations.create(
            session, keyring, provider="zendesk", account="acme",
            api_base="https://acme.zendesk.com", credentials={"access_token": "t"},
            webhook_secret=ZD_SECRET).id


@pytest.fixture
def freshdesk_id(db, keyring) -> str:
    with db.session() as session:
        return installations.create(
            session, keyring, provider="freshdesk", account="acme", api_base=fd.API_BASE,
            credentials={"api_key": fd.API_KEY}, webhook_secret=fd.SECRET).id


def stored(db) -> list[Event]:
    with db.session() as session:
        rows = list(session.scalars(select(Event).order_by(Event.id)))
        session.expunge_all()
        return rows


def zendesk_post(client, installation_id, payload_or_raw):
    raw = payload_or_raw if isinstance(payload_or_raw, bytes) else raw_of(payload_or_raw)
    return client.post(f"/webhooks/zendesk/{installation_id}", data=raw,
                       headers=signed_headers(raw))


# -- finding 5: nesting, NUL, absurd timestamps -------------------------------------------

def test_deep_json_on_a_webhook_is_400_not_500(client, zendesk_id, db):
    response = zendesk_post(client, zendesk_id, b'{"type": ' + DEEP + b"}")
    assert response.status_code == 400 and "nests deeper" in response.json["reason"]
    assert stored(db) == []


def test_deep_json_just_under_the_decoder_limit_is_also_400(client, zendesk_id):
    shallow_enough = b"[" * 200 + b"]" * 200     # json.loads manages it; we still refuse
    response = zendesk_post(client, zendesk_id, b'{"type": ' + shallow_enough + b"}")
    assert response.status_code == 400


def test_deep_json_on_intercom_uninstall_is_400(app, client):
    app.config["TACTFUL"] = dataclasses.replace(app.config["TACTFUL"],
                                                intercom_client_secret=CLIENT_SECRET)
    raw = b'{"app_id": ' + DEEP + b"}"
    headers = {"X-Hub-Signature": signature_of(CLIENT_SECRET, raw),
               "Content-Type": "application/json"}
    response = client.post("/intercom/uninstall", data=raw, headers=headers)
    assert response.status_code == 400


def test_deep_json_on_admin_settings_is_400(app, client, zendesk_id):
    app.config["TACTFUL"] = dataclasses.replace(app.config["TACTFUL"], admin_token=ADMIN_TOKEN)
    response = client.put(f"/api/admin/installations/{zendesk_id}/settings",
                          data=b'{"policy": ' + DEEP + b"}", content_type="application/json",
                          headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert response.status_code == 400 and "nests deeper" in response.json["reason"]


@pytest.mark.parametrize("where", ["id", "time", "detail.updated_at"])
def test_nul_in_an_event_id_or_timestamp_is_400_not_503(client, zendesk_id, db, where):
    payload = fixture("ticket_comment_added")
    if where == "detail.updated_at":
        payload["detail"]["updated_at"] = "2026-11-27T10:02:40Z\x00"
    else:
        payload[where] = payload[where] + "\x00"
    response = zendesk_post(client, zendesk_id, payload)
    assert response.status_code == 400, response.json
    assert stored(db) == []


def test_nul_in_a_trigger_bodys_updated_at_is_400(client, zendesk_id, db):
    payload = fixture("trigger_customer_replied")
    payload["updated_at"] = "2026-11-27T10:02:40Z\x00"
    assert zendesk_post(client, zendesk_id, payload).status_code == 400
    assert stored(db) == []


def test_absurd_signed_freshdesk_timestamp_is_401_not_500(client, freshdesk_id, db):
    raw = fd.raw(fd.webhook("app_conversation_created"))
    headers = fd.signed_headers(raw, timestamp=99999999999999999999)
    response = client.post(f"/webhooks/freshdesk/{freshdesk_id}", data=raw, headers=headers)
    assert response.status_code == 401
    assert stored(db) == []


def test_absurd_app_event_time_is_400_not_500(client, freshdesk_id, db):
    payload = fd.webhook("app_conversation_created")
    payload["occurred_at"] = 10 ** 30
    raw = fd.raw(payload)
    response = client.post(f"/webhooks/freshdesk/{freshdesk_id}", data=raw,
                           headers=fd.signed_headers(raw))
    assert response.status_code == 400


# -- finding 7: ids outside the vendor's grammar -----------------------------------------

@pytest.mark.parametrize("ticket_id", ["1?include=x", "../../users/me", "１２３", "1" * 74,
                                       "12/comments", "0"])
def test_ticket_ids_outside_zendesk_grammar_are_400(client, zendesk_id, db, ticket_id):
    payload = fixture("ticket_comment_added")
    payload["detail"]["id"] = ticket_id
    assert zendesk_post(client, zendesk_id, payload).status_code == 400
    trigger = fixture("trigger_customer_replied")
    trigger["ticket_id"] = ticket_id
    assert zendesk_post(client, zendesk_id, trigger).status_code == 400
    assert stored(db) == []


@pytest.mark.parametrize("ticket_id", ["1?include=x", "../../users/me", "１２３", "9" * 74])
def test_ticket_ids_outside_freshdesk_grammar_are_400(client, freshdesk_id, db, ticket_id):
    payload = fd.webhook("app_conversation_created")
    payload["ticket_id"] = ticket_id
    raw = fd.raw(payload)
    response = client.post(f"/webhooks/freshdesk/{freshdesk_id}", data=raw,
                           headers=fd.signed_headers(raw))
    assert response.status_code == 400
    rule = fd.webhook("rule_customer_replied")
    rule["ticket_id"] = ticket_id
    response = client.post(f"/webhooks/freshdesk/{freshdesk_id}", data=fd.raw(rule),
                           headers=fd.shared_secret_headers())
    assert response.status_code == 400
    assert stored(db) == []


# -- finding 8: no silent truncation ------------------------------------------------------

def test_two_long_event_ids_are_refused_not_merged(client, zendesk_id, db):
    first, second = fixture("ticket_comment_added"), fixture("ticket_comment_added")
    first["id"], second["id"] = "a" * 200 + "-first", "a" * 200 + "-second"
    assert zendesk_post(client, zendesk_id, first).status_code == 202
    assert zendesk_post(client, zendesk_id, second).status_code == 202
    assert len(stored(db)) == 2        # different deliveries stay different

    for payload in (first, second):
        payload["id"] = "b" * 301 if payload is first else "b" * 300 + "c"
    responses = [zendesk_post(client, zendesk_id, p) for p in (first, second)]
    assert [r.status_code for r in responses] == [400, 400]
    assert len(stored(db)) == 2


def test_an_id_pushed_over_the_column_by_our_prefix_is_400_naming_the_limit(client,
                                                                              freshdesk_id, db):
    payload = fd.webhook("app_conversation_created")
    payload["event_id"] = "e" * 253          # valid alone; "app:" makes it 257 characters
    raw = fd.raw(payload)
    response = client.post(f"/webhooks/freshdesk/{freshdesk_id}", data=raw,
                           headers=fd.signed_headers(raw))
    assert response.status_code == 400 and "at most 255" in response.json["reason"]
    assert stored(db) == []


def test_inbox_refuses_ids_it_would_have_cut(db):
    from connectors.base import TicketEvent
    from integration.pipeline import inbox
    with pytest.raises(inbox.Unstorable, match="at most 255"):
        inbox.accept(db, "in_x", TicketEvent("x" * 256, "1", "created"), None)
    with pytest.raises(inbox.Unstorable, match="at most 64"):
        inbox.accept(db, "in_x", TicketEvent("ok", "1" * 65, "created"), None)
    with pytest.raises(inbox.Unstorable, match="control character"):
        inbox.accept(db, "in_x", TicketEvent("ok\x00", "1", "created"), None)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Event)) == 0


# -- finding 9: Zendesk replies without updated_at ---------------------------------------

def test_two_replies_with_their_times_are_two_events(client, zendesk_id, db):
    first, second = fixture("trigger_customer_replied"), fixture("trigger_customer_replied")
    second["updated_at"] = "2026-11-27T11:30:00Z"
    assert [zendesk_post(client, zendesk_id, p).status_code for p in (first, second)] \
        == [202, 202]
    assert len(stored(db)) == 2


@pytest.mark.parametrize("updated_at", [None, "", "{{ticket.updated_at_with_timestamp}}",
                                        "February 3, 2025", "2025-02-03"])
def test_a_reply_without_its_time_is_400_naming_the_placeholder(client, zendesk_id, db,
                                                                updated_at):
    """It used to become trigger:replied:<ticket>:unknown, swallowing every later reply."""
    payload = fixture("trigger_customer_replied")
    if updated_at is None:
        del payload["updated_at"]
    else:
        payload["updated_at"] = updated_at
    response = zendesk_post(client, zendesk_id, payload)
    assert response.status_code == 400
    assert "{{ticket.updated_at_with_timestamp}}" in response.json["reason"]
    assert stored(db) == []


def test_the_installers_trigger_body_sends_the_time_placeholder():
    from connectors.zendesk.provision import trigger_body
    body = json.loads(trigger_body("replied", "acme"))
    assert body["updated_at"] == "{{ticket.updated_at_with_timestamp}}"
