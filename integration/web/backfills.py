"""Admin API for backfills: start one for an installation, then follow its progress.

The listing runs in a Celery task (tasks/backfill.py), so the request answers at
once with the job's id. Same bearer token as the rest of the admin API.
"""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, request
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from connectors.base import LISTING_STATUSES
from integration.logs import fields as log_fields
from integration.pipeline import backfill, backfill_jobs
from integration.runtime import database
from integration.web.admin import require_admin_token

log = logging.getLogger("tactful.admin")
bp = Blueprint("backfills", __name__, url_prefix="/api/admin")
bp.before_request(require_admin_token)


class BackfillRequestSchema(Schema):
    class Meta:
        unknown = RAISE

    since = fields.String(required=True, validate=validate.Length(1, 40))
    status = fields.String(load_default=None, allow_none=True,
                           validate=validate.OneOf(LISTING_STATUSES))
    dry_run = fields.Boolean(load_default=False)


def _error(status: int, code: str, reason):
    key = "reasons" if isinstance(reason, dict) else "reason"
    return {"error": code, key: reason}, status


@bp.post("/installations/<installation_id>/backfill")
def start_backfill(installation_id: str):
    """Start a backfill of the installation's existing tickets; it runs in a worker.
    ---
    post:
      tags: [admin]
      summary: Start a backfill
      security: [{adminToken: []}]
      requestBody:
        required: true
        content: {application/json: {schema: BackfillRequestSchema}}
      responses:
        202: {description: Started, content: {application/json: {schema: BackfillStartedSchema}}}
        400: {$ref: '#/components/responses/Error'}
        401: {$ref: '#/components/responses/Error'}
        404: {$ref: '#/components/responses/Error'}
        409: {$ref: '#/components/responses/Error'}
    """
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _error(400, "invalid-request", "body must be a JSON object")
    try:
        wanted = BackfillRequestSchema().load(body)
        backfill.parse_since(wanted["since"])
    except ValidationError as exc:
        return _error(400, "invalid-request", exc.messages)
    except backfill.BackfillError as exc:
        return _error(400, "invalid-request", {"since": [str(exc)]})
    try:
        job = backfill_jobs.start(database(), installation_id, wanted["since"],
                                  wanted["status"], wanted["dry_run"])
    except LookupError:
        return _error(404, "not-found", "no such installation")
    except backfill.BackfillError as exc:
        return _error(409, "conflict", str(exc))
    # If the broker is down the job stays queued; the resume job sends it later.
    try:
        current_app.extensions["celery"].send_task("tactful.backfill", args=[job.id])
    except Exception as exc:  # noqa: BLE001 - the periodic resume covers an unsent job
        log.warning("backfill.send-failed", extra=log_fields(backfill=job.id,
                                                             error=type(exc).__name__))
    return {"backfill": backfill_jobs.report(database(), job.id),
            "status_url": f"/api/admin/backfills/{job.id}"}, 202


@bp.get("/backfills/<job_id>")
def get_backfill(job_id: str):
    """A backfill's progress.
    ---
    get:
      tags: [admin]
      summary: A backfill's progress
      security: [{adminToken: []}]
      responses:
        200: {description: Progress, content: {application/json: {schema: BackfillSchema}}}
        401: {$ref: '#/components/responses/Error'}
        404: {$ref: '#/components/responses/Error'}
    """
    found = backfill_jobs.report(database(), job_id)
    if found is None:
        return _error(404, "not-found", "no such backfill")
    return found
