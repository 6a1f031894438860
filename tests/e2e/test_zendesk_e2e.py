"""End to end: sandbox Zendesk → signed webhook → receiver → real worker process → write-back.

The receiver is the real Flask app behind a real HTTP server in this process;
the worker is a separate Celery process on the test's database and broker.
"""
from __future__ import annotations

import json
import time

import pytest

from integration.store.models import EventStatus
from tests.e2e.conftest import events_of, sample, sandbox_call, wait_until, writes_of

pytestmark = pytest.mark.slow


def test_ticket_is_enriched_end_to_end_and_our_echo_changes_nothing(
        sandbox, installed, db, start_worker):
    worker = start_worker(concurrency=2)
    angry = sandbox_call(sandbox, "POST", "/zendesk/acme/tickets", **sample("angry"))["ticket_id"]
    view = wait_until(lambda: (v := sandbox_call(sandbox, "GET", f"/zendesk/acme/tickets/{angry}"))
                      ["enriched"] and v, what="the first ticket's write-back")
    assert worker.poll() is None, "the worker died"
    assert "tactful_done" in view["tags"] and "tactful_sentiment_negative" in view["tags"]
    assert view["priority"] in ("high", "urgent")
    assert view["fields"]["Tactful sentiment"] == "negative"
    assert len(view["notes"]) == 1 and "tactful-op:" in view["notes"][0]
    assert [e.status for e in events_of(db, angry)] == [EventStatus.DONE]

    # Loop guard: the account now fires our triggers for our own API writes too.
    sandbox_call(sandbox, "POST", "/faults", vendor="zendesk", account="acme", echo_writes=True)
    urgent = sandbox_call(sandbox, "POST", "/zendesk/acme/tickets", **sample("urgent"))["ticket_id"]
    wait_until(lambda: sandbox_call(sandbox, "GET", f"/zendesk/acme/tickets/{urgent}")["enriched"],
               what="the second ticket's write-back")
    wait_until(lambda: len(events_of(db, urgent)) > 1
               and all(e.status in EventStatus.FINAL for e in events_of(db, urgent)),
               what="the echoed webhooks to be processed")
    writes_after_echo = len(writes_of(sandbox, urgent))
    time.sleep(1.0)   # anything the echoes could still cause would show up by now
    assert len(writes_of(sandbox, urgent)) == writes_after_echo == 2   # one update, one tag add
    echoes = [e for e in events_of(db, urgent) if e.status != EventStatus.DONE]
    assert echoes and all(e.status == EventStatus.IGNORED for e in echoes)
    assert all(e.last_error == "caused by our own write-back" for e in echoes)
    assert len(writes_of(sandbox, angry)) == 2                           # untouched


def test_demo_against_a_running_service_reports_every_ticket(app, tactful_url, start_worker,
                                                             capsys):
    from integration.cli.demo import run_demo_against
    start_worker(concurrency=2)
    summary = run_demo_against(tactful_url, provider="zendesk", tickets=4, as_json=True, app=app)
    printed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert printed == summary
    assert set(summary) == {"provider", "sent", "enriched", "failed", "p50_ms", "p95_ms"}
    assert (summary["provider"], summary["sent"], summary["enriched"], summary["failed"]) == \
        ("zendesk", 4, 4, 0)
    assert 0 < summary["p50_ms"] <= summary["p95_ms"]
