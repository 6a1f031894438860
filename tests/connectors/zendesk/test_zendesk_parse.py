"""Both delivery modes parse into TicketEvent; genuine events we do not act on give None."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connectors.errors import PayloadError
from connectors.zendesk import CONNECTOR


def test_event_subscription_ticket_created(webhook_fixture):
    event = CONNECTOR.parse_event(webhook_fixture("ticket_created"))
    assert event.kind == "created"
    assert event.ticket_id == "5021"
    assert event.provider_event_id == "4f1f4fbe-6a3b-4a8a-9f7e-2f7d0c1e9a51"
    assert event.occurred_at == datetime(2026, 11, 27, 9, 14, 3, tzinfo=UTC)
    assert event.actor_id == "33144692244499"
    assert event.via == "email"


def test_event_subscription_public_comment_is_a_reply(webhook_fixture):
    event = CONNECTOR.parse_event(webhook_fixture("ticket_comment_added"))
    assert (event.kind, event.ticket_id) == ("replied", "5021")


@pytest.mark.parametrize("name", ["ticket_comment_added_internal_note",
                                  "ticket_priority_changed", "user_created"])
def test_genuine_events_we_do_not_act_on_are_ignored(webhook_fixture, name):
    assert CONNECTOR.parse_event(webhook_fixture(name)) is None


def test_numeric_ids_in_detail_are_read_as_strings(webhook_fixture):
    payload = webhook_fixture("ticket_created")
    payload["detail"]["id"] = 5021
    payload["detail"]["actor_id"] = 33144692244499
    event = CONNECTOR.parse_event(payload)
    assert (event.ticket_id, event.actor_id) == ("5021", "33144692244499")


def test_new_unknown_fields_are_tolerated(webhook_fixture):
    payload = webhook_fixture("ticket_created")
    payload["brand_new_field"] = {"nested": [1, 2]}
    payload["detail"]["another_new_field"] = "x"
    assert CONNECTOR.parse_event(payload).kind == "created"


def test_trigger_body_created(webhook_fixture):
    event = CONNECTOR.parse_event(webhook_fixture("trigger_ticket_created"))
    assert (event.kind, event.ticket_id, event.account) == ("created", "5021", "acme")
    assert event.provider_event_id == "trigger:created:5021:2026-11-27T09:14:02Z"
    assert event.via == "mail"


def test_trigger_body_reply_and_our_write_back_normalise_via(webhook_fixture):
    assert CONNECTOR.parse_event(webhook_fixture("trigger_customer_replied")).kind == "replied"
    ours = CONNECTOR.parse_event(webhook_fixture("trigger_our_write_back"))
    assert (ours.via, ours.actor_id) == ("web_service", "27810044119")


def test_trigger_body_with_unknown_event_is_ignored(webhook_fixture):
    payload = webhook_fixture("trigger_ticket_created")
    payload["event"] = "solved"
    assert CONNECTOR.parse_event(payload) is None


def test_trigger_body_with_unfilled_placeholders_is_a_payload_error(webhook_fixture):
    with pytest.raises(PayloadError, match="ticket_id"):
        CONNECTOR.parse_event(webhook_fixture("trigger_unfilled_placeholder"))


def test_trigger_body_without_ticket_id_is_a_payload_error(webhook_fixture):
    payload = webhook_fixture("trigger_ticket_created")
    del payload["ticket_id"]
    with pytest.raises(PayloadError, match="ticket_id"):
        CONNECTOR.parse_event(payload)


def test_someone_elses_templated_trigger_is_a_payload_error(webhook_fixture):
    with pytest.raises(PayloadError, match="neither"):
        CONNECTOR.parse_event(webhook_fixture("templated_trigger_not_ours"))


def test_event_without_id_is_a_payload_error(webhook_fixture):
    payload = webhook_fixture("ticket_created")
    del payload["id"]
    with pytest.raises(PayloadError, match="id"):
        CONNECTOR.parse_event(payload)


def test_human_dates_from_placeholders_are_tolerated(webhook_fixture):
    payload = webhook_fixture("trigger_ticket_created")
    payload["updated_at"] = "February 3, 2025"
    event = CONNECTOR.parse_event(payload)
    assert event.occurred_at is None and event.ticket_id == "5021"
