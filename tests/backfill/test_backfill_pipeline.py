"""Backfill without a worker: what it stores, what it skips, what a dry run leaves, how it waits."""
from __future__ import annotations

import dataclasses
import json
import time
from datetime import timedelta

import pytest
import requests
from click.testing import CliRunner
from sqlalchemy import func, select

from integration.cli import main
from integration.pipeline import backfill, backfill_jobs
from integration.runtime import processing
from integration.store.models import Backfill, Enrichment, Event, utcnow


@pytest.fixture
def cli(app, service_env, monkeypatch):
    for name, value in service_env.items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args), catch_exceptions=False)


def events(db) -> list[Event]:
    with db.session() as session:
        return list(session.scalars(select(Event).order_by(Event.id)))


def count(db, model) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_each_existing_ticket_becomes_one_event_and_a_second_run_stores_none(cli, db, existing):
    installation_id, ticket_ids, _ = existing("zendesk", 4)
    first = cli("backfill", "--installation", installation_id, "--since", "1h", "--no-wait",
                "--json")
    assert first.exit_code == 0, first.output
    report = json.loads(first.output)
    assert (report["found"], report["enqueued"], report["skipped"]) == (4, 4, 0)
    assert report["state"] == "listed"
    stored = events(db)
    assert sorted(e.ticket_id for e in stored) == sorted(ticket_ids)
    assert all(e.provider_event_id.startswith(f"backfill:{e.ticket_id}:") for e in stored)
    assert {e.kind for e in stored} == {"created"}
    again = json.loads(cli("backfill", "--installation", installation_id, "--since", "1h",
                           "--no-wait", "--json").output)
    assert (again["found"], again["enqueued"], again["skipped"]) == (4, 0, 4)
    assert len(events(db)) == 4


def test_dry_run_lists_what_it_would_enqueue_and_writes_nothing(cli, db, existing):
    installation_id, ticket_ids, _ = existing("freshdesk", 3)
    result = cli("backfill", "--installation", installation_id, "--since", "2h", "--dry-run")
    assert result.exit_code == 0, result.output
    for ticket_id in ticket_ids:
        assert f"would enqueue ticket {ticket_id} " in result.output
    assert "3 would be enqueued" in result.output and "nothing written" in result.output
    assert count(db, Event) == 0 and count(db, Backfill) == 0


def test_a_ticket_unchanged_since_its_enrichment_is_skipped(app, db, existing):
    installation_id, ticket_ids, _ = existing("zendesk", 2)
    later = utcnow() + timedelta(minutes=1)
    with db.session() as session:       # ticket 1 was enriched after its last change
        session.add(Enrichment(installation_id=installation_id, ticket_id=ticket_ids[0],
                               analyzer_version="t", analysis={}, written={}, timings_ms={},
                               created_at=later))
    job = backfill_jobs.start(db, installation_id, "1h", None, False)
    step = backfill_jobs.run_slice(processing(app), job.id, lambda ids: len(ids))
    assert step.finished and step.state == "listed"
    assert [e.ticket_id for e in events(db)] == [ticket_ids[1]]
    report = backfill_jobs.report(db, job.id)
    assert (report["found"], report["enqueued"], report["skipped"]) == (2, 1, 1)


class SpentOnce:
    """The installation's budget is spent for the first call, then free."""

    def __init__(self):
        self.calls = 0

    def take(self, key: str, limit: int) -> float:
        self.calls += 1
        return 0.25 if self.calls == 1 else 0.0


def test_a_spent_budget_is_waited_out_not_failed(app, db, existing):
    installation_id, ticket_ids, _ = existing("intercom", 3)
    rt = dataclasses.replace(processing(app), limiter=SpentOnce())
    job = backfill_jobs.start(db, installation_id, "1h", "open", False)
    first = backfill_jobs.run_slice(rt, job.id, lambda ids: len(ids))
    assert (first.state, first.finished) == ("waiting", False)
    assert 0 < first.wait_s <= 1
    assert backfill_jobs.report(db, job.id)["state"] == "waiting"
    second = backfill_jobs.run_slice(rt, job.id, lambda ids: len(ids))
    assert second.state == "listed"
    assert sorted(e.ticket_id for e in events(db)) == sorted(ticket_ids)


def test_a_vendor_429_mid_listing_waits_then_resumes_from_the_saved_cursor(
        app, db, sandbox, existing, monkeypatch):
    from connectors.freshdesk import listing
    monkeypatch.setattr(listing, "PER_PAGE", 2)
    installation_id, ticket_ids, _ = existing("freshdesk", 5)
    requests.post(f"{sandbox.base_url}/_sandbox/faults", timeout=5, json={
        "vendor": "freshdesk", "account": "acme", "rate_limit": 2, "rate_window_s": 1.0})
    job = backfill_jobs.start(db, installation_id, "1h", None, False)
    published: list[int] = []
    steps = []
    while not (step := backfill_jobs.run_slice(processing(app), job.id,
                                               published.extend)).finished:
        steps.append(step.state)
        time.sleep(step.wait_s)
    assert "waiting" in steps and step.state == "listed"
    report = backfill_jobs.report(db, job.id)
    assert (report["pages"], report["found"], report["enqueued"]) == (3, 5, 5)
    assert sorted(e.ticket_id for e in events(db)) == sorted(ticket_ids)
    assert sorted(published) == [e.id for e in events(db)]


def test_one_backfill_per_installation_at_a_time(db, existing):
    installation_id, _, _ = existing("zendesk", 1)
    backfill_jobs.start(db, installation_id, "1h", None, False)
    with pytest.raises(backfill.BackfillError, match="still running"):
        backfill_jobs.start(db, installation_id, "1h", None, False)


@pytest.mark.parametrize("text", ["", "7", "soon", "7y", "400d", "2999-01-01T00:00:00"])
def test_since_must_be_a_duration_or_a_past_time_within_a_year(text):
    with pytest.raises(backfill.BackfillError):
        backfill.parse_since(text)


def test_since_accepts_durations_and_iso_times():
    now = utcnow()
    assert backfill.parse_since("7d", now) == now - timedelta(days=7)
    assert backfill.parse_since("90m", now) == now - timedelta(minutes=90)
    assert backfill.parse_since("2026-11-20T10:00:00+00:00", now=now.replace(year=2026, month=12,
                                                                              day=1)).hour == 10
