"""Backfill end to end: a sandbox account with existing tickets, a real worker, two runs.

The first run enriches every ticket exactly once (CLI in one test, admin API in
the other); the second finds the same tickets and stores nothing new.
"""
from __future__ import annotations

import dataclasses
import json

import pytest
import requests
from click.testing import CliRunner

from integration.cli import main
from tests.backfill.conftest import existing  # noqa: F401  (fixture)
from tests.e2e.conftest import wait_until

pytestmark = pytest.mark.slow
TOKEN = "admin-token-for-tests-0123456789"


def view(sandbox, vendor: str, ticket_id: str) -> dict:
    return requests.get(f"{sandbox.base_url}/_sandbox/{vendor}/acme/tickets/{ticket_id}",
                        timeout=5).json()


def notes_written(sandbox, vendor: str) -> int:
    writes = requests.get(f"{sandbox.base_url}/_sandbox/log", timeout=5,
                          params={"vendor": vendor, "account": "acme"}).json()["writes"]
    return sum(1 for w in writes if w["method"] in ("POST", "PUT") and w["ticket"])


def test_cli_backfill_enriches_every_existing_ticket_once(
        app, sandbox, existing, start_worker, service_env, monkeypatch):  # noqa: F811
    installation_id, ticket_ids, _ = existing("zendesk", 6)
    start_worker(concurrency=2)
    for name, value in service_env.items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()
    args = ["backfill", "--installation", installation_id, "--since", "1h", "--json",
            "--timeout", "120"]
    first = json.loads(runner.invoke(main, args, catch_exceptions=False).output)
    assert (first["enqueued"], first["done"], first["failed"]) == (6, 6, 0)
    assert first["complete"] is True
    assert all(view(sandbox, "zendesk", t)["enriched"] for t in ticket_ids)
    writes = notes_written(sandbox, "zendesk")
    second = json.loads(runner.invoke(main, args, catch_exceptions=False).output)
    assert (second["found"], second["enqueued"], second["skipped"]) == (6, 0, 6)
    assert notes_written(sandbox, "zendesk") == writes
    for ticket_id in ticket_ids:
        assert len([n for n in view(sandbox, "zendesk", ticket_id)["notes"]
                    if "tactful-op:" in n]) == 1


def test_admin_backfill_lists_in_the_worker_and_enriches_every_ticket_once(
        app, client, sandbox, existing, start_worker):  # noqa: F811
    app.config["TACTFUL"] = dataclasses.replace(app.config["TACTFUL"], admin_token=TOKEN)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    installation_id, ticket_ids, _ = existing("freshdesk", 5)
    start_worker(concurrency=2)

    def run_backfill() -> dict:
        started = client.post(f"/api/admin/installations/{installation_id}/backfill",
                              json={"since": "1h", "status": "open"}, headers=headers)
        assert started.status_code == 202, started.json
        url = started.json["status_url"]
        return wait_until(lambda: (r := client.get(url, headers=headers).json)["complete"]
                          and r, timeout=120, what="the backfill to complete")

    first = run_backfill()
    assert (first["found"], first["enqueued"], first["done"], first["failed"]) == (5, 5, 5, 0)
    assert all(view(sandbox, "freshdesk", t)["enriched"] for t in ticket_ids)
    writes = notes_written(sandbox, "freshdesk")
    second = run_backfill()
    assert (second["found"], second["enqueued"], second["skipped"]) == (5, 0, 5)
    assert notes_written(sandbox, "freshdesk") == writes
