"""Liveness and readiness."""
from __future__ import annotations

import logging

from flask import Blueprint, current_app
from sqlalchemy import text

from integration.logs import fields
from integration.runtime import database

bp = Blueprint("health", __name__)
log = logging.getLogger("tactful.health")


@bp.get("/healthz")
def healthz():
    """The process is alive; says nothing about its dependencies.
    ---
    get:
      tags: [operations]
      summary: Liveness
      responses:
        200:
          description: Alive
          content: {application/json: {schema: StatusSchema}}
    """
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    """Ready when the database and the broker both answer; 503 names what fails.
    ---
    get:
      tags: [operations]
      summary: Readiness (database and broker)
      responses:
        200:
          description: Ready
          content: {application/json: {schema: ReadinessSchema}}
        503:
          description: A dependency fails (named in `failing`)
          content: {application/json: {schema: ReadinessSchema}}
    """
    checks = {"database": _check_database(), "broker": _check_broker()}
    failing = sorted(name for name, ok in checks.items() if ok != "ok")
    body = {"status": "ready" if not failing else "unavailable", "checks": checks}
    if failing:
        body["failing"] = failing
        log.warning("readyz.unavailable", extra=fields(failing=failing))
        return body, 503
    return body


def _check_database() -> str:
    try:
        with database().engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return "ok"
    except Exception as exc:
        return f"unreachable: {type(exc).__name__}"


def _check_broker() -> str:
    celery_app = current_app.extensions["celery"]
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2,
                                   timeout=2)
        return "ok"
    except Exception as exc:
        return f"unreachable: {type(exc).__name__}"
