"""Tickets with a past in the sandbox Freshdesk and Intercom: what their APIs show of a solved
ticket, shaped as the vendors shape it (what learned routing reads)."""
from __future__ import annotations

import base64

import requests

CREATED, SOLVED = "2026-03-02T08:00:00Z", "2026-03-04T08:00:00Z"
PAST = {"subject": "Invoice", "body": "Charged twice, please refund.", "status": "solved",
        "group_id": 4002, "created_at": CREATED, "solved_at": SOLVED, "reopens": 2,
        "requester": {"email": "c@example.org"}}


def _account(sandbox, vendor: str) -> dict:
    return requests.post(f"{sandbox.base_url}/_sandbox/accounts", timeout=5,
                         json={"vendor": vendor, "account": "acme"}).json()


def _ticket(sandbox, vendor: str, sample: dict) -> str:
    return requests.post(f"{sandbox.base_url}/_sandbox/{vendor}/acme/tickets", json=sample,
                         timeout=5).json()["ticket_id"]


def test_freshdesk_keeps_the_resolve_time_in_stats_served_only_with_include_stats(sandbox):
    account = _account(sandbox, "freshdesk")
    auth = {"Authorization": "Basic " + base64.b64encode(
        f"{account['api_key']}:X".encode()).decode()}
    solved, fresh = _ticket(sandbox, "freshdesk", PAST), _ticket(
        sandbox, "freshdesk", {"subject": "x", "body": "y"})
    url = f"{sandbox.base_url}/freshdesk/acme/api/v2/tickets"

    plain = requests.get(f"{url}/{solved}", headers=auth, timeout=5).json()
    assert "stats" not in plain
    assert (plain["status"], plain["group_id"], plain["created_at"]) == (4, 4002, CREATED)
    stats = requests.get(f"{url}/{solved}", params={"include": "requester,stats"},
                         headers=auth, timeout=5).json()["stats"]
    assert (stats["resolved_at"], stats["closed_at"]) == (SOLVED, None)
    assert CREATED < stats["reopened_at"] < SOLVED        # a time, not a count
    untouched = requests.get(f"{url}/{fresh}", params={"include": "stats"}, headers=auth,
                             timeout=5).json()["stats"]
    assert set(untouched.values()) == {None}

    closed = _ticket(sandbox, "freshdesk", {**PAST, "status": "closed"})
    stats = requests.get(f"{url}/{closed}", params={"include": "stats"}, headers=auth,
                         timeout=5).json()["stats"]
    assert (stats["resolved_at"], stats["closed_at"]) == (None, SOLVED)


def test_intercom_closes_the_conversation_with_its_team_and_statistics(sandbox):
    account = _account(sandbox, "intercom")
    auth = {"Authorization": f"Bearer {account['access_token']}"}
    solved = _ticket(sandbox, "intercom", {**PAST, "group_id": 3002})
    still_open = _ticket(sandbox, "intercom", {"subject": "x", "body": "y"})
    base = f"{sandbox.base_url}/intercom/acme"

    shown = requests.get(f"{base}/conversations/{solved}", headers=auth, timeout=5).json()
    assert (shown["state"], shown["open"], shown["team_assignee_id"]) == ("closed", False, "3002")
    assert shown["created_at"] == 1772438400                   # 2026-03-02T08:00:00Z
    assert shown["statistics"]["last_close_at"] == shown["updated_at"] == 1772611200
    assert shown["statistics"]["count_reopens"] == 2
    fresh = requests.get(f"{base}/conversations/{still_open}", headers=auth, timeout=5).json()
    assert fresh["statistics"]["last_close_at"] is None and fresh["team_assignee_id"] == "0"

    found = requests.post(f"{base}/conversations/search", headers=auth, timeout=5, json={
        "query": {"field": "state", "operator": "=", "value": "closed"}}).json()
    assert [c["id"] for c in found["conversations"]] == [solved]
