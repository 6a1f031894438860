"""What web, tasks and CLI commands share at run time, reached through the current app.

The app factory builds one `Services` (database engine, keyring) and keeps it in
``app.extensions["tactful"]``; the settings stay in ``app.config["TACTFUL"]``, where
Flask keeps configuration. The Celery worker builds the app, so its tasks find both
the same way. Nothing reaches for module globals in app.py, which is why app.py can
import the blueprints and tasks without an import cycle.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from integration.config import Settings
from integration.pipeline import dispatch, process, ratelimit
from integration.store.crypto import Keyring
from integration.store.db import Database

EXTENSION = "tactful"


@dataclass(frozen=True)
class Services:
    """What is built once per process from the settings."""

    database: Database
    keyring: Keyring

    @classmethod
    def build(cls, settings: Settings) -> Services:
        return cls(Database(settings.database_url), Keyring(settings.encryption_keys))

    def close(self) -> None:
        self.database.dispose()


def services(app: Flask | None = None) -> Services:
    return (app or current_app).extensions[EXTENSION]


def database(app: Flask | None = None) -> Database:
    return services(app).database


def keyring(app: Flask | None = None) -> Keyring:
    return services(app).keyring


def settings(app: Flask | None = None) -> Settings:
    return (app or current_app).config["TACTFUL"]


def processing(app: Flask | None = None) -> process.Runtime:
    """The pipeline's stores, outbound limiter and retry policy, from the current settings."""
    config, built = settings(app), services(app)
    return process.Runtime(
        database=built.database, keyring=built.keyring,
        limiter=ratelimit.limiter_for(config.broker_url, config.redis_key_prefix),
        per_minute=config.rate_limit_per_minute, lease_s=config.processing_lease_s,
        backoff_base_s=config.retry_backoff_base_s, max_attempts=config.max_attempts,
        http_timeout_s=config.http_timeout_s, max_age_s=config.max_event_age_h * 3600,
        send_alert=_alert_sender(app), assign_later=_assign_queuer(app))


def dispatcher(app: Flask | None = None) -> dispatch.Dispatcher:
    """The fair dispatcher (per-installation caps and budgets) for the current app."""
    app = app or current_app
    return dispatch.from_settings(database(app), app.extensions["celery"], settings(app))


def _alert_sender(app: Flask | None):
    """Queues `tactful.alert` on the app's Celery (by name: the pipeline never imports tasks)."""
    celery_app = (app or current_app).extensions.get("celery")
    if celery_app is None:
        return None
    return lambda installation_id, body: celery_app.send_task(
        "tactful.alert", args=[installation_id, body])


def _assign_queuer(app: Flask | None):
    """Queues `tactful.routing.assign` after a countdown (a spent budget, a busy vendor)."""
    celery_app = (app or current_app).extensions.get("celery")
    if celery_app is None:
        return None
    return lambda installation_id, ticket_id, group, countdown: celery_app.send_task(
        "tactful.routing.assign", args=[installation_id, ticket_id, group],
        countdown=max(0.0, countdown))
