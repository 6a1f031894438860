"""Learned routing against the sandbox helpdesk, for each vendor: solved tickets are read
through the backfill listing and the per-ticket reads (Zendesk ticket + metrics, Freshdesk
ticket with stats, Intercom conversation), suggestions name the group that solves a topic
best, and nothing reaches routing.rules before an admin accepts it."""
from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta

import pytest
import requests
from click.testing import CliRunner

from integration.cli import main
from integration.pipeline import backfill, routing_learn
from integration.runtime import processing
from integration.store import installations
from integration.store.models import Installation
from tests.memory.conftest import set_settings

VENDORS = ("zendesk", "freshdesk", "intercom")
# The sandbox's first two groups / teams in each helpdesk ("Billing", "Technical support").
GROUPS = {"zendesk": ("5001", "5002"), "freshdesk": ("4001", "4002"),
          "intercom": ("3001", "3002")}
GROUP_A, GROUP_B = GROUPS["zendesk"]
BILLING = "I was charged twice on my invoice this month, please refund the duplicate payment."


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def solved_ticket(sandbox, group: str | None, hours: float, reopens: int = 0,
                  body: str = BILLING, vendor: str = "zendesk", solved: bool = True,
                  status: str = "solved") -> str:
    """A ticket solved an hour ago after `hours`, as each helpdesk records one (see the
    sandbox's history.py); `solved=False` leaves out the solve time."""
    solved_at = datetime.now(UTC) - timedelta(hours=1)
    sample = {"subject": "Invoice", "body": body, "requester": {"email": "c@example.org"},
              "status": status, "reopens": reopens,
              "created_at": _iso(solved_at - timedelta(hours=hours))}
    if group is not None:
        sample["group_id"] = int(group)
    if solved:
        sample["solved_at"] = _iso(solved_at)
    return requests.post(f"{sandbox.base_url}/_sandbox/{vendor}/acme/tickets", timeout=5,
                         json=sample).json()["ticket_id"]


@pytest.fixture(params=VENDORS)
def vendor(request) -> str:
    return request.param


@pytest.fixture
def history(sandbox, vendor_install, vendor):
    """Group A solves billing slowly and reopens half; group B solves it fast, never reopened."""
    installation, _ = vendor_install(vendor)
    group_a, group_b = GROUPS[vendor]
    for reopens in (1, 0, 1, 0):
        solved_ticket(sandbox, group_a, hours=48, reopens=reopens, vendor=vendor)
    for hours in (2, 3, 1, 2, 4):
        solved_ticket(sandbox, group_b, hours=hours, vendor=vendor)
    # Still open: the learner must not read it.
    requests.post(f"{sandbox.base_url}/_sandbox/{vendor}/acme/tickets", timeout=5,
                  json={"subject": "x", "body": BILLING, "requester": {"email": "o@example.org"}})
    return installation


def _learn(app, db, installation):
    rt = dataclasses.replace(processing(app), per_minute=1_000_000)
    ctx = installations.context_of(installations.fetch_row(db, installation), rt.keyring, db)
    return routing_learn.suggest(rt, ctx, backfill.parse_since("90d"))


def _routing(db, installation):
    with db.session() as session:
        return (session.get(Installation, installation).settings or {}).get("routing")


def _env(db) -> dict:
    return {"DATABASE_URL": db.engine.url.render_as_string(hide_password=False)}


def test_suggestion_names_the_group_that_solves_billing_faster(app, db, history, vendor):
    with app.app_context():
        learned = _learn(app, db, history)
    assert learned.read == 9 and learned.skipped == 0
    billing = [r for r in learned.rules if r["when"]["topic"] == "billing"]
    assert len(billing) == 1, learned.rules
    rule = billing[0]
    assert rule["group"] == GROUPS[vendor][1]
    assert (rule["support"], rule["of"]) == (5, 9)
    assert rule["reopen_rate"] == 0 and rule["median_hours_to_resolve"] == 2
    assert rule["when"]["language"] == "en"
    assert _routing(db, history) is None, "suggesting must apply nothing"


def test_reopenings_decide_between_equally_fast_groups(app, db, sandbox, vendor_install,
                                                       vendor):
    """Both groups take two hours; A's tickets were reopened, so B is proposed. Without the
    vendor's reopen fact (Freshdesk reopened_at, Intercom count_reopens) it would be a tie."""
    installation, _ = vendor_install(vendor)
    group_a, group_b = GROUPS[vendor]
    for _ in range(3):
        solved_ticket(sandbox, group_a, hours=2, reopens=2, vendor=vendor)
        solved_ticket(sandbox, group_b, hours=2, vendor=vendor)
    with app.app_context():
        learned = _learn(app, db, installation)
    assert [(r["group"], r["reopen_rate"]) for r in learned.rules] == [(group_b, 0)]


def test_tickets_already_closed_after_their_solve_are_learned_from_once(app, db, sandbox,
                                                                       vendor_install, vendor):
    """Solved tickets close by themselves after a few days (Zendesk's automation), so most of
    a 90-day window is closed: both listings are read, and no ticket is read twice (Intercom
    has one state for both)."""
    installation, _ = vendor_install(vendor)
    group_b = GROUPS[vendor][1]
    solved_ticket(sandbox, group_b, hours=1, vendor=vendor)
    for hours in (2, 3):
        solved_ticket(sandbox, group_b, hours=hours, vendor=vendor, status="closed")
    with app.app_context():
        learned = _learn(app, db, installation)
    assert learned.read == 3
    assert [(r["group"], r["support"]) for r in learned.rules] == [(group_b, 3)]


def test_tickets_without_a_group_or_a_solve_time_are_read_but_skipped(app, db, sandbox,
                                                                       vendor_install, vendor):
    installation, _ = vendor_install(vendor)
    group_b = GROUPS[vendor][1]
    for hours in (1, 2, 3):
        solved_ticket(sandbox, group_b, hours=hours, vendor=vendor)
    solved_ticket(sandbox, None, hours=1, vendor=vendor)                # nobody's group / team
    solved_ticket(sandbox, group_b, hours=1, vendor=vendor, solved=False)   # no solve time
    with app.app_context():
        learned = _learn(app, db, installation)
    assert (learned.read, learned.skipped) == (5, 2)
    assert [(r["group"], r["support"], r["of"]) for r in learned.rules] == [(group_b, 3, 3)]


def test_cli_suggest_prints_json_and_accept_writes_the_rule(db, history, vendor):
    group_b = GROUPS[vendor][1]
    runner = CliRunner()
    result = runner.invoke(main, ["routing", "suggest", "--installation", history, "--json"],
                           env=_env(db))
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert (printed["read"], printed["skipped"]) == (9, 0)
    assert [r["group"] for r in printed["rules"]] == [group_b]
    assert _routing(db, history) is None

    result = runner.invoke(main, ["routing", "accept", "--installation", history, "--rule", "1"],
                           env=_env(db))
    assert result.exit_code == 0, result.output
    assert _routing(db, history)["rules"] == [
        {"when": {"topic": ["billing"], "language": ["en"]}, "group": group_b}]

    result = runner.invoke(main, ["routing", "accept", "--installation", history, "--rule", "2"],
                           env=_env(db))
    assert result.exit_code != 0 and "no rule 2" in result.output


def test_admin_accept_validates_appends_after_existing_rules_and_skips_duplicates(app, client,
                                                                                   db):
    app.config["TACTFUL"] = dataclasses.replace(app.config["TACTFUL"], admin_token="t0k")
    headers = {"Authorization": "Bearer t0k"}
    with db.session() as session:
        session.add(Installation(id="in_r", provider="zendesk", account="acme",
                                 api_base="https://acme.zendesk.com",
                                 status="active", settings={}))
    human = {"when": {"vip": True}, "group": "VIP"}
    set_settings(db, "in_r", routing={"mode": "assign", "rules": [human]})
    url = "/api/admin/installations/in_r/routing/accept"
    learned = {"when": {"topic": "billing", "language": "en"}, "group": GROUP_B,
               "support": 5, "of": 9, "confidence": 0.56}

    bad = client.post(url, json={"rules": [{"when": {"colour": "red"}, "group": "x"}]},
                      headers=headers)
    assert bad.status_code == 400 and bad.get_json()["error"] == "invalid-rules"
    assert client.post(url, json=[learned], headers=headers).status_code == 400
    assert client.post(url, json={"rules": []}, headers=headers).status_code == 400
    assert client.post("/api/admin/installations/nope/routing/accept", json={"rules": [learned]},
                       headers=headers).status_code == 404
    assert client.post(url, json={"rules": [learned]}).status_code == 401
    assert _routing(db, "in_r")["rules"] == [human], "a refused request changes nothing"

    for _ in range(2):
        answer = client.post(url, json={"rules": [learned]}, headers=headers)
        assert answer.status_code == 200, answer.get_json()
    assert _routing(db, "in_r") == {"mode": "assign", "rules": [
        human, {"when": {"topic": ["billing"], "language": ["en"]}, "group": GROUP_B}]}
