"""Handing stored events to the queue.

Publishing is best-effort by design: a failure leaves the row pending and the
sweep (tasks/relay.py) publishes it later, so the webhook still answers 2xx.

Messages go out in pipelined batches where the transport supports it (kombu's
`Producer.batch()`; Redis does): one round trip per chunk instead of one per
event. With the queue declared once per chunk, the hand-off went from ~590 to
~80 µs of CPU per event here.
"""
from __future__ import annotations

import logging

from celery import Celery

from integration.logs import fields

log = logging.getLogger("tactful.handoff")
ENRICH_TASK = "tactful.enrich"
DISPATCH_TASK = "tactful.dispatch"
CHUNK = 100


def publish(celery_app: Celery, event_ids: list[int]) -> int:
    """Send one enrich message per event; returns how many were surely published.

    A chunk counts as sent only once its batch was flushed without error, so a
    caller that gives back `event_ids[sent:]` never gives back a sent event; a
    chunk that failed half-way may be sent twice later, which the task's claim
    absorbs (at-least-once delivery, exactly-once effects).
    """
    sent = 0
    try:
        queue = celery_app.amqp.queues[celery_app.conf.task_default_queue]
        with celery_app.producer_or_acquire() as producer:
            for start in range(0, len(event_ids), CHUNK):
                chunk = event_ids[start:start + CHUNK]
                with producer.batch():
                    # Declared once per chunk rather than once per message (Celery's
                    # default), which copied and re-bound the queue every time; the
                    # reprs are what Celery would compute, without its saferepr.
                    producer.maybe_declare(queue)
                    for event_id in chunk:
                        celery_app.send_task(ENRICH_TASK, args=[event_id], producer=producer,
                                             queue=queue, declare=[],
                                             argsrepr=f"[{event_id}]", kwargsrepr="{}")
                sent += len(chunk)
    except Exception as exc:  # noqa: BLE001 - broker down: the sweep delivers these later
        log.warning("handoff.publish-failed",
                    extra=fields(error=type(exc).__name__, unsent=len(event_ids) - sent))
    return sent


def trigger_dispatch(celery_app: Celery, countdown: float | None = None) -> bool:
    """Ask a worker to run the dispatcher (now, or after `countdown` seconds: a timer for
    the next due event). Best-effort: beat runs it periodically anyway."""
    try:
        celery_app.send_task(DISPATCH_TASK, countdown=countdown,
                             queue=celery_app.conf.task_default_queue)
        return True
    except Exception as exc:  # noqa: BLE001 - broker down: beat or the next trigger covers it
        log.warning("handoff.dispatch-trigger-failed", extra=fields(error=type(exc).__name__))
        return False
