"""Admin API: installations and their settings, events and dead letters.

Bearer-token protected (TACTFUL_ADMIN_TOKEN). Our own API rejects unknown
fields, unlike vendor payload schemas which must tolerate new ones.
"""
from __future__ import annotations

import hmac

from flask import Blueprint, abort, request
from marshmallow import INCLUDE, RAISE, Schema, ValidationError, fields, validate
from sqlalchemy import select

from integration.pipeline import handoff, process
from integration.runtime import database, settings
from integration.store import installations
from integration.store.models import Event, EventStatus, Installation

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
            "created_at": row.created_at.isoformat()}


@bp.get("/installations")
def list_installations():
    with database().session() as session:
        rows = session.scalars(select(Installation).order_by(Installation.created_at))
        return {"installations": [_installation_json(r) for r in rows]}


@bp.get("/installations/<installation_id>")
def get_installation(installation_id: str):
    with database().session() as session:
        row = session.get(Installation, installation_id) or abort(404, "no such installation")
        return _installation_json(row)


@bp.put("/installations/<installation_id>/settings")
def put_settings(installation_id: str):
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return {"error": "invalid-request", "reason": "body must be a JSON object"}, 400
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
        schema = schema_cls(env=settings().env, resolve=True) if section == "alerts" \
            else schema_cls()
        try:
            loaded[section] = schema.load(loaded[section])
        except ValidationError as exc:
            raise ValidationError({section: exc.messages}) from None


@bp.get("/events")
def list_events():
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
                            "attempts": e.attempts, "last_error": e.last_error,
                            "received_at": e.received_at.isoformat()}
                           for e in session.scalars(stmt)]}


@bp.post("/events/<int:event_id>/retry")
def retry_event(event_id: int):
    from flask import current_app
    if not process.retry_failed(database(), event_id):
        return {"error": "not-retryable", "reason": "event is not failed or ignored"}, 409
    handoff.publish(current_app.extensions["celery"], [event_id])
    return {"status": "requeued", "event_id": event_id}, 202
