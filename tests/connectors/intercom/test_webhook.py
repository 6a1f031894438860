"""Signature, topics and parsing of Intercom notifications (no network, no database)."""
from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from connectors.errors import PayloadError, SignatureError
from connectors.intercom import CONNECTOR, TOPICS, webhook
from tests.connectors.intercom.payloads import CLIENT_SECRET, WORKSPACE, sign, signed

SETTINGS = SimpleNamespace(intercom_client_secret=CLIENT_SECRET)
FIXTURE_NAMES = ["conversation_user_created", "conversation_user_replied", "ping",
                 "conversation_admin_noted", "conversation_operator_replied"]


def test_every_fixture_is_valid_json_and_names_its_topic():
    from tests.connectors.intercom.payloads import FIXTURES
    for path in (FIXTURES / "webhooks").glob("*.json"):
        payload = json.loads(path.read_text(encoding="utf-8"))
        assert payload["topic"].replace(".", "_") == path.stem, path.name


def test_a_signature_over_the_exact_bytes_passes():
    raw, headers = signed(webhook_payload("conversation_user_created"))
    CONNECTOR.verify_app(headers, raw, SETTINGS)


@pytest.mark.parametrize("mutate", [
    lambda raw, h: (raw + b"\n", h),                                  # one byte more
    lambda raw, h: (raw, {**h, "X-Hub-Signature": sign(raw, "other")}),
    lambda raw, h: (raw, {**h, "X-Hub-Signature": sign(raw)[5:]}),     # no sha1= prefix
    lambda raw, h: (raw, {k: v for k, v in h.items() if k != "X-Hub-Signature"}),
])
def test_a_wrong_or_missing_signature_is_refused(mutate):
    raw, headers = mutate(*signed(webhook_payload("conversation_user_replied")))
    with pytest.raises(SignatureError):
        CONNECTOR.verify_app(headers, raw, SETTINGS)


def test_without_a_client_secret_nothing_verifies():
    raw, headers = signed(webhook_payload("ping"))
    with pytest.raises(SignatureError, match="INTERCOM_CLIENT_SECRET"):
        CONNECTOR.verify_app(headers, raw, SimpleNamespace(intercom_client_secret=""))


def test_uppercase_hex_is_accepted():
    raw, headers = signed(webhook_payload("ping"))
    headers["X-Hub-Signature"] = "sha1=" + headers["X-Hub-Signature"][5:].upper()
    CONNECTOR.verify_app(headers, raw, SETTINGS)


def test_the_workspace_is_the_signed_app_id():
    assert CONNECTOR.account_of(webhook_payload("conversation_user_created")) == WORKSPACE


def test_a_customer_starting_a_conversation_is_created():
    event = CONNECTOR.parse_event(webhook_payload("conversation_user_created"))
    assert event.kind == "created"
    assert event.ticket_id == "21322009097"
    assert event.provider_event_id == "notif_ccd8a4d0-f965-11e6-a7cd-5f95cba6d9b3"
    assert event.account == WORKSPACE
    assert event.actor_id == "6657ad4e7b1a2c0001a1b2c3"
    assert event.via == "user"


def test_a_customer_reply_is_replied_and_names_the_new_part_author():
    event = CONNECTOR.parse_event(webhook_payload("conversation_user_replied"))
    assert (event.kind, event.actor_id, event.via) == (
        "replied", "6657ad4e7b1a2c0001a1b2c3", "user")


@pytest.mark.parametrize("name", ["ping", "conversation_admin_noted",
                                  "conversation_operator_replied"])
def test_ping_and_other_topics_are_ignored(name):
    assert CONNECTOR.parse_event(webhook_payload(name)) is None


def test_we_subscribe_only_to_customer_topics():
    assert set(TOPICS) == {"conversation.user.created", "conversation.user.replied"}


@pytest.mark.parametrize("breakage,reason", [
    (lambda p: p.pop("topic"), "topic"),
    (lambda p: p.pop("app_id"), "app_id"),
    (lambda p: p.update(id=None), "no id"),
    (lambda p: p["data"].pop("item"), "item"),
    (lambda p: p["data"]["item"].pop("id"), "id"),
    (lambda p: p["data"]["item"].update(type="ticket"), "ticket"),
    (lambda p: p.update(created_at="yesterday"), "created_at"),
])
def test_a_malformed_notification_is_a_payload_error(breakage, reason):
    payload = webhook_payload("conversation_user_replied")
    breakage(payload)
    with pytest.raises(PayloadError, match=reason):
        CONNECTOR.parse_event(payload)


def test_numeric_ids_and_unknown_fields_are_tolerated():
    payload = webhook_payload("conversation_user_replied")
    payload["data"]["item"]["id"] = 21322009097
    payload["brand_new_field"] = {"x": 1}
    payload["data"]["item"]["conversation_parts"]["conversation_parts"][0]["author"]["id"] = 42
    event = CONNECTOR.parse_event(payload)
    assert (event.ticket_id, event.actor_id) == ("21322009097", "42")


def test_a_stale_notification_keeps_no_snapshot_and_is_logged(caplog):
    payload = webhook_payload("conversation_user_replied")
    sent = datetime.fromtimestamp(payload["created_at"], UTC)
    with caplog.at_level(logging.INFO, logger="tactful.intercom"):
        event = webhook.parse_event(payload, now=sent + webhook.STALE_AFTER + timedelta(1))
    assert event.kind == "replied"
    # The author in an old snapshot is not trusted: the worker's fresh read decides.
    assert event.actor_id is None and event.via is None
    assert "intercom.webhook.stale" in [r.getMessage() for r in caplog.records]
    fresh = webhook.parse_event(payload, now=sent + timedelta(seconds=5))
    assert fresh.actor_id == "6657ad4e7b1a2c0001a1b2c3"


def test_a_bot_part_on_a_user_topic_is_marked_as_bot():
    payload = webhook_payload("conversation_user_replied")
    author = payload["data"]["item"]["conversation_parts"]["conversation_parts"][0]["author"]
    author.update(type="bot", from_ai_agent=True)
    assert CONNECTOR.parse_event(payload).via == "bot"


def webhook_payload(name: str) -> dict:
    from tests.connectors.intercom.payloads import webhook as load
    return load(name)
