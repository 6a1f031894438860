"""Every status an Intercom sender can get from /webhooks/intercom, and what gets stored."""
from __future__ import annotations

import json
import logging
import time

import pytest
import responses
from sqlalchemy import func, select

from integration.store import installations
from integration.store.models import Event, EventStatus
from tests.connectors.intercom.payloads import (
    API,
    WORKSPACE,
    sign,
    signed,
    webhook,
)

URL = "/webhooks/intercom"


@pytest.fixture
def installation_id(intercom_installation_id) -> str:
    return intercom_installation_id


@pytest.fixture
def post(intercom_app, installation_id):
    client = intercom_app.test_client()

    def _post(payload: dict | bytes, headers: dict | None = None):
        raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        if headers is None:
            headers = {"X-Hub-Signature": sign(raw), "Content-Type": "application/json"}
        return client.post(URL, data=raw, headers=headers)
    return _post


def stored_events(db) -> list[Event]:
    with db.session() as session:
        return list(session.scalars(select(Event)))


def test_a_customer_reply_is_stored_and_answered_200(post, db, installation_id):
    response = post(webhook("conversation_user_replied"))
    assert response.status_code == 200
    assert response.json["status"] == "accepted"
    [event] = stored_events(db)
    assert (event.installation_id, event.ticket_id, event.kind) == (
        installation_id, "21322009097", "replied")
    assert event.provider_event_id == "notif_0e7d9a20-ee31-4b66-9a3c-3f1d2a7c6b55"


def test_a_new_conversation_is_accepted(post, db):
    assert post(webhook("conversation_user_created")).status_code == 200
    assert [e.kind for e in stored_events(db)] == ["created"]


def test_a_replayed_notification_id_keeps_one_row(post, db):
    payload = webhook("conversation_user_replied")
    first = post(payload)
    payload["delivery_attempts"] = 2        # Intercom's redelivery: same id, new bytes
    second = post(payload)
    assert (first.status_code, second.status_code) == (200, 200)
    assert (first.get_json()["status"], second.get_json()["status"]) == ("accepted", "duplicate")
    assert second.json["status"] == "duplicate"
    assert second.json["event_id"] == first.json["event_id"]
    assert len(stored_events(db)) == 1


@pytest.mark.parametrize("headers", [
    {"Content-Type": "application/json"},
    {"Content-Type": "application/json", "X-Hub-Signature": "sha1=" + "0" * 40},
    {"Content-Type": "application/json", "X-Hub-Signature": "sha256=abc"},
])
def test_a_bad_or_missing_signature_is_401_and_nothing_is_stored(post, db, headers):
    response = post(webhook("conversation_user_replied"), headers=headers)
    assert response.status_code == 401
    assert response.json["error"] == "bad-signature"
    assert stored_events(db) == []


def test_a_body_signed_with_another_apps_secret_is_401(post, db):
    raw, headers = signed(webhook("conversation_user_replied"), secret="someone-else")
    assert post(raw, headers).status_code == 401
    assert stored_events(db) == []


def test_without_a_configured_client_secret_everything_is_401(app, db):
    raw, headers = signed(webhook("conversation_user_replied"))
    response = app.test_client().post(URL, data=raw, headers=headers)
    assert response.status_code == 401
    assert "INTERCOM_CLIENT_SECRET" in response.json["reason"]
    assert stored_events(db) == []


def test_a_valid_signature_for_an_unknown_workspace_is_200_ignored(post, db, caplog):
    payload = webhook("conversation_user_replied")
    payload["app_id"] = "someotherws"
    with caplog.at_level(logging.INFO, logger="tactful.webhook"):
        response = post(payload)
    assert response.status_code == 200
    assert response.json["status"] == "ignored"
    assert stored_events(db) == []
    assert "webhook.unknown-workspace" in [r.getMessage() for r in caplog.records]


def test_an_uninstalled_workspace_is_200_ignored(post, db, installation_id):
    with db.session() as session:
        installations.mark_uninstalled(session, session.get(installations.Installation,
                                                             installation_id))
    assert post(webhook("conversation_user_replied")).json["status"] == "ignored"
    assert stored_events(db) == []


@pytest.mark.parametrize("app_id", [WORKSPACE, "unknownws"])
def test_ping_answers_200_from_known_and_unknown_workspaces(post, db, app_id):
    payload = webhook("ping")
    payload["app_id"] = app_id
    response = post(payload)
    assert response.status_code == 200
    assert response.json["status"] == "ignored"
    assert stored_events(db) == []


@pytest.mark.parametrize("name", ["conversation_admin_noted", "conversation_operator_replied"])
def test_topics_we_do_not_act_on_are_200_and_not_stored(post, db, name):
    response = post(webhook(name))
    assert response.status_code == 200
    assert response.json["status"] == "ignored"
    assert stored_events(db) == []


def test_a_stale_notification_is_accepted_for_a_fresh_read(post, db, caplog):
    payload = webhook("conversation_user_replied", sent_at=time.time() - 3 * 86400)
    with caplog.at_level(logging.INFO, logger="tactful.intercom"):
        response = post(payload)
    assert response.status_code == 200
    [event] = stored_events(db)
    assert event.kind == "replied"
    assert "intercom.webhook.stale" in [r.getMessage() for r in caplog.records]


@pytest.mark.parametrize("body,reason", [
    (b"{not json", "not valid JSON"),
    (b"[1, 2]", "JSON object"),
    (json.dumps({"app_id": WORKSPACE, "data": {"item": {}}}).encode(), "topic"),
    (json.dumps({"topic": "conversation.user.replied", "app_id": WORKSPACE, "id": "n1",
                 "data": {"item": {"type": "conversation"}}}).encode(), "id"),
])
def test_a_signed_malformed_body_is_400_with_the_reason(post, db, body, reason):
    response = post(body)
    assert response.status_code == 400
    assert reason in response.json["reason"]
    assert stored_events(db) == []


def test_a_non_json_content_type_is_400(post, db):
    raw = json.dumps(webhook("conversation_user_replied")).encode()
    response = post(raw, {"X-Hub-Signature": sign(raw), "Content-Type": "text/plain"})
    assert response.status_code == 400
    assert stored_events(db) == []


def test_an_oversized_body_is_413_and_not_stored(post, intercom_app, db):
    raw = b"x" * (intercom_app.config["MAX_CONTENT_LENGTH"] + 1)
    response = post(raw, {"X-Hub-Signature": sign(raw), "Content-Type": "application/json"})
    assert response.status_code == 413
    assert stored_events(db) == []


def test_the_per_installation_url_is_not_intercoms(post, intercom_app, installation_id):
    raw, headers = signed(webhook("conversation_user_replied"))
    response = intercom_app.test_client().post(f"{URL}/{installation_id}", data=raw,
                                               headers=headers)
    assert response.status_code == 404


@responses.activate
def test_accepting_calls_no_vendor_so_it_stays_inside_intercoms_five_second_budget(post, db):
    """Intercom gives a webhook 5 s. Accepting only stores and queues: no call to Intercom
    (responses refuses any), no analysis; the worker does the rest. Speed is in bench/."""
    for n in range(20):
        payload = webhook("conversation_user_replied")
        payload["id"] = f"notif_budget_{n}"
        assert post(payload).status_code == 200
    assert len(responses.calls) == 0
    with db.session() as session:
        stored = list(session.scalars(
            select(Event).where(Event.provider_event_id.like("%notif_budget_%"))))
    assert len(stored) == 20
    assert {e.status for e in stored} <= {EventStatus.PENDING, EventStatus.QUEUED}


def test_events_per_workspace_count_only_their_own(post, db, keyring):
    with db.session() as session:
        installations.create(session, keyring, provider="intercom", account="secondws",
                             api_base=API, credentials={"access_token": "t2", "actor_id": "2"})
    other = webhook("conversation_user_replied")
    other["app_id"] = "secondws"
    assert post(webhook("conversation_user_replied")).status_code == 200
    assert post(other).status_code == 200   # same notification id, other workspace
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Event)) == 2
