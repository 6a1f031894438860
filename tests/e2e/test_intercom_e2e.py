"""Intercom end to end: sandbox workspace → signed app-level notification → receiver →
real Celery worker → tags, attributes and a note back in the sandbox."""
from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from integration.installers.intercom import install_token
from integration.store import installations
from integration.store.models import Event, EventStatus
from tests.connectors.intercom.payloads import CLIENT_SECRET

pytestmark = pytest.mark.slow
WORKSPACE = "acmews"
SAMPLES = json.loads((Path(__file__).resolve().parents[2] / "integration" / "sandbox"
                      / "tickets.json").read_text(encoding="utf-8"))["tickets"]


@pytest.fixture
def tactful_url(app, serve_app):
    """Our receiver on a real port, so the sandbox delivers over HTTP as Intercom would."""
    app.config["TACTFUL"] = dataclasses.replace(app.config["TACTFUL"],
                                                intercom_client_secret=CLIENT_SECRET)
    return serve_app(app)


@pytest.fixture
def workspace(sandbox, tactful_url, db, keyring):
    """A sandbox workspace installed in Tactful, the sandbox app pointed at our receiver."""
    with requests.Session() as http:
        credentials = http.post(f"{sandbox.base_url}/_sandbox/accounts", timeout=5,
                                json={"vendor": "intercom", "account": WORKSPACE}).json()
        http.post(f"{sandbox.base_url}/_sandbox/intercom/app", timeout=5, json={
            "webhook_url": f"{tactful_url}/webhooks/intercom",
            "uninstall_url": f"{tactful_url}/intercom/uninstall",
            "client_secret": CLIENT_SECRET}).raise_for_status()
    install_token(db, keyring, tactful_url, access_token=credentials["access_token"],
                  workspace_id=WORKSPACE,
                  api_base=f"{sandbox.base_url}{credentials['api_base_path']}")
    return credentials


def control(sandbox, method: str, path: str, **body):
    with requests.Session() as http:
        response = http.request(method, f"{sandbox.base_url}{path}", json=body or None,
                                timeout=5)
    response.raise_for_status()
    return response.json()


def start_conversation(sandbox, sample: dict) -> str:
    return control(sandbox, "POST", f"/_sandbox/intercom/{WORKSPACE}/tickets",
                   subject=sample["subject"], body=sample["body"],
                   requester=sample["requester"])["ticket_id"]


def wait_for_events(db, count: int, timeout: float = 90) -> list[Event]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with db.session() as session:
            events = list(session.scalars(select(Event)))
        if len(events) >= count and all(e.status in EventStatus.FINAL for e in events):
            return events
        time.sleep(0.2)
    states = [(e.id, e.status, e.last_error) for e in events]
    raise AssertionError(f"events not final in time: {states}")


def view(sandbox, conversation_id: str) -> dict:
    return control(sandbox, "GET", f"/_sandbox/intercom/{WORKSPACE}/tickets/{conversation_id}")


def test_conversations_are_enriched_through_a_real_worker(sandbox, workspace, db, start_worker):
    start_worker()
    ids = [start_conversation(sandbox, sample) for sample in SAMPLES[:3]]
    wait_for_events(db, 3)
    control(sandbox, "POST", f"/_sandbox/intercom/{WORKSPACE}/tickets/{ids[0]}/replies",
            body="Still nothing. I am cancelling my account today!")
    events = wait_for_events(db, 4)
    assert sorted(e.status for e in events) == ["done"] * 4
    for conversation_id in ids:
        seen = view(sandbox, conversation_id)
        assert seen["enriched"], seen
        assert any(t.startswith("tactful_sentiment_") for t in seen["tags"])
        assert seen["fields"]["tactful_priority"] in ("low", "normal", "high", "urgent")
        assert seen["public_replies"] == []            # an internal note by default
    assert len(view(sandbox, ids[0])["notes"]) == 2    # one per customer message
    deliveries = control(sandbox, "GET", "/_sandbox/deliveries")["deliveries"]
    statuses = {(d["topic"], d["status"]) for d in deliveries}
    assert ("ping", 200) in statuses
    assert statuses - {("ping", 200)} == {("conversation.user.created", 200),
                                          ("conversation.user.replied", 200)}


def test_our_own_notes_echoed_back_are_ignored(sandbox, workspace, db, start_worker):
    control(sandbox, "POST", "/_sandbox/faults", vendor="intercom", account=WORKSPACE,
            echo_writes=True)
    start_worker()
    conversation_id = start_conversation(sandbox, SAMPLES[0])
    wait_for_events(db, 1)
    noted = wait_for_delivery(sandbox, "conversation.admin.noted")
    assert {d["status"] for d in noted} == {200}
    assert len(wait_for_events(db, 1)) == 1            # nothing new was stored
    assert len(view(sandbox, conversation_id)["notes"]) == 1


def test_rate_limited_calls_wait_for_the_window_and_finish(sandbox, workspace, db,
                                                            start_worker):
    # Fewer calls per window than one ticket's first run makes (a call per tag), so
    # Intercom answers 429 whatever pace our own budget keeps; the retry adds only the
    # tags still missing, so it fits in the next window.
    control(sandbox, "POST", "/_sandbox/faults", vendor="intercom", account=WORKSPACE,
            rate_limit=8, rate_window_s=2)
    start_worker()
    conversation_id = start_conversation(sandbox, SAMPLES[1])
    [event] = wait_for_events(db, 1, timeout=120)
    assert event.status == "done", event.last_error
    assert view(sandbox, conversation_id)["enriched"]
    writes = control(sandbox, "GET", f"/_sandbox/log?vendor=intercom&account={WORKSPACE}")
    assert 429 in {w["status"] for w in writes["writes"]}
    notes = [w for w in writes["writes"] if w["path"].endswith("/reply") and w["status"] == 200]
    assert len(notes) == 1


def test_uninstalling_in_intercom_deletes_our_token_and_silences_the_workspace(
        sandbox, workspace, db):
    control(sandbox, "POST", f"/_sandbox/intercom/{WORKSPACE}/uninstall")
    deliveries = wait_for_delivery(sandbox, "uninstall")
    assert deliveries[0]["status"] == 200
    with db.session() as session:
        row = installations.find_by_account(session, "intercom", WORKSPACE)
        assert row.status == installations.UNINSTALLED and row.credentials_encrypted is None
    start_conversation(sandbox, SAMPLES[0])
    assert wait_for_delivery(sandbox, "conversation.user.created")[0]["status"] == 200
    with db.session() as session:
        assert session.scalars(select(Event)).first() is None


def wait_for_delivery(sandbox, topic: str, timeout: float = 30) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [d for d in control(sandbox, "GET", "/_sandbox/deliveries")["deliveries"]
                 if d["topic"] == topic]
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"no {topic} delivery within {timeout} s")


def test_the_demo_sends_intercom_tickets_end_to_end(app, tactful_url, start_worker, capsys):
    from integration.cli.demo import run_demo_against
    from integration.sandbox.core import load_vendors
    # The demo's sandbox signs with its own app secret, which the service is given up front.
    secret = load_vendors()["intercom"].service_env["INTERCOM_CLIENT_SECRET"]
    app.config["TACTFUL"] = dataclasses.replace(app.config["TACTFUL"],
                                                intercom_client_secret=secret)
    start_worker()
    summary = run_demo_against(tactful_url, "intercom", 3, as_json=True, app=app)
    assert summary["provider"] == "intercom"
    assert (summary["sent"], summary["enriched"], summary["failed"]) == (3, 3, 0)
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == summary
