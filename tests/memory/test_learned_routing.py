"""Learned routing against the sandbox Zendesk: solved tickets are read through the backfill
listing and the per-ticket reads, suggestions name the group that solves a topic best, and
nothing reaches routing.rules before an admin accepts it."""
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

GROUP_A, GROUP_B = "5001", "5002"       # the sandbox's first two Zendesk groups
BILLING = "I was charged twice on my invoice this month, please refund the duplicate payment."


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def solved_ticket(sandbox, group: str, hours: float, reopens: int = 0,
                  body: str = BILLING) -> str:
    solved_at = datetime.now(UTC) - timedelta(hours=1)
    return requests.post(f"{sandbox.base_url}/_sandbox/zendesk/acme/tickets", timeout=5, json={
        "subject": "Invoice", "body": body, "requester": {"email": "c@example.org"},
        "status": "solved", "group_id": int(group), "reopens": reopens,
        "created_at": _iso(solved_at - timedelta(hours=hours)), "solved_at": _iso(solved_at),
    }).json()["ticket_id"]


@pytest.fixture
def history(sandbox, vendor_install):
    """Group A solves billing slowly and reopens half; group B solves it fast, never reopened."""
    installation, _ = vendor_install("zendesk")
    for reopens in (1, 0, 1, 0):
        solved_ticket(sandbox, GROUP_A, hours=48, reopens=reopens)
    for hours in (2, 3, 1, 2, 4):
        solved_ticket(sandbox, GROUP_B, hours=hours)
    # Still open: the learner must not read it.
    requests.post(f"{sandbox.base_url}/_sandbox/zendesk/acme/tickets", timeout=5,
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


def test_suggestion_names_the_group_that_solves_billing_faster(app, db, history):
    with app.app_context():
        learned = _learn(app, db, history)
    assert learned.read == 9 and learned.skipped == 0
    billing = [r for r in learned.rules if r["when"]["topic"] == "billing"]
    assert len(billing) == 1, learned.rules
    rule = billing[0]
    assert rule["group"] == GROUP_B
    assert (rule["support"], rule["of"]) == (5, 9)
    assert rule["reopen_rate"] == 0 and rule["median_hours_to_resolve"] == 2
    assert rule["when"]["language"] == "en"
    assert _routing(db, history) is None, "suggesting must apply nothing"


def test_cli_suggest_prints_json_and_accept_writes_the_rule(db, history):
    runner = CliRunner()
    result = runner.invoke(main, ["routing", "suggest", "--installation", history, "--json"],
                           env=_env(db))
    assert result.exit_code == 0, result.output
    suggested = json.loads(result.output)["rules"]
    assert [r["group"] for r in suggested] == [GROUP_B]
    assert _routing(db, history) is None

    result = runner.invoke(main, ["routing", "accept", "--installation", history, "--rule", "1"],
                           env=_env(db))
    assert result.exit_code == 0, result.output
    assert _routing(db, history)["rules"] == [
        {"when": {"topic": ["billing"], "language": ["en"]}, "group": GROUP_B}]

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
