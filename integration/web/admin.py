"""Admin API: installations and their settings, events, dead letters and re-drives.

Bearer-token protected (TACTFUL_ADMIN_TOKEN). Our own API rejects unknown
fields, unlike vendor payload schemas which must tolerate new ones.
"""
from __future__ import annotations

import hmac

from flask import Blueprint, abort, current_app, request
from marshmallow import INCLUDE, RAISE, Schema, ValidationError, fields, validate
from sqlalchemy import select

from connectors.errors import PayloadError
from integration.pipeline import handoff, redrive
from integration.runtime import database, settings
from integration.store import installations
from integration.store.models import Event, EventStatus, Installation
from integration.web import bodies
from integration.web.analyze_api import analyze_key

bp = Blueprint("admin", __name__, url_prefix="/api/admin")


class InstallationSettingsSchema(Schema):
    """Per-installation settings; each section is validated by its own domain schema."""

    class Meta:
        unknown = RAISE

    analysis = fields.Dict(load_default=None)
    policy = fields.Dict(load_default=None)
    drafting = fields.Dict(load_default=None)
    memory = fields.Dict(load_default=None)
    routing = fields.Dict(load_default=None)
    alerts = fields.Dict(load_default=None)
    fields_map = fields.Dict(keys=fields.String(), values=fields.String(), load_default=None)
    rate_limit_per_minute = fields.Integer(load_default=None,
                                           validate=validate.Range(1, 1_000_000))
    http_timeout_s = fields.Float(load_default=None, validate=validate.Range(0.5, 120))


class EventQuerySchema(Schema):
    class Meta:
        unknown = INCLUDE

    status = fields.String(validate=validate.OneOf(EventStatus.OPEN + EventStatus.FINAL))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))


class BulkRetrySchema(Schema):
    """`POST /api/admin/events/retry`: which dead letters to re-drive."""

    class Meta:
        unknown = RAISE

    status = fields.String(required=True, validate=validate.OneOf([EventStatus.FAILED]))
    installation = fields.String(load_default=None, validate=validate.Length(1, 40))
    since = fields.String(load_default=None)


@bp.before_request
def require_admin_token():
    expected = settings().admin_token
    if not expected:
        abort(403, description="admin API disabled: set TACTFUL_ADMIN_TOKEN to enable it")
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), expected.encode()):
        abort(401, description="missing or wrong admin token (Authorization: Bearer …)")


def _installation_json(row: Installation) -> dict:
    return {"id": row.id, "provider": row.provider, "account": row.account,
            "status": row.status, "settings": row.settings or {},
            "webhook_url": installations.webhook_url(settings().public_url, row.provider, row.id),
            "analyze_key": analyze_key(settings().secret_key, row.id),
            "created_at": row.created_at.isoformat()}


@bp.get("/installations")
def list_installations():
    """Every installation.
    ---
    get:
      tags: [admin]
      summary: List installations
      security: [{adminToken: []}]
      responses:
        200:
          description: Installations
          content: {application/json: {schema: InstallationListSchema}}
        401: {$ref: '#/components/responses/Error'}
        403: {$ref: '#/components/responses/Error'}
    """
    with database().session() as session:
        rows = session.scalars(select(Installation).order_by(Installation.created_at))
        return {"installations": [_installation_json(r) for r in rows]}


@bp.get("/installations/<installation_id>")
def get_installation(installation_id: str):
    """One installation.
    ---
    get:
      tags: [admin]
      summary: One installation
      security: [{adminToken: []}]
      responses:
        200:
          description: The installation
          content: {application/json: {schema: InstallationSchema}}
        401: {$ref: '#/components/responses/Error'}
        403: {$ref: '#/components/responses/Error'}
        404: {$ref: '#/components/responses/Error'}
    """
    with database().session() as session:
        row = session.get(Installation, installation_id) or abort(404, "no such installation")
        return _installation_json(row)


@bp.put("/installations/<installation_id>/settings")
def put_settings(installation_id: str):
    """Replace an installation's settings (each section checked by its domain schema).
    ---
    put:
      tags: [admin]
      summary: Replace an installation's settings
      security: [{adminToken: []}]
      requestBody:
        required: true
        content: {application/json: {schema: InstallationSettingsSchema}}
      responses:
        200: {description: Saved, content: {application/json: {schema: InstallationSchema}}}
        400: {$ref: '#/components/responses/Error'}
        401: {$ref: '#/components/responses/Error'}
        403: {$ref: '#/components/responses/Error'}
        404: {$ref: '#/components/responses/Error'}
    """
    try:
        body = bodies.request_json_object()
    except PayloadError as exc:
        return {"error": "invalid-request", "reason": exc.reason}, 400
    try:
        loaded = InstallationSettingsSchema().load(body)
        loaded = {k: v for k, v in loaded.items() if v is not None}
        _validate_sections(loaded)
    except ValidationError as exc:
        return {"error": "invalid-settings", "reasons": exc.messages}, 400
    with database().session() as session:
        row = session.get(Installation, installation_id) or abort(404, "no such installation")
        row.settings = loaded
        return _installation_json(row)


def _validate_sections(loaded: dict) -> None:
    """Each domain section is checked by the schema its module exports, when present."""
    import importlib
    for section, (module_name, schema_name) in {
        "analysis": ("integration.domain.analysis", "AnalysisSettingsSchema"),
        "policy": ("integration.domain.policy", "PolicySettingsSchema"),
        "drafting": ("integration.domain.drafting", "DraftSettingsSchema"),
        "memory": ("integration.domain.memory", "MemorySettingsSchema"),
        "routing": ("integration.domain.routing", "RoutingSettingsSchema"),
        "alerts": ("integration.pipeline.alerts", "AlertSettingsSchema"),
    }.items():
        if section not in loaded:
            continue
        schema_cls = getattr(importlib.import_module(module_name), schema_name, None)
        if schema_cls is None:
            continue
        # Alert URLs are checked against the environment's rule, after DNS resolution.
        schema = schema_cls(env=settings().env, resolve=True,
                            allow_loopback=settings().alerts_allow_loopback) \
            if section == "alerts" else schema_cls()
        try:
            loaded[section] = schema.load(loaded[section])
        except ValidationError as exc:
            raise ValidationError({section: exc.messages}) from None


@bp.get("/events")
def list_events():
    """Recent events, newest first.
    ---
    get:
      tags: [admin]
      summary: Recent events
      security: [{adminToken: []}]
      parameters:
      - {in: query, name: status, schema: {type: string}}
      - {in: query, name: limit, schema: {type: integer, minimum: 1, maximum: 500, default: 50}}
      responses:
        200: {description: Events, content: {application/json: {schema: EventListSchema}}}
        400: {$ref: '#/components/responses/Error'}
        401: {$ref: '#/components/responses/Error'}
        403: {$ref: '#/components/responses/Error'}
    """
    try:
        query = EventQuerySchema().load(request.args.to_dict())
    except ValidationError as exc:
        return {"error": "invalid-request", "reasons": exc.messages}, 400
    stmt = select(Event).order_by(Event.id.desc()).limit(query["limit"])
    if "status" in query:
        stmt = stmt.where(Event.status == query["status"])
    with database().session() as session:
        return {"events": [{"id": e.id, "installation": e.installation_id,
                            "ticket": e.ticket_id, "kind": e.kind, "status": e.status,
                            "attempts": e.attempts, "waits": e.waits,
                            "wait_reason": e.wait_reason, "last_error": e.last_error,
                            "due_at": e.next_attempt_at and e.next_attempt_at.isoformat(),
                            "received_at": e.received_at.isoformat()}
                           for e in session.scalars(stmt)]}


@bp.post("/events/<int:event_id>/retry")
def retry_event(event_id: int):
    """Re-drive a dead-lettered (failed or ignored) event.
    ---
    post:
      tags: [admin]
      summary: Re-drive a dead-lettered event
      security: [{adminToken: []}]
      responses:
        202: {description: Requeued, content: {application/json: {schema: RequeuedSchema}}}
        401: {$ref: '#/components/responses/Error'}
        403: {$ref: '#/components/responses/Error'}
        409: {$ref: '#/components/responses/Error'}
    """
    if not redrive.retry_failed(database(), event_id):
        return {"error": "not-retryable", "reason": "event is not failed or ignored"}, 409
    _dispatch_soon()
    return {"status": "requeued", "event_id": event_id}, 202


@bp.post("/events/retry")
def retry_events():
    """Re-drive dead letters in bulk: all, one installation's, or those failed recently.
    ---
    post:
      tags: [admin]
      summary: Re-drive dead-lettered events in bulk
      security: [{adminToken: []}]
      requestBody:
        required: true
        content: {application/json: {schema: BulkRetrySchema}}
      responses:
        202: {description: Requeued, content: {application/json: {schema: BulkRequeuedSchema}}}
        400: {$ref: '#/components/responses/Error'}
        401: {$ref: '#/components/responses/Error'}
        404: {$ref: '#/components/responses/Error'}
    """
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return {"error": "invalid-request", "reason": "body must be a JSON object"}, 400
    try:
        query = BulkRetrySchema().load(body)
        since = redrive.parse_duration(query["since"]) if query["since"] else None
    except ValidationError as exc:
        return {"error": "invalid-request", "reasons": exc.messages}, 400
    except ValueError as exc:
        return {"error": "invalid-request", "reasons": {"since": [str(exc)]}}, 400
    if query["installation"] is not None:
        with database().session() as session:
            if session.get(Installation, query["installation"]) is None:
                abort(404, "no such installation")
    per_installation = redrive.retry_failed_bulk(database(), query["installation"], since)
    if per_installation:
        _dispatch_soon()
    return {"status": "requeued", "requeued": sum(per_installation.values()),
            "by_installation": per_installation}, 202


@bp.post("/installations/<installation_id>/activate")
def activate_installation(installation_id: str):
    """The admin re-authorised the account out of band: resume its waiting events.
    ---
    post:
      tags: [admin]
      summary: Re-activate an installation that needed re-authorisation
      security: [{adminToken: []}]
      responses:
        200: {description: Active again, content: {application/json: {schema: ActivatedSchema}}}
        401: {$ref: '#/components/responses/Error'}
        404: {$ref: '#/components/responses/Error'}
        409: {$ref: '#/components/responses/Error'}
    """
    with database().session() as session:
        row = session.get(Installation, installation_id) or abort(404, "no such installation")
        status = row.status
    waiting = redrive.reactivate(database(), installation_id)
    if waiting is None:
        return {"error": "not-waiting-for-reauth",
                "reason": f"installation is {status}, not needs_reauth"}, 409
    _dispatch_soon()
    return {"status": "active", "installation": installation_id, "waiting_events": waiting}


def _dispatch_soon() -> None:
    """Hand the re-opened events out now (within caps); beat would within seconds anyway."""
    handoff.trigger_dispatch(current_app.extensions["celery"])


@bp.get("/installations/<installation_id>/accuracy")
def get_accuracy(installation_id: str):
    """Agent feedback and undoing edits per label: how often Tactful was right.
    ---
    get:
      tags: [admin]
      summary: Feedback-based accuracy per label
      security: [{adminToken: []}]
      parameters:
      - {in: query, name: since, schema: {type: string, default: 30d}}
      responses:
        200: {description: Per label, shown, agreed, said wrong, tag removed, priority changed}
        400: {$ref: '#/components/responses/Error'}
        401: {$ref: '#/components/responses/Error'}
        404: {$ref: '#/components/responses/Error'}
    """
    from datetime import UTC, datetime

    from integration.store import feedback
    try:
        since = feedback.parse_since(request.args.get("since", "30d"), datetime.now(UTC))
    except ValueError as exc:
        return {"error": "invalid-request", "reason": str(exc)}, 400
    with database().session() as session:
        session.get(Installation, installation_id) or abort(404, "no such installation")
        return feedback.accuracy_report(session, installation_id, since)
