"""POST /api/analyze: the same object `tactful analyze` prints, over HTTP.

Analysis is CPU work, so the endpoint is not open: the caller shows the admin
token or an installation's analyze key (see `analyze_key`), spends from a
per-caller budget, and at most `MAX_CONCURRENT` analyses run at once in a web
process; beyond that the caller gets 503 with Retry-After at once instead of
queueing behind the webhooks the same process must answer in milliseconds.
`tactful analyze` runs the same code in-process and needs none of this.
"""
from __future__ import annotations

import hashlib
import hmac
import threading

from flask import Blueprint, jsonify, request
from marshmallow import Schema, ValidationError, fields, validate

from connectors.errors import PayloadError
from integration.domain.analysis.report import analysis_record
from integration.domain.analysis.settings import resolve_settings
from integration.runtime import database, settings
from integration.store import installations
from integration.web import bodies, throttle

MAX_TEXT_CHARS = 20_000
# Bodies beyond this cannot hold a valid request; refuse before parsing them.
MAX_BODY_BYTES = 4 * MAX_TEXT_CHARS + 64_000
PER_CALLER_PER_MINUTE = 60
# One analysis with a draft takes tens of milliseconds of CPU; a gunicorn worker has
# a few threads, and the webhooks must keep at least one.
MAX_CONCURRENT = 1
BUSY_RETRY_S = 1
_running = threading.BoundedSemaphore(MAX_CONCURRENT)

bp = Blueprint("analyze_api", __name__)


class AnalyzeRequestSchema(Schema):
    text = fields.Str(required=True, validate=validate.Length(min=1))
    name = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=200))
    settings = fields.Dict(load_default=None, allow_none=True)
    draft = fields.Bool(load_default=False)


def analyze_key(secret_key: str, installation_id: str) -> str:
    """The installation's key for this endpoint: `<installation id>.<HMAC>`.

    Derived from TACTFUL_SECRET_KEY, so it needs no storage and changes when the
    secret is rotated; the admin API shows it with the installation.
    """
    mac = hmac.new(secret_key.encode(), f"analyze:{installation_id}".encode(),
                   hashlib.sha256).hexdigest()[:40]
    return f"{installation_id}.{mac}"


def _caller() -> str | None:
    """"admin" or the installation id the bearer credential belongs to; None if neither."""
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not given:
        return None
    config = settings()
    if config.admin_token and hmac.compare_digest(given.encode(), config.admin_token.encode()):
        return "admin"
    installation_id = given.partition(".")[0]
    expected = analyze_key(config.secret_key, installation_id)
    if not installation_id or not hmac.compare_digest(given.encode(), expected.encode()):
        return None
    row = installations.fetch_row(database(), installation_id)
    return installation_id if row is not None and row.status == installations.ACTIVE else None


def _error(status: int, code: str, reason: str):
    return jsonify({"error": code, "reason": reason}), status


def _invalid(reasons):
    return jsonify({"error": "invalid-request", "reasons": reasons}), 400


@bp.post("/api/analyze")
def analyze_message():
    """Analysis (and optionally a draft) of one text.
    ---
    post:
      tags: [analyze]
      summary: Analyse one message
      requestBody:
        required: true
        content: {application/json: {schema: AnalyzeRequestSchema}}
      responses:
        200:
          description: The analysis record
          content: {application/json: {schema: AnalysisRecordSchema}}
        400: {$ref: '#/components/responses/Error'}
        413: {$ref: '#/components/responses/Error'}
    """
    caller = _caller()
    if caller is None:
        return _error(401, "unauthorized", "send Authorization: Bearer with the admin token "
                      "or an installation's analyze key")
    wait = throttle.wait_for("analyze", caller, PER_CALLER_PER_MINUTE)
    if wait > 0:
        return throttle.too_many(wait, f"over {PER_CALLER_PER_MINUTE} analyses a minute")
    if (request.content_length or 0) > MAX_BODY_BYTES:
        return _error(413, "too-large", f"body over {MAX_BODY_BYTES} bytes")
    try:
        data = _request_data()
    except ValidationError as exc:
        return _invalid(exc.messages)
    except ValueError as exc:
        return _error(413, "too-large", str(exc))
    if not _running.acquire(blocking=False):
        return throttle.too_many(BUSY_RETRY_S, "the analyzer is busy; retry shortly", 503)
    try:
        record = analysis_record(data["text"], settings=data["settings"], name=data["name"],
                                 draft=data["draft"])
    finally:
        _running.release()
    return jsonify(record)


def _request_data() -> dict:
    try:
        payload = bodies.request_json_object()
    except PayloadError as exc:
        raise ValidationError({"_schema": [exc.reason]}) from None
    text = payload.get("text")
    if isinstance(text, str) and len(text) > MAX_TEXT_CHARS:
        raise ValueError(f"text over {MAX_TEXT_CHARS} characters")
    data = AnalyzeRequestSchema().load(payload)
    try:
        resolve_settings(data["settings"])
    except ValidationError as exc:
        raise ValidationError({"settings": exc.messages}) from None
    return data
