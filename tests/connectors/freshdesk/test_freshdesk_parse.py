"""Rule bodies and app events parse into TicketEvent; genuine events we skip give None."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from connectors.errors import PayloadError
from connectors.freshdesk import CONNECTOR
from tests.connectors.freshdesk import samples


def test_rule_ticket_created():
    event = CONNECTOR.parse_event(samples.webhook("rule_ticket_created"))
    assert (event.kind, event.ticket_id, event.account) == ("created", "11", "acme")
    assert event.provider_event_id == "rule:created:11:2026-01-12T09:30:00Z"
    assert event.occurred_at == datetime(2026, 1, 12, 9, 30, tzinfo=UTC)


def test_rule_customer_replied_dedupes_on_ticket_and_update_time():
    first = CONNECTOR.parse_event(samples.webhook("rule_customer_replied"))
    again = CONNECTOR.parse_event(samples.webhook("rule_customer_replied"))
    assert first.kind == "replied"
    assert first.provider_event_id == again.provider_event_id \
        == "rule:replied:11:2026-01-12T10:02:41Z"


def test_rule_numbers_from_a_hand_edited_rule_are_read_as_strings():
    payload = samples.webhook("rule_customer_replied")
    payload["ticket_id"] = 11
    assert CONNECTOR.parse_event(payload).ticket_id == "11"


def test_rule_unfilled_update_time_never_swallows_a_later_reply():
    payload = samples.webhook("rule_unfilled_placeholders")
    first, second = CONNECTOR.parse_event(payload), CONNECTOR.parse_event(payload)
    assert first.occurred_at is None
    assert first.provider_event_id != second.provider_event_id


def test_rule_unfilled_ticket_id_is_a_clear_400():
    payload = samples.webhook("rule_customer_replied")
    payload["ticket_id"] = "{{ticket.id}}"
    with pytest.raises(PayloadError, match="ticket number"):
        CONNECTOR.parse_event(payload)


def test_rule_event_we_do_not_act_on_is_ignored():
    assert CONNECTOR.parse_event(samples.webhook("rule_unknown_event")) is None


def test_app_ticket_created():
    event = CONNECTOR.parse_event(samples.webhook("app_ticket_created"))
    assert (event.kind, event.ticket_id, event.account) == ("created", "11", "acme")
    assert event.provider_event_id == "app:onTicketCreate:11"
    assert event.actor_id == "5000001"
    assert event.occurred_at == datetime(2026, 1, 12, 9, 30, tzinfo=UTC)


def test_app_public_incoming_conversation_is_a_reply():
    event = CONNECTOR.parse_event(samples.webhook("app_conversation_created"))
    assert (event.kind, event.provider_event_id) == ("replied", "app:onConversationCreate:7001")


@pytest.mark.parametrize("change", [{"private": True}, {"incoming": False}])
def test_app_notes_and_agent_replies_are_ignored(change):
    payload = samples.webhook("app_conversation_created")
    payload["conversation"].update(change)
    assert CONNECTOR.parse_event(payload) is None
    assert CONNECTOR.parse_event(samples.webhook("app_private_note_created")) is None


def test_app_event_we_do_not_subscribe_to_is_ignored():
    payload = samples.webhook("app_ticket_created")
    payload["event"] = "onTicketUpdate"
    payload["changes"] = ["tags", "priority"]
    assert CONNECTOR.parse_event(payload) is None


def test_unknown_vendor_fields_are_tolerated():
    payload = samples.webhook("app_conversation_created")
    payload["brand_new_field"] = {"x": 1}
    payload["conversation"]["thread_id"] = 3
    assert CONNECTOR.parse_event(payload).kind == "replied"


@pytest.mark.parametrize("payload, reason", [
    ({"ticket_id": "11"}, "source must be"),
    ({"source": "tactful-rule", "ticket_id": "11"}, "event"),
    ({"source": "tactful-app", "event": "onTicketCreate", "ticket_id": 11}, "event_id"),
    ({"source": "tactful-app", "event_id": "x", "event": "onTicketCreate",
      "ticket_id": [1]}, "ticket_id"),
])
def test_malformed_bodies_name_what_is_wrong(payload, reason):
    with pytest.raises(PayloadError, match=reason):
        CONNECTOR.parse_event(payload)


@pytest.mark.parametrize("domain", ["acme", "acme.freshdesk.com", "https://acme.freshdesk.com/",
                                    "ACME.freshdesk.com"])
def test_account_names_in_every_spelling_mean_the_same_account(domain):
    payload = samples.webhook("app_ticket_created")
    payload["account"] = domain
    assert CONNECTOR.parse_event(payload).account == "acme"


FIXTURES = sorted(samples.FIXTURES.rglob("*.json"))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_fixture_is_valid_json(path: Path):
    try:
        json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        pytest.fail(f"{path.name} is not valid JSON: {exc}")


def test_every_webhook_fixture_is_declared_by_a_test():
    names = {p.stem for p in (samples.FIXTURES / "webhooks").glob("*.json")}
    here = Path(__file__).read_text(encoding="utf-8")
    assert {n for n in names if f'"{n}"' not in here} == set()
