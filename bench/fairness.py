"""Fairness benchmark: a noisy installation's backlog must not delay a quiet one's tickets.

    python bench/fairness.py [--backlog 5000] [--quiet 50] [--budget 300] [--window 150] [--json]

Real processes on PostgreSQL + Redis: the receiver under gunicorn, one Celery worker
(with beat) and the sandbox helpdesk, whose `latency_s` fault models a vendor's
latency. The noisy installation has `--backlog` events waiting (stored as a backfill
would store them: tickets that exist in the helpdesk, events in the table, no
webhooks) and a budget of `--budget` calls per minute; the quiet installation gets
`--quiet` new tickets through real webhooks, one every `--quiet-every` seconds.

Prints {"noisy_backlog", "quiet_tickets", "quiet_p95_ms", "noisy_done_per_min",
"noisy_calls_per_min", "budget_per_min", "lost", "dead_lettered"}:
- quiet_p95_ms: webhook sent → our note written, 95th percentile (target < 3 s);
- noisy_done_per_min: noisy tickets enriched per minute, and noisy_calls_per_min the
  vendor calls they made per minute (counted by the sandbox), both over the measuring
  window after a warm-up. The budget is in calls: the target is calls ≥ 90% of it;
- lost: quiet tickets never enriched plus accepted events missing from the table;
- dead_lettered: events that ended `failed`.
The run is bounded: it stops after the window (and a grace for the last quiet tickets).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.e2e import KEY, PG, REDIS, NoteWatcher, first_sent, processes_free_port
from integration.cli import processes
from integration.store.db import scratch_database

WARM_UP_S = 20.0


def service_env(data_dir: str, base_url: str, database_url: str) -> dict:
    return {"DATABASE_URL": database_url, "CELERY_BROKER_URL": REDIS,
            "TACTFUL_ENCRYPTION_KEYS": KEY,
            "TACTFUL_DATA_DIR": data_dir, "TACTFUL_PUBLIC_URL": base_url,
            "TACTFUL_LOG_LEVEL": "WARNING",
            "TACTFUL_REDIS_KEY_PREFIX": f"bench-{uuid.uuid4().hex[:8]}:"}


def noisy_backlog(app, sandbox, base_url: str, backlog: int, budget: int) -> tuple[str, str]:
    """Tickets created before the install (so no webhooks), then stored as events."""
    from connectors.base import TicketEvent
    from integration.pipeline import inbox
    from integration.runtime import database
    from integration.sandbox.core import VENDORS, sample_tickets
    from integration.store.installations import Installation
    vendor = VENDORS["zendesk"]
    account = f"noisy-{uuid.uuid4().hex[:6]}"
    credentials = vendor.create_account(sandbox.sandbox, account)
    samples = [s for s in sample_tickets() if s.get("language", "en") == "en"]
    tickets = [vendor.create_ticket(sandbox.sandbox, account, samples[i % len(samples)])
               for i in range(backlog)]
    installation_id = vendor.install(app, sandbox.base_url, credentials, base_url)
    with database(app).session() as session:
        session.get(Installation, installation_id).settings = {"rate_limit_per_minute": budget}
    for ticket in tickets:
        inbox.accept(database(app), installation_id, TicketEvent(
            provider_event_id=f"backfill:{ticket}", ticket_id=ticket, kind="created"), None)
    return installation_id, account


def quiet_installation(app, sandbox, base_url: str) -> tuple[str, str]:
    from integration.sandbox.core import VENDORS
    vendor = VENDORS["zendesk"]
    account = f"quiet-{uuid.uuid4().hex[:6]}"
    credentials = vendor.create_account(sandbox.sandbox, account)
    return vendor.install(app, sandbox.base_url, credentials, base_url), account


def calls_so_far(sandbox, account: str) -> int:
    """Every API call the account received (its rate window never resets here)."""
    return sandbox.sandbox.account("zendesk", account).window_count


def run(args) -> dict:
    with scratch_database(PG, "tactful_fairness") as database_url:
        return run_on(args, database_url)


def run_on(args, database_url: str) -> dict:
    from sqlalchemy import func, select

    from integration.app import create_app
    from integration.pipeline import handoff
    from integration.runtime import database
    from integration.sandbox.core import VENDORS, sample_tickets
    from integration.sandbox.server import serve_in_thread
    from integration.store.migrate import upgrade
    from integration.store.models import Event, EventStatus
    upgrade(database_url)
    port = processes_free_port()
    base_url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as data_dir:
        env = service_env(data_dir, base_url, database_url)
        os.environ.update(env)
        sandbox = serve_in_thread()
        app = create_app()
        children = [processes.start(processes.web_cmd("127.0.0.1", port, workers=2), env)]
        try:
            if not processes.wait_http(f"{base_url}/readyz", 60, proc=children[0]):
                raise SystemExit("web did not start")
            noisy_id, noisy = noisy_backlog(app, sandbox, base_url, args.backlog, args.budget)
            quiet_id, quiet = quiet_installation(app, sandbox, base_url)
            for account in (noisy, quiet):
                faults = sandbox.sandbox.account("zendesk", account).faults
                faults.rate_limit, faults.rate_window_s = 10**9, 10.0**9
                faults.latency_s = args.latency
            children.append(processes.start(processes.worker_cmd(args.concurrency, beat=True),
                                            env))
            handoff.trigger_dispatch(app.extensions["celery"])
            time.sleep(WARM_UP_S)
            noisy_watch = NoteWatcher(sandbox.sandbox, noisy)
            noisy_watch.poll()
            done_before, calls_before = len(noisy_watch.found), calls_so_far(sandbox, noisy)
            window_start = time.monotonic()
            samples = [s for s in sample_tickets() if s.get("language", "en") == "en"]
            quiet_tickets = []
            for i in range(args.quiet):
                time.sleep(max(0.0, window_start + i * args.quiet_every - time.monotonic()))
                quiet_tickets.append(VENDORS["zendesk"].create_ticket(
                    sandbox.sandbox, quiet, samples[i % len(samples)]))
            quiet_watch = NoteWatcher(sandbox.sandbox, quiet)
            while time.monotonic() - window_start < args.window:
                time.sleep(0.5)
                noisy_watch.poll()
            elapsed_min = (time.monotonic() - window_start) / 60
            noisy_done = len(noisy_watch.poll()) - done_before
            noisy_calls = calls_so_far(sandbox, noisy) - calls_before
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not set(quiet_tickets) <= set(quiet_watch.poll()):
                time.sleep(0.25)
            notes = quiet_watch.poll()
            sent = first_sent(sandbox.sandbox, quiet)
            latencies = sorted((min(ws) - sent[t]) * 1000 for t, ws in notes.items() if t in sent)
            with database(app).session() as session:
                rows = session.scalar(select(func.count()).select_from(Event).where(
                    Event.installation_id.in_([noisy_id, quiet_id])))
                failed = session.scalar(select(func.count()).select_from(Event).where(
                    Event.status == EventStatus.FAILED,
                    Event.installation_id.in_([noisy_id, quiet_id])))
        finally:
            for child in children:
                processes.stop(child)
            sandbox.stop()
            app.extensions["tactful"].close()
    quiet_received = len(sent)
    return {"noisy_backlog": args.backlog, "quiet_tickets": args.quiet,
            "quiet_p50_ms": round(statistics.median(latencies), 1) if latencies else None,
            "quiet_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1)
            if latencies else None,
            "noisy_done_per_min": round(noisy_done / elapsed_min, 1),
            "noisy_calls_per_min": round(noisy_calls / elapsed_min, 1),
            "budget_per_min": args.budget, "window_s": args.window,
            "lost": (args.quiet - len(notes)) + max(0, args.backlog + quiet_received - rows),
            "dead_lettered": failed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backlog", type=int, default=5000)
    parser.add_argument("--quiet", type=int, default=50)
    parser.add_argument("--quiet-every", type=float, default=2.0,
                        help="seconds between the quiet installation's tickets")
    parser.add_argument("--budget", type=int, default=300, help="noisy calls per minute")
    parser.add_argument("--window", type=float, default=150.0, help="seconds measured")
    parser.add_argument("--latency", type=float, default=0.05, help="vendor latency per call")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args)
    print(json.dumps(result) if args.json else "\n".join(f"{k}: {v}" for k, v in result.items()))


if __name__ == "__main__":
    main()
