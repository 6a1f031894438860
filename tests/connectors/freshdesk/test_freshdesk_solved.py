"""solved_facts (learned routing): one `GET /api/v2/tickets/{id}?include=stats`, parsed into
group, creation and solve times, a reopening, and the customer's first message."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
import responses
from responses import matchers

from connectors.errors import InvalidResponse
from connectors.freshdesk import CONNECTOR
from tests.connectors.freshdesk.samples import API_BASE, api, context

TICKET_URL = f"{API_BASE}/api/v2/tickets/42"
WITH_STATS = matchers.query_param_matcher({"include": "stats"})


def facts_of(payload: dict):
    with responses.RequestsMock() as mock:
        mock.get(TICKET_URL, json=payload, match=[WITH_STATS])
        facts = CONNECTOR.solved_facts(context(), "42")
        assert [(c.request.method, c.request.url.split("?")[0]) for c in mock.calls] == [
            ("GET", TICKET_URL)], "one read, nothing written"
    return facts


def test_a_resolved_reopened_ticket_reads_group_times_one_reopen_and_the_first_message():
    facts = facts_of(api("get_ticket_with_stats"))
    assert facts.ticket_id == "42" and facts.group_id == "4002"
    assert facts.created_at == datetime(2026, 1, 12, 9, 30, tzinfo=UTC)
    assert facts.solved_at == datetime(2026, 1, 13, 15, 0, tzinfo=UTC)
    assert facts.reopens == 1                  # reopened_at is set; Freshdesk counts no more
    # The rendered HTML, without the quoted mail history description_text keeps.
    assert facts.first_message == ("I was charged twice for order 4471, please refund one "
                                   "payment.")


def test_never_reopened_counts_zero_and_a_ticket_closed_without_resolving_uses_closed_at():
    payload = api("get_ticket_with_stats")
    payload["stats"].update(reopened_at=None, resolved_at=None,
                            closed_at="2026-01-14T10:00:00Z")
    facts = facts_of(payload)
    assert facts.reopens == 0
    assert facts.solved_at == datetime(2026, 1, 14, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("stats", [None, "missing", {"resolved_at": None, "closed_at": None}])
def test_without_stats_or_solve_times_there_is_no_solve_time(stats):
    payload = api("get_ticket_with_stats")
    if stats == "missing":
        del payload["stats"]
    else:
        payload["stats"] = stats
    facts = facts_of(payload)
    assert facts.solved_at is None and facts.reopens == 0
    assert facts.group_id == "4002"


def test_unassigned_group_and_a_text_only_description():
    payload = api("get_ticket_with_stats")
    payload.update(group_id=None, description=None,
                   description_text="  My card was charged twice.  ")
    facts = facts_of(payload)
    assert facts.group_id is None
    assert facts.first_message == "My card was charged twice."


def test_no_description_at_all_is_an_empty_first_message():
    payload = api("get_ticket_with_stats")
    del payload["description"], payload["description_text"]
    assert facts_of(payload).first_message == ""


def test_an_answer_without_created_at_is_an_invalid_response():
    payload = api("get_ticket_with_stats")
    del payload["created_at"]
    with pytest.raises(InvalidResponse, match="created_at"):
        facts_of(payload)
