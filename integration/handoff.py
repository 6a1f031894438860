"""Handing stored events to the queue.

Publishing is best-effort by design: a failure leaves the row pending and the
sweep (tasks/relay.py) publishes it later, so the webhook still answers 2xx.
"""
from __future__ import annotations

import logging

from celery import Celery

from integration.logs import fields

log = logging.getLogger("tactful.handoff")
ENRICH_TASK = "tactful.enrich"


def publish(celery_app: Celery, event_ids: list[int]) -> int:
    """Send one enrich message per event; returns how many were published."""
    sent = 0
    try:
        with celery_app.producer_or_acquire() as producer:
            for event_id in event_ids:
                celery_app.send_task(ENRICH_TASK, args=[event_id], producer=producer)
                sent += 1
    except Exception as exc:  # broker down: the sweep will deliver these later
        log.warning("handoff.publish-failed",
                    extra=fields(error=type(exc).__name__, unsent=len(event_ids) - sent))
    return sent
