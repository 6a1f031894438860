"""Marshmallow schemas of the JSON bodies our views answer with, for the OpenAPI spec.

Request bodies are described by the schemas the views validate with (e.g.
InstallationSettingsSchema, AnalyzeRequestSchema); these describe what comes back.
Views name them in their docstring's YAML (`schema: InstallationSchema`).
"""
from __future__ import annotations

from marshmallow import Schema, fields


class ErrorSchema(Schema):
    error = fields.String(required=True, metadata={"description": "stable machine code"})
    reason = fields.String(metadata={"description": "what was wrong, for a person"})
    reasons = fields.Dict(metadata={"description": "validation errors keyed by field"})
    request_id = fields.String()


class StatusSchema(Schema):
    status = fields.String(required=True)


class ReadinessSchema(Schema):
    status = fields.String(required=True, metadata={"description": "ready or unavailable"})
    checks = fields.Dict(keys=fields.String(), values=fields.String())
    failing = fields.List(fields.String())


class WebhookAnswerSchema(Schema):
    status = fields.String(required=True,
                           metadata={"description": "accepted, duplicate or ignored"})
    event_id = fields.Integer()
    reason = fields.String()


class InstallationSchema(Schema):
    id = fields.String(required=True)
    provider = fields.String(required=True)
    account = fields.String(required=True)
    status = fields.String(required=True)
    settings = fields.Dict()
    webhook_url = fields.String()
    created_at = fields.DateTime()


class InstallationListSchema(Schema):
    installations = fields.List(fields.Nested(InstallationSchema))


class EventSchema(Schema):
    id = fields.Integer(required=True)
    installation = fields.String()
    ticket = fields.String()
    kind = fields.String()
    status = fields.String()
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    received_at = fields.DateTime()


class EventListSchema(Schema):
    events = fields.List(fields.Nested(EventSchema))


class RequeuedSchema(Schema):
    status = fields.String(required=True)
    event_id = fields.Integer(required=True)


class BulkRequeuedSchema(Schema):
    status = fields.String(required=True)
    requeued = fields.Integer(required=True)
    by_installation = fields.Dict(keys=fields.String(), values=fields.Integer())


class ActivatedSchema(Schema):
    status = fields.String(required=True)
    installation = fields.String(required=True)
    waiting_events = fields.Integer(required=True)


class BackfillSchema(Schema):
    id = fields.String(required=True)
    installation = fields.String()
    state = fields.String(metadata={"description": "queued, running, waiting, listed, failed"})
    since = fields.String()
    status = fields.String(allow_none=True)
    dry_run = fields.Boolean()
    pages = fields.Integer()
    found = fields.Integer()
    enqueued = fields.Integer()
    skipped = fields.Integer()
    done = fields.Integer()
    failed = fields.Integer()
    pending = fields.Integer()
    complete = fields.Boolean()
    would_enqueue = fields.List(fields.Dict(), allow_none=True)
    last_error = fields.String(allow_none=True)


class BackfillStartedSchema(Schema):
    backfill = fields.Nested(BackfillSchema)
    status_url = fields.String()


class InstalledSchema(Schema):
    status = fields.String()
    provider = fields.String()
    installation_id = fields.String(required=True)
    webhook_url = fields.String()
    created = fields.List(fields.String())


class FreshdeskRegisteredSchema(Schema):
    installation_id = fields.String(required=True)
    webhook_url = fields.String()
    webhook_secret = fields.String(metadata={"description": "sent once, for the app's storage"})
    account = fields.String()


class FreshdeskDomainSchema(Schema):
    domain = fields.String(required=True, metadata={"description": "acme or acme.freshdesk.com"})


class AnalysisRecordSchema(Schema):
    """The object `tactful analyze` prints (see docs/analysis.md for every key)."""

    language = fields.String()
    sentiment = fields.Dict()
    emotions = fields.Dict()
    urgency = fields.String()
    topic = fields.String()
    flags = fields.Dict()
    evidence = fields.Dict()
    decision = fields.Dict()
    draft = fields.Dict()


def register_components(spec) -> None:
    """Shared responses, so a view's YAML can say `$ref: '#/components/responses/Error'`."""
    json_of = lambda schema: {"application/json": {"schema": schema}}  # noqa: E731
    spec.components.response("Error", {"description": "Error: a code and a reason",
                                       "content": json_of("ErrorSchema")})
    spec.components.response("WebhookAccepted", {"description": "Stored and queued",
                                                 "content": json_of("WebhookAnswerSchema")})
    spec.components.response("WebhookNotQueued", {
        "description": "A duplicate, or a genuine event with nothing to do",
        "content": json_of("WebhookAnswerSchema")})
    spec.components.response("Html", {"description": "HTML page",
                                      "content": {"text/html": {"schema": {"type": "string"}}}})
