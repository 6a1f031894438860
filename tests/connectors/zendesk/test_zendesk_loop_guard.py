"""The loop guard: events caused by our own integration user are not news."""
from __future__ import annotations

from connectors.base import Ticket, TicketEvent
from connectors.zendesk import CONNECTOR


def ticket(author: str | None) -> Ticket:
    return Ticket(id="5021", subject="s", latest_message="m", latest_message_id="1",
                  latest_message_author_id=author, requester_name=None, tags=(),
                  priority=None, version="v")


def test_event_made_by_our_integration_user_is_ours(ctx, webhook_fixture):
    event = CONNECTOR.parse_event(webhook_fixture("trigger_our_write_back"))
    assert CONNECTOR.is_own_change(ctx, event, ticket("33144692244499"))


def test_customer_event_is_not_ours(ctx, webhook_fixture):
    event = CONNECTOR.parse_event(webhook_fixture("trigger_customer_replied"))
    assert not CONNECTOR.is_own_change(ctx, event, ticket("33144692244499"))


def test_api_event_by_another_integration_is_not_ours(ctx):
    event = TicketEvent(provider_event_id="x", ticket_id="5021", kind="replied",
                        actor_id="999", via="web_service")
    assert not CONNECTOR.is_own_change(ctx, event, ticket("33144692244499"))


def test_message_written_by_our_user_is_never_treated_as_the_customers(ctx):
    event = TicketEvent(provider_event_id="x", ticket_id="5021", kind="replied")
    assert CONNECTOR.is_own_change(ctx, event, ticket("27810044119"))
