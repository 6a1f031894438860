"""End-to-end benchmark: sandbox helpdesk → receiver (gunicorn) → Celery workers → write-back.

    python bench/e2e.py [--tickets 300] [--rate 100] [--runs 3] [--concurrency 2] [--json]

Runs on PostgreSQL + Redis (TACTFUL_BENCH_POSTGRES_URL / TACTFUL_BENCH_REDIS_URL,
default: the local servers) with one worker of `--concurrency` processes. Rate
limits are lifted in the sandbox and for the installation: this measures our
pipeline, not the budgets.

`--rate R` opens R tickets per second (an open-loop arrival rate, as customers
do): the latencies then say how long a ticket waits at that load. `--rate 0`
opens them all at once (a burst): tickets_per_s is then the saturation
throughput, and latencies mostly measure the queue the burst built.
Latency is from the helpdesk sending the webhook to our note being written.

The sandbox is served in this process by waitress, a production WSGI server
(`--sandbox-server werkzeug` for the development server, to compare): with
werkzeug's server the helpdesk, not Tactful, was the bottleneck. cpu_ms_per_ticket
is the CPU time of Tactful's own processes (gunicorn web + Celery worker, every
child included, from /proc) during a run, divided by the tickets.
Prints medians over runs of {"tickets", "offered_per_s", "tickets_per_s", "p50_ms",
"p95_ms", "lost", "duplicated", "cpu_ms_per_ticket", "web_cpu_ms_per_ticket",
"worker_cpu_ms_per_ticket"}.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pg import vacuum
from bench.proc_cpu import cpu_seconds
from integration.cli import processes

PG = os.environ.get("TACTFUL_BENCH_POSTGRES_URL",
                    "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("TACTFUL_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
KEY = "l4bz2Oj3W0Cm2h7b2XcU6c8o3YxgK9b5s1mQq3uJ8nA="


def service_env(data_dir: str, base_url: str) -> dict:
    return {"DATABASE_URL": PG, "CELERY_BROKER_URL": REDIS, "TACTFUL_ENCRYPTION_KEYS": KEY,
            "TACTFUL_DATA_DIR": data_dir, "TACTFUL_PUBLIC_URL": base_url,
            "TACTFUL_LOG_LEVEL": "WARNING",
            "TACTFUL_REDIS_KEY_PREFIX": f"bench-{uuid.uuid4().hex[:8]}:"}


def one_run(app, sandbox, base_url: str, tickets: int, rate: float, children) -> dict:
    vacuum(PG)
    # The in-process sandbox keeps every ticket, comment and write of earlier runs;
    # left to the cyclic GC, ever longer full collections (with the GIL held) would
    # slow its API run after run. Earlier runs' objects are frozen out of collection.
    gc.collect()
    gc.freeze()
    from integration.sandbox.core import VENDORS, sample_tickets
    from integration.store.installations import Installation
    vendor = VENDORS["zendesk"]
    account = f"bench-{uuid.uuid4().hex[:6]}"
    credentials = vendor.create_account(sandbox.sandbox, account)
    installation_id = vendor.install(app, sandbox.base_url, credentials, base_url)
    sandbox.sandbox.account("zendesk", account).faults.rate_limit = 10**9
    with app.extensions["tactful"].database.session() as session:
        session.get(Installation, installation_id).settings = {"rate_limit_per_minute": 10**9}
    samples = [s for s in sample_tickets() if s.get("language", "en") == "en"]
    cpu_before = [cpu_seconds([child.pid]) for child in children]
    started = time.time()
    created = []
    for i in range(tickets):
        if rate > 0:                       # open loop: ticket i opens at started + i / rate
            time.sleep(max(0.0, started + i / rate - time.time()))
        created.append(vendor.create_ticket(sandbox.sandbox, account, samples[i % len(samples)]))
    done = wait_for_notes(sandbox.sandbox, account, set(created), timeout=60 + tickets * 0.2)
    web_cpu, worker_cpu = (cpu_seconds([c.pid]) - b for c, b in zip(children, cpu_before,
                                                                     strict=True))
    # Delivered throughput: notes written per second between the first and the last
    # one. Under a paced load that is the rate we kept up with; under a burst, the
    # rate we drained the queue at.
    written = sorted(min(ws) for ws in done.values())
    span = written[-1] - written[0] if len(written) > 1 else 0.0
    sent = first_sent(sandbox.sandbox, account)
    latencies = sorted((min(ws) - sent.get(t, time.time())) * 1000 for t, ws in done.items())
    return {"tickets": tickets, "offered_per_s": rate or None,
            "tickets_per_s": round((len(written) - 1) / span, 1) if span else None,
            "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
            "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1) if latencies else None,
            "lost": tickets - len(done),
            "duplicated": sum(1 for ws in done.values() if len(ws) > 1),
            "cpu_ms_per_ticket": round((web_cpu + worker_cpu) * 1000 / tickets, 2),
            "web_cpu_ms_per_ticket": round(web_cpu * 1000 / tickets, 2),
            "worker_cpu_ms_per_ticket": round(worker_cpu * 1000 / tickets, 2)}


class NoteWatcher:
    """Reads the sandbox's write log incrementally: rescanning it whole on every poll would
    starve the in-process sandbox (and so the benchmark) of CPU."""

    def __init__(self, sandbox, account: str):
        self.sandbox, self.account = sandbox, account
        self.seen = 0
        self.found: dict[str, list[float]] = {}

    def poll(self) -> dict[str, list[float]]:
        with self.sandbox.lock:
            new = self.sandbox.writes[self.seen:]
            self.seen += len(new)
        for write in new:
            if write["account"] == self.account and "tactful-op:" in str(write.get("body")):
                self.found.setdefault(write["ticket"], []).append(write["at"])
        return self.found


def wait_for_notes(sandbox, account: str, tickets: set[str], timeout: float):
    watcher = NoteWatcher(sandbox, account)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not tickets <= set(watcher.poll()):
        time.sleep(0.25)
    time.sleep(1.0)                    # let any duplicate show up before counting
    return watcher.poll()


def first_sent(sandbox, account: str) -> dict[str, float]:
    """When the helpdesk first sent each ticket's webhook (one pass over the log)."""
    sent: dict[str, float] = {}
    for delivery in list(sandbox.sender.deliveries):
        ticket = delivery.get("ticket")
        if delivery.get("account") == account and ticket is not None:
            sent[ticket] = min(sent.get(ticket, delivery["sent_at"]), delivery["sent_at"])
    return sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=300)
    parser.add_argument("--rate", type=float, default=100.0,
                        help="tickets opened per second; 0 = all at once (a burst)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--sandbox-server", choices=("waitress", "werkzeug"), default="waitress")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from integration.app import create_app
    from integration.store.migrate import upgrade
    upgrade(PG)
    port = processes_free_port()
    base_url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as data_dir:
        env = service_env(data_dir, base_url)
        os.environ.update(env)
        children = [processes.start(processes.web_cmd("127.0.0.1", port, workers=2), env),
                    processes.start(processes.worker_cmd(args.concurrency), env)]
        sandbox = serve_sandbox(args.sandbox_server)
        app = create_app()
        try:
            if not processes.wait_http(f"{base_url}/readyz", 60, proc=children[0]):
                raise SystemExit("web did not start")
            runs = [one_run(app, sandbox, base_url, args.tickets, args.rate, children)
                    for _ in range(args.runs)]
        finally:
            sandbox.stop()
            for child in children:
                processes.stop(child)
            app.extensions["tactful"].close()
    result = {key: statistics.median(r[key] for r in runs) if key != "offered_per_s"
              else runs[0][key] for key in runs[0]}
    result["sandbox_server"] = args.sandbox_server
    result["runs"] = runs
    print(json.dumps(result) if args.json else "\n".join(f"{k}: {v}" for k, v in result.items()))


class WaitressSandbox:
    """The sandbox served by waitress in a thread of this process (the bench reads its
    memory directly), with the stop() of RunningSandbox."""

    def __init__(self, threads: int = 16):
        import threading

        from waitress import create_server

        from integration.sandbox.core import Sandbox, create_app
        self.sandbox = Sandbox()
        self.server = create_server(create_app(self.sandbox), host="127.0.0.1", port=0,
                                    threads=threads, connection_limit=1000,
                                    channel_timeout=30)
        self.base_url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, name="sandbox-waitress",
                                       daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.close()
        self.sandbox.stop()


def serve_sandbox(kind: str):
    if kind == "werkzeug":
        from integration.sandbox.server import serve_in_thread
        return serve_in_thread()
    return WaitressSandbox()


def processes_free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


if __name__ == "__main__":
    main()
