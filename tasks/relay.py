"""Periodic jobs: the sweep (outbox relay) and retention."""
from __future__ import annotations

from celery import shared_task
from flask import current_app

from integration.pipeline import sweep
from integration.runtime import database, settings


@shared_task(name="tactful.sweep", ignore_result=True)
def sweep_task() -> int:
    """Re-enqueue events stored but never delivered, or abandoned by a dead worker."""
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
