"""Background hand-off: the webhook commits, this thread asks for a dispatch.

Why: a broker round trip per request (`send_task` ~1.3 ms of server time here)
halves ingest throughput. The row is already durable when the receiver answers,
so the hand-off may happen a moment later on another thread. What it hands off is
not the event itself but one `tactful.dispatch` message per wake-up, however many
events arrived meanwhile: the dispatcher then publishes them within each
installation's cap (integration/pipeline/dispatch.py), so a burst into one
installation cannot flood the shared queue. If this process dies first, the rows
stay `pending` and beat's dispatch or the sweep hands them out — the same path
that covers a broker outage.
"""
from __future__ import annotations

import logging
import os
import threading
from collections import deque

from celery import Celery

from integration.logs import fields
from integration.pipeline import handoff

log = logging.getLogger("tactful.publisher")


class BackgroundPublisher:
    def __init__(self, celery_app: Celery):
        self.celery_app = celery_app
        self._queue: deque[int] = deque()
        self._wake = threading.Condition()
        self._idle = threading.Event()
        self._idle.set()
        self._pid: int | None = None
        self._thread: threading.Thread | None = None

    def submit(self, event_id: int) -> None:
        self._ensure_thread()
        with self._wake:
            self._queue.append(event_id)
            self._idle.clear()
            self._wake.notify()

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything submitted so far was handed to the broker (tests, shutdown)."""
        return self._idle.wait(timeout)

    def _ensure_thread(self) -> None:
        # After a fork (gunicorn workers) the parent's thread does not exist in the child.
        if self._thread is not None and self._pid == os.getpid() and self._thread.is_alive():
            return
        with self._wake:
            if self._thread is not None and self._pid == os.getpid() and self._thread.is_alive():
                return
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._run, name="tactful-publisher",
                                            daemon=True)
            self._thread.start()

    def _take_batch(self) -> list[int]:
        with self._wake:
            while not self._queue:
                self._idle.set()
                self._wake.wait()
            batch = []
            # Everything waiting: one dispatch request covers all of it.
            while self._queue:
                batch.append(self._queue.popleft())
            return batch

    def _run(self) -> None:
        while True:
            batch = self._take_batch()
            if not handoff.trigger_dispatch(self.celery_app):
                log.warning("publisher.left-for-sweep", extra=fields(count=len(batch)))


def publisher_for(app) -> BackgroundPublisher:
    publisher = app.extensions.get("tactful.publisher")
    if publisher is None:
        publisher = app.extensions["tactful.publisher"] = BackgroundPublisher(
            app.extensions["celery"])
    return publisher
