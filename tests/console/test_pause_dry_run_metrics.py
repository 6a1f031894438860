"""Pause, dry run and /metrics against the sandbox helpdesk and real worker processes."""
from __future__ import annotations

import pytest
import requests
from sqlalchemy import select

from integration.cli import processes
from integration.installers.zendesk import install_with_api_token
from integration.pipeline import pause
from integration.store.models import Enrichment, EventStatus
from tests.e2e.conftest import events_of, sample, sandbox_call, wait_until, writes_of

pytestmark = pytest.mark.slow


def _ticket(sandbox, kind: str) -> str:
    return sandbox_call(sandbox, "POST", "/zendesk/acme/tickets", **sample(kind))["ticket_id"]


def test_a_paused_installation_waits_and_runs_on_resume(app, sandbox, installed, db,
                                                        start_worker):
    pause.set_mode(db, installed["installation_id"], paused=True)
    start_worker(concurrency=1)
    ticket = _ticket(sandbox, "angry")
    # The event was stored and is held back: the dispatcher skips a paused installation.
    wait_until(lambda: events_of(db, ticket), what="the event to be stored")
    # A dispatch pass now hands out nothing of the paused installation's: it is skipped,
    # not merely slow (so the checks below cannot pass just by being early).
    from integration.pipeline import dispatch
    from integration.runtime import dispatcher
    assert installed["installation_id"] not in dispatch.run_pass(dispatcher(app)).served
    [event] = events_of(db, ticket)
    assert event.attempts == 0 and event.status in (EventStatus.PENDING, EventStatus.WAITING)
    assert writes_of(sandbox, ticket) == []
    assert pause.set_mode(db, installed["installation_id"], paused=False) is True
    from integration.pipeline import handoff
    handoff.trigger_dispatch(app.extensions["celery"])
    wait_until(lambda: events_of(db, ticket)[0].status == EventStatus.DONE,
               what="the parked event to run after resume")
    assert writes_of(sandbox, ticket), "nothing was written after resume"


def test_dry_run_stores_the_analysis_and_writes_nothing(sandbox, installed, db, start_worker):
    pause.set_mode(db, installed["installation_id"], dry_run=True)
    start_worker(concurrency=1)
    ticket = _ticket(sandbox, "angry")
    wait_until(lambda: (e := events_of(db, ticket)) and e[0].status == EventStatus.DONE,
               what="the dry run")
    assert writes_of(sandbox, ticket) == []
    with db.session() as session:
        stored = session.scalars(select(Enrichment).where(Enrichment.ticket_id == ticket)).one()
    assert stored.dry_run is True
    assert stored.analysis["sentiment"]["label"] == "negative"
    assert "tactful_sentiment_negative" in stored.written["tags"]
    assert stored.written["note_text"] and stored.message


def _metric(text: str, name: str, **labels) -> float:
    for line in text.splitlines():
        if line.startswith(name) and all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_a_real_webhook_and_worker_run_across_processes(
        app, sandbox, db, service_env, start_worker, tmp_path):
    folder = tmp_path / "metrics"
    folder.mkdir()
    env = {**service_env, "PROMETHEUS_MULTIPROC_DIR": str(folder),
           "TACTFUL_METRICS_TOKEN": "scrape-me"}
    port = _free_port()
    web = processes.start(processes.web_cmd("127.0.0.1", port, workers=2), env,
                          str(tmp_path / "web.log"))
    try:
        base = f"http://127.0.0.1:{port}"
        assert processes.wait_http(f"{base}/healthz", timeout=60, proc=web), \
            (tmp_path / "web.log").read_text()
        assert requests.get(f"{base}/metrics", timeout=5).status_code == 401
        account = requests.post(f"{sandbox.base_url}/_sandbox/accounts", timeout=5,
                                json={"vendor": "zendesk", "account": "acme"}).json()
        install_with_api_token(app, subdomain="acme", email=account["email"],
                               api_token=account["api_token"],
                               api_base=f"{sandbox.base_url}{account['api_base_path']}",
                               public_url=base)
        start_worker(concurrency=1, extra_env={"PROMETHEUS_MULTIPROC_DIR": str(folder)})
        ticket = _ticket(sandbox, "angry")
        wait_until(lambda: (e := events_of(db, ticket)) and e[0].status == EventStatus.DONE,
                   timeout=60, what="the ticket to be enriched")
        text = requests.get(f"{base}/metrics", timeout=5,
                            headers={"Authorization": "Bearer scrape-me"}).text
    finally:
        processes.stop(web)
    assert _metric(text, "tactful_webhooks_received_total", provider="zendesk",
                   status="202") >= 1
    assert _metric(text, "tactful_events_finished_total", state="done") >= 1
    assert _metric(text, "tactful_queue_lag_seconds_count") >= 1
    assert _metric(text, "tactful_analysis_seconds_count") >= 1
    assert _metric(text, "tactful_vendor_call_seconds_count", provider="zendesk",
                   status="200") >= 2   # read the ticket, write it back
    assert "tactful_rate_limit_waits_total" in text


def _free_port() -> int:
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_metrics_without_a_token_answer_only_this_machine(client):
    assert client.get("/metrics").status_code == 200
    remote = client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert remote.status_code == 403 and "TACTFUL_METRICS_TOKEN" in remote.get_json()["reason"]
