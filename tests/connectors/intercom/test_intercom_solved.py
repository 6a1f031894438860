"""solved_facts (learned routing): one `GET /conversations/{id}`, parsed into the team, the
creation and last-close times, the reopen count and the customer's first message."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
import responses

from connectors.errors import InvalidResponse
from connectors.intercom import CONNECTOR
from tests.connectors.intercom.payloads import API, api
from tests.connectors.intercom.test_client import HEADERS, context

CONVERSATION = "21322009150"
URL = f"{API}/conversations/{CONVERSATION}"


def facts_of(payload: dict):
    with responses.RequestsMock() as mock:
        mock.get(URL, json=payload, match=[HEADERS])
        facts = CONNECTOR.solved_facts(context(), CONVERSATION)
        assert [c.request.method for c in mock.calls] == ["GET"], "one read, nothing written"
    return facts


def test_a_closed_conversation_reads_team_times_reopens_and_the_first_message_as_text():
    facts = facts_of(api("get_closed_conversation"))
    assert facts.ticket_id == CONVERSATION
    assert facts.group_id == "3002"                     # a number in the answer, an id here
    assert facts.created_at == datetime.fromtimestamp(1767999600, UTC)
    assert facts.solved_at == datetime.fromtimestamp(1768086000, UTC)   # the last close
    assert facts.reopens == 2
    assert facts.first_message == ("I was charged twice on my invoice this month.\n"
                                   "Please refund the duplicate payment.")


@pytest.mark.parametrize("team", [None, "0", 0])
def test_no_team_is_no_group(team):
    payload = api("get_closed_conversation")
    payload["team_assignee_id"] = team
    assert facts_of(payload).group_id is None


def test_a_conversation_never_closed_has_no_solve_time():
    payload = api("get_closed_conversation")
    payload["statistics"].update(last_close_at=None, first_close_at=None, count_reopens=0)
    facts = facts_of(payload)
    assert facts.solved_at is None and facts.reopens == 0


@pytest.mark.parametrize("statistics", [None, "missing", {"type": "conversation_statistics"}])
def test_missing_statistics_mean_no_solve_time_and_no_reopens(statistics):
    payload = api("get_closed_conversation")
    if statistics == "missing":
        del payload["statistics"]
    else:
        payload["statistics"] = statistics
    facts = facts_of(payload)
    assert facts.solved_at is None and facts.reopens == 0
    assert facts.group_id == "3002"


def test_a_null_reopen_count_is_zero_and_iso_statistics_times_are_read():
    payload = api("get_closed_conversation")
    # Webhook-shaped statistics carry ISO text rather than unix seconds.
    payload["statistics"].update(count_reopens=None, last_close_at="2026-01-10T23:00:00.000Z")
    facts = facts_of(payload)
    assert facts.reopens == 0
    assert facts.solved_at == datetime(2026, 1, 10, 23, 0, tzinfo=UTC)


def test_a_deleted_first_message_is_not_read_as_the_customers_words():
    payload = api("get_closed_conversation")
    payload["source"].update(redacted=True, body="<p>This message was deleted</p>")
    assert facts_of(payload).first_message == ""


def test_an_answer_without_created_at_is_an_invalid_response():
    payload = api("get_closed_conversation")
    del payload["created_at"]
    with pytest.raises(InvalidResponse, match="created_at"):
        facts_of(payload)
