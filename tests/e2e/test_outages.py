"""Outages of the stores: Redis down while events arrive, PostgreSQL down at the receiver,
and a log canary run that must leak nothing."""
from __future__ import annotations

import io
import logging
import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from integration.app import create_app
from integration.installers.zendesk import install_with_api_token
from integration.logs import JsonFormatter
from integration.pipeline import sweep
from integration.store import installations
from integration.store.models import Effect, Event, EventStatus
from tests.conftest import TEST_FERNET_KEY, backend
from tests.e2e.conftest import sample, sandbox_call, wait_until
from tests.reliability.harness import RedisServer, TcpProxy

pytestmark = pytest.mark.slow
N_EVENTS = int(os.environ.get("TACTFUL_TEST_OUTAGE_EVENTS", "500"))


def make_app(tmp_path, database_url, broker_url, **overrides):
    return create_app(env="test", data_dir=str(tmp_path), database_url=database_url,
                      broker_url=broker_url, encryption_keys=(TEST_FERNET_KEY,), **overrides)


def install(app, sandbox, public_url) -> str:
    account = sandbox_call(sandbox, "POST", "/accounts", vendor="zendesk", account="acme")
    return install_with_api_token(
        app, subdomain="acme", email=account["email"], api_token=account["api_token"],
        api_base=f"{sandbox.base_url}{account['api_base_path']}",
        public_url=public_url).installation_id


def count(db, *where) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Event).where(*where))


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")
def test_redis_down_while_500_events_arrive_then_all_processed_exactly_once(
        tmp_path, database_url, redis_key_prefix, sandbox, serve_app, start_worker):
    from integration.store.migrate import upgrade
    upgrade(database_url)
    redis_server = RedisServer().start()
    app = make_app(tmp_path, database_url, redis_server.url, redis_key_prefix=redis_key_prefix)
    live_url = serve_app(app)
    try:
        installation_id = install(app, sandbox, live_url)
        # 500 tickets are ~2,500 vendor calls: lift both rate limits so the test measures
        # recovery, not the per-minute budgets (they have tests of their own).
        sandbox_call(sandbox, "POST", "/faults", vendor="zendesk", account="acme",
                     rate_limit=100_000)
        with app.extensions["tactful"].database.session() as session:
            session.get(installations.Installation, installation_id).settings = {
                "rate_limit_per_minute": 100_000}
        redis_server.stop()                                       # the broker dies
        tickets = [sandbox_call(sandbox, "POST", "/zendesk/acme/tickets",
                                **sample("angry"))["ticket_id"] for _ in range(N_EVENTS)]
        deliveries = wait_until(lambda: (d := sandbox_call(sandbox, "GET", "/deliveries")[
            "deliveries"]) and len(d) >= N_EVENTS and d, 120, "every webhook delivery")
        assert {d["status"] for d in deliveries} <= {202}          # answered from the database
        db = app.extensions["tactful"].database
        assert count(db) == N_EVENTS
        redis_server.start()                                      # the broker comes back empty
        env = {"CELERY_BROKER_URL": redis_server.url}
        start_worker(concurrency=2, extra_env=env)
        start_worker(concurrency=2, extra_env=env)
        # What beat does every 30 s (the dispatcher then hands them out within the cap).
        wait_until(lambda: sweep.run_sweep(db, app.extensions["celery"], app.config["TACTFUL"])
                   and count(db, Event.status.in_(
                                               EventStatus.OPEN)) == 0, 240,
                   "every event to be processed")
        assert count(db, Event.status == EventStatus.DONE) == N_EVENTS
        with db.session() as session:
            assert session.scalar(select(func.count()).select_from(Effect)) == N_EVENTS
        notes = [w for w in sandbox_call(sandbox, "GET", "/log?account=acme")["writes"]
                 if "tactful-op:" in str(w.get("body"))]
        per_ticket = {}
        for write in notes:
            per_ticket[write["ticket"]] = per_ticket.get(write["ticket"], 0) + 1
        assert per_ticket == {t: 1 for t in tickets}              # exactly one note each
    finally:
        redis_server.stop()
        app.extensions["tactful"].close()


@pytest.mark.skipif(backend("DB", "sqlite") != "postgres", reason="needs PostgreSQL")
def test_postgres_down_gives_503_and_stores_nothing_half_way(tmp_path, database_url, app, db,
                                                            keyring, broker_url):
    from sqlalchemy.engine import make_url

    from tests.e2e.test_faults import create  # noqa: F401  (shared sandbox helpers)
    from tests.web.test_zendesk_webhooks import SECRET, fixture, raw_of, signed_headers
    with db.session() as session:
        installation_id = installations.create(
            session, keyring, provider="zendesk", account="acme", api_base="http://127.0.0.1:9",
            credentials={}, webhook_secret=SECRET).id
    url = make_url(database_url)
    proxy = TcpProxy(url.port or 5432).start()
    proxied = make_app(tmp_path, url.set(host="127.0.0.1", port=proxy.port).render_as_string(
        hide_password=False), broker_url)
    client = proxied.test_client()
    path = f"/webhooks/zendesk/{installation_id}"
    try:
        first = raw_of({**fixture("ticket_created"), "id": "outage-1"})
        assert client.post(path, data=first, headers=signed_headers(first)).status_code == 202
        proxy.cut()                                                # PostgreSQL "dies"
        second = raw_of({**fixture("ticket_created"), "id": "outage-2"})
        response = client.post(path, data=second, headers=signed_headers(second))
        assert response.status_code == 503
        assert response.get_json()["error"] == "database-unavailable"
        assert count(db) == 1                                      # nothing half-stored
        proxy.restore()                                            # the vendor retries later
        retried = client.post(path, data=second, headers=signed_headers(second))
        assert retried.status_code == 202
        assert count(db) == 2
    finally:
        proxy.cut()
        proxied.extensions["tactful"].database.dispose()


CANARY_EMAIL = "canary.person@leak-check.example"
CANARY_TOKEN = "CANARYTOKEN0123456789abcdef"
CANARY_TEXT = "canarytext-purple-elephant-sings"


def test_log_canary_nothing_secret_reaches_any_log_at_debug(
        app, sandbox, tactful_url, db, start_worker, tmp_path):
    handler = logging.StreamHandler(io.StringIO())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        account = sandbox_call(sandbox, "POST", "/accounts", vendor="zendesk", account="acme")
        report = install_with_api_token(
            app, subdomain="acme", email=account["email"], api_token=account["api_token"],
            api_base=f"{sandbox.base_url}{account['api_base_path']}", public_url=tactful_url)
        start_worker(concurrency=1, extra_env={"TACTFUL_LOG_LEVEL": "DEBUG"})
        ticket = sample("angry")
        ticket = {**ticket, "body": f"{ticket['body']} {CANARY_TEXT} call {CANARY_TOKEN}",
                  "requester": {"name": "Canary Person", "email": CANARY_EMAIL}}
        ticket_id = sandbox_call(sandbox, "POST", "/zendesk/acme/tickets", **ticket)["ticket_id"]
        wait_until(lambda: sandbox_call(sandbox, "GET", f"/zendesk/acme/tickets/{ticket_id}")
                   ["enriched"], 40, "the canary ticket's enrichment")
        assert report.installation_id
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    worker_logs = "".join(p.read_text(errors="replace")
                          for p in Path(tmp_path).glob("worker-*.log"))
    ours = handler.stream.getvalue()
    assert "webhook.accepted" in ours and len(worker_logs) > 0     # logs were really captured
    secrets = [CANARY_EMAIL, CANARY_TOKEN, CANARY_TEXT, account["api_token"], account["email"]]
    for secret in secrets:
        assert secret not in ours, f"in-process log leaks {secret[:12]}…"
        assert secret not in worker_logs, f"worker log leaks {secret[:12]}…"
