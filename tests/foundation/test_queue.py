"""A task sent through the configured broker is consumed by a real worker process."""
from __future__ import annotations

import time
import uuid

from integration.store.models import Lock


def _wait_for_ping(db, token: str, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with db.session() as session:
            if session.get(Lock, f"ping:{token}") is not None:
                return True
        time.sleep(0.1)
    return False


def test_real_worker_consumes_a_task_from_the_broker(celery_app, db, start_worker):
    token = uuid.uuid4().hex
    celery_app.send_task("tactful.ping", args=[token])
    worker = start_worker()
    assert _wait_for_ping(db, token), "the worker never ran the task"
    assert worker.poll() is None, "the worker died"


def test_task_sent_while_no_worker_runs_waits_in_the_queue(celery_app, db, start_worker):
    token = uuid.uuid4().hex
    celery_app.send_task("tactful.ping", args=[token])
    time.sleep(0.5)
    with db.session() as session:
        assert session.get(Lock, f"ping:{token}") is None   # nobody consumed it yet
    start_worker()
    assert _wait_for_ping(db, token)
