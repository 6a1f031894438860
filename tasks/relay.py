"""Periodic and triggered jobs: the dispatcher, the sweep (outbox relay) and retention."""
from __future__ import annotations

from celery import shared_task

from integration.pipeline import dispatch, sweep
from integration.runtime import database, dispatcher, settings


@shared_task(name="tactful.dispatch", ignore_result=True)
def dispatch_task() -> int:
    """Hand due events to the queue, a few per installation, least recently served first.
    Sent when events arrive, as a timer for the next due event, and by beat."""
    return dispatch.request(dispatcher()).published


@shared_task(name="tactful.sweep", ignore_result=True)
def sweep_task() -> int:
    """Dead-letter events past their maximum age, then re-deliver anything lost."""
    from flask import current_app
    return sweep.run_sweep(database(), current_app.extensions["celery"], settings()).published


@shared_task(name="tactful.retention", ignore_result=True)
def retention_task() -> dict:
    """Drop payloads past their retention and data of long-uninstalled installations."""
    return sweep.run_retention(database(), settings())


@shared_task(name="tactful.ping", ignore_result=True)
def ping_task(token: str) -> str:
    """Round-trip check for a queue + worker: records that a worker ran it."""
    from datetime import timedelta

    from integration.store.models import Lock, utcnow
    with database().session() as session:
        session.merge(Lock(name=f"ping:{token}"[:255], holder="worker",
                           expires_at=utcnow() + timedelta(minutes=10)))
    return token
