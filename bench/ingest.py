"""Ingest benchmark: signed Zendesk webhooks into the real receiver under gunicorn,
side by side with two floors served the same way: bench/floor_app.py (verify the
HMAC + push to Redis) and bench/durable_floor_app.py (verify the HMAC + one
autocommitted INSERT … ON CONFLICT DO NOTHING into PostgreSQL). The durable floor
is the honest one for a receiver that commits before it answers.

    python bench/ingest.py [--requests 3000] [--runs 3] [--connections 20] [--json]

Uses PostgreSQL + Redis (the production stores) at TACTFUL_BENCH_POSTGRES_URL /
TACTFUL_BENCH_REDIS_URL, defaulting to the local servers. Prints medians over runs.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import statistics
import sys
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.loadgen import run_load
from bench.pg import vacuum
from integration.cli import processes

PG = os.environ.get("TACTFUL_BENCH_POSTGRES_URL",
                    "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("TACTFUL_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
KEY = "l4bz2Oj3W0Cm2h7b2XcU6c8o3YxgK9b5s1mQq3uJ8nA="
SECRET = "bench-webhook-secret-0123456789abcdef"
GUNICORN = ["--workers", os.environ.get("BENCH_WEB_WORKERS", "2"),
            "--threads", os.environ.get("BENCH_WEB_THREADS", "4")]


def signed(i: int, run_tag: str) -> tuple[bytes, dict]:
    body = json.dumps({
        "type": "zen:event-type:ticket.created", "account_id": 1,
        "id": f"{run_tag}-{i}", "time": datetime.now(UTC).isoformat(),
        "subject": f"zen:ticket:{1000 + i}",
        "detail": {"id": str(1000 + i), "actor_id": "42", "via": {"channel": "web"},
                   "updated_at": datetime.now(UTC).isoformat()},
        "event": {}}).encode()
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    signature = base64.b64encode(hmac.new(SECRET.encode(), stamp.encode() + body,
                                          hashlib.sha256).digest()).decode()
    return body, {"Content-Type": "application/json", "X-Zendesk-Webhook-Signature": signature,
                  "X-Zendesk-Webhook-Signature-Timestamp": stamp}


def prepare_database(data_dir: str) -> str:
    os.environ.update({"DATABASE_URL": PG, "TACTFUL_ENCRYPTION_KEYS": KEY,
                       "TACTFUL_DATA_DIR": data_dir})
    from integration.store import installations
    from integration.store.crypto import Keyring
    from integration.store.db import Database
    from integration.store.migrate import upgrade
    upgrade(PG)
    database = Database(PG)
    with database.session() as session:
        row = installations.create(session, Keyring([KEY]), provider="zendesk",
                                   account=f"bench{uuid.uuid4().hex[:6]}",
                                   api_base="http://127.0.0.1:9", credentials={},
                                   webhook_secret=SECRET)
        installation_id = row.id
    database.dispose()
    return installation_id


def prepare_durable_floor() -> str:
    """The durable floor's table, empty; returns the plain libpq DSN psycopg takes."""
    from sqlalchemy.engine import make_url

    from bench.durable_floor_app import CREATE, TABLE
    url = make_url(PG).set(drivername="postgresql")
    dsn = url.render_as_string(hide_password=False)
    import psycopg
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(CREATE)
        connection.execute(f"TRUNCATE {TABLE}")
    return dsn


def measure(cmd: list[str], env: dict, path: str, args, tag: str,
            beside: list[list[str]] = ()) -> dict:
    port = processes_port()
    full_cmd = [*cmd[:-1], "--bind", f"127.0.0.1:{port}", *GUNICORN, cmd[-1]]
    proc = processes.start(full_cmd, env)
    # Processes the receiver needs running beside it (the relay, in relay mode): they
    # share the two cores, so their cost is in the figure.
    helpers = [processes.start(c, env) for c in beside]
    try:
        if not processes.wait_http(f"http://127.0.0.1:{port}/healthz", 30, (200, 404), proc):
            raise SystemExit(f"server did not start: {' '.join(full_cmd)}")
        run_load(port, path, lambda i: signed(i, f"warm-{tag}"), 200, args.connections)
        runs = []
        for r in range(args.runs):
            vacuum(PG)
            runs.append(run_load(port, path,
                                 lambda i, r=r: signed(i, f"{tag}-{r}-{uuid.uuid4().hex}"),
                                 args.requests, args.connections).summary())
    finally:
        for helper in helpers:
            processes.stop(helper)
        processes.stop(proc)
    return {"rps": statistics.median(r["rps"] for r in runs),
            "p50_ms": statistics.median(r["p50_ms"] for r in runs),
            "p99_ms": statistics.median(r["p99_ms"] for r in runs),
            "statuses": runs[-1]["statuses"]}


def processes_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--handoff", choices=("background", "inline", "relay"),
                        default="background")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    import redis
    redis.Redis.from_url(REDIS).flushdb()
    with tempfile.TemporaryDirectory() as data_dir:
        installation_id = prepare_database(data_dir)
        env = {"DATABASE_URL": PG, "CELERY_BROKER_URL": REDIS, "TACTFUL_ENCRYPTION_KEYS": KEY,
               "TACTFUL_DATA_DIR": data_dir, "TACTFUL_LOG_LEVEL": "WARNING",
               "TACTFUL_HANDOFF": args.handoff}
        gunicorn = [sys.executable, "-m", "gunicorn", "--log-level", "warning", "x"]
        relay = [[sys.executable, "-m", "integration.cli", "relay"]] \
            if args.handoff == "relay" else []
        ours = measure([*gunicorn[:-1], "integration.wsgi:app"], env,
                       f"/webhooks/zendesk/{installation_id}", args, "ours", relay)
        root = str(Path(__file__).resolve().parent.parent)
        floor = measure([*gunicorn[:-1], "bench.floor_app:app"],
                        {"FLOOR_SECRET": SECRET, "FLOOR_REDIS_URL": REDIS, "PYTHONPATH": root},
                        "/hook", args, "floor")
        durable = measure([*gunicorn[:-1], "bench.durable_floor_app:app"],
                          {"FLOOR_SECRET": SECRET, "FLOOR_POSTGRES_DSN": prepare_durable_floor(),
                           "PYTHONPATH": root}, "/hook", args, "durable")
    result = {"rps": ours["rps"], "p50_ms": ours["p50_ms"], "p99_ms": ours["p99_ms"],
              "floor_rps": floor["rps"], "ratio": round(ours["rps"] / floor["rps"], 3),
              "durable_floor_rps": durable["rps"], "durable_floor_p99_ms": durable["p99_ms"],
              "durable_ratio": round(ours["rps"] / durable["rps"], 3),
              "handoff": args.handoff, "statuses": ours["statuses"]}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"receiver: {ours['rps']:.0f} req/s  p50 {ours['p50_ms']:.1f} ms  "
              f"p99 {ours['p99_ms']:.1f} ms  statuses {ours['statuses']}")
        print(f"floor:    {floor['rps']:.0f} req/s  p50 {floor['p50_ms']:.1f} ms  "
              f"p99 {floor['p99_ms']:.1f} ms")
        print(f"durable floor: {durable['rps']:.0f} req/s  p50 {durable['p50_ms']:.1f} ms  "
              f"p99 {durable['p99_ms']:.1f} ms")
        print(f"ratio:    {result['ratio']:.2f} to the Redis floor, "
              f"{result['durable_ratio']:.2f} to the durable floor (handoff={args.handoff})")


if __name__ == "__main__":
    main()
