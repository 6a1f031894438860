"""Freshdesk end to end: sandbox rule webhook, live receiver, real worker, sandbox write-back."""
from __future__ import annotations

import json
import time

import pytest
import requests
from sqlalchemy import select

from integration.installers.freshdesk import install
from integration.sandbox.core import VENDORS
from integration.store.models import Event
from tests.e2e.conftest import wait_until

pytestmark = pytest.mark.slow
ANGRY = ("This is the third time I'm writing. You charged me twice for order 4471 and nobody "
         "answers. I am furious, fix this today or I cancel my account.")
HAPPY = "Thank you so much, the refund arrived and your team was wonderful!"


@pytest.fixture
def live_url(app, serve_app):
    return serve_app(app)


@pytest.fixture
def http():
    with requests.Session() as session:
        yield session


@pytest.fixture
def installed(app, db, keyring, sandbox, live_url):
    credentials = VENDORS["freshdesk"].create_account(sandbox.sandbox, "acme")
    done = install(db, keyring, live_url, domain="acme", api_key=credentials["api_key"],
                   api_base=f"{sandbox.base_url}{credentials['api_base_path']}")
    assert done.manual_rule is None, done.problems
    return done


def _wait_for(check, what: str):
    return wait_until(check, timeout=90.0, what=what)


def _view(http, sandbox, ticket_id: str) -> dict:
    return http.get(f"{sandbox.base_url}/_sandbox/freshdesk/acme/tickets/{ticket_id}").json()


def _new_ticket(http, sandbox, body: str, **extra) -> str:
    sample = {"subject": "Order 4471", "body": body, "priority": "normal",
              "requester": {"name": "Rachel Green", "email": "rachel@example.org"}, **extra}
    answer = http.post(f"{sandbox.base_url}/_sandbox/freshdesk/acme/tickets", json=sample)
    return answer.json()["ticket_id"]


def _events(db) -> list[Event]:
    with db.session() as session:
        return list(session.scalars(select(Event).order_by(Event.id)))


def test_new_ticket_is_enriched_and_a_foreign_tag_added_mid_flight_survives(
        http, sandbox, installed, db, start_worker):
    ticket_id = _new_ticket(http, sandbox, ANGRY, tags=["billing"])
    _wait_for(lambda: _events(db), what="the rule webhook to be stored")
    # An agent adds a tag right after Tactful's first read of the ticket, i.e. between
    # fetch_ticket and apply's write: the re-read before the PUT must keep it.
    http.post(f"{sandbox.base_url}/_sandbox/freshdesk/acme/tickets/{ticket_id}/agent_edit",
              json={"after_reads": 1, "add_tags": ["agent_vip"]})
    start_worker()
    view = _wait_for(lambda: (v := _view(http, sandbox, ticket_id))["enriched"] and v,
                     what="the ticket to be enriched")
    assert {"billing", "agent_vip", "tactful_done", "tactful_sentiment_negative"} \
        <= set(view["tags"])
    assert view["priority"] in ("high", "urgent")
    assert view["fields"]["Tactful sentiment"] == "negative"
    note, = view["notes"]
    assert "tactful-op:" in note and "AI" in note
    log = http.get(f"{sandbox.base_url}/_sandbox/log",
                   params={"vendor": "freshdesk", "ticket": ticket_id}).json()["writes"]
    put, = [w for w in log if w["method"] == "PUT"]
    assert put["body"]["tags"][:2] == ["billing", "agent_vip"]    # the union, theirs first
    assert [w["method"] for w in log] == ["PUT", "POST"]


def test_our_write_back_fires_no_rule_and_a_reply_is_enriched_once(
        http, sandbox, installed, db, start_worker):
    start_worker()
    ticket_id = _new_ticket(http, sandbox, HAPPY)
    _wait_for(lambda: _view(http, sandbox, ticket_id)["enriched"], what="first enrichment")
    http.post(f"{sandbox.base_url}/_sandbox/freshdesk/acme/tickets/{ticket_id}/replies",
              json={"body": ANGRY})
    view = _wait_for(lambda: (v := _view(http, sandbox, ticket_id))["notes"][1:] and v,
                     what="the reply's note")
    assert "tactful_sentiment_negative" in view["tags"]
    time.sleep(1.0)     # room for any (wrong) webhook caused by our own writes
    deliveries = http.get(f"{sandbox.base_url}/_sandbox/deliveries",
                          params={"account": "acme"}).json()["deliveries"]
    assert [d["status"] for d in deliveries] == [202, 202]   # ticket created, customer reply
    assert [(e.kind, e.status) for e in _events(db)] == [("created", "done"),
                                                         ("replied", "done")]
    assert len(_view(http, sandbox, ticket_id)["notes"]) == 2


def test_sandbox_speaks_freshdesk_tags_replace_limits_and_log(http, sandbox):
    creds = VENDORS["freshdesk"].create_account(sandbox.sandbox, "acme")
    api = f"{sandbox.base_url}{creds['api_base_path']}/api/v2"
    http.auth = (creds["api_key"], "X")
    ticket_id = _new_ticket(http, sandbox, HAPPY, tags=["billing", "vip"])
    answer = http.put(f"{api}/tickets/{ticket_id}", json={"tags": ["only_this"], "priority": 3})
    assert answer.json()["tags"] == ["only_this"]               # the whole list is replaced
    assert int(answer.headers["X-RateLimit-Remaining"]) < int(answer.headers["X-RateLimit-Total"])
    assert http.put(f"{api}/tickets/{ticket_id}", json={"priority": 9}).status_code == 400
    assert http.put(f"{api}/tickets/{ticket_id}",
                    json={"custom_fields": {"cf_nope": "x"}}).status_code == 400
    http.post(f"{sandbox.base_url}/_sandbox/faults",
              json={"vendor": "freshdesk", "account": "acme", "rate_limit": 1})
    limited = http.get(f"{api}/tickets/{ticket_id}")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert requests.get(f"{api}/agents/me", auth=("wrong", "X")).status_code in (401, 429)
    log = http.get(f"{sandbox.base_url}/_sandbox/log", params={"vendor": "freshdesk"}).json()
    assert [(w["method"], w["status"]) for w in log["writes"]] == [("PUT", 200), ("PUT", 400),
                                                                   ("PUT", 400)]


def test_demo_against_a_running_service_reports_every_ticket(app, live_url, start_worker,
                                                             capsys):
    from integration.cli.demo import run_demo_against
    start_worker(concurrency=2)
    summary = run_demo_against(live_url, provider="freshdesk", tickets=4, as_json=True, app=app)
    printed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert printed == summary
    assert (summary["provider"], summary["sent"], summary["enriched"], summary["failed"]) == \
        ("freshdesk", 4, 4, 0)
    assert 0 < summary["p50_ms"] <= summary["p95_ms"]
