"""Marshmallow schemas for what reaches us from Freshdesk and what its API answers.

Vendor schemas EXCLUDE unknown fields: Freshdesk adds fields without notice, and
a new field must never turn a genuine event into a 400. Ids are opaque strings:
REST sends numbers, templated rule webhooks send strings, FDK events mix both.
"""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from connectors.schemas import (
    EventIdString,
    IdString,
    StampString,
    TemplatedBodySchema,
    VendorSchema,
)

# Freshdesk ticket ids are positive integers in ASCII digits (display ids, 64-bit at most).
TICKET_ID = r"[1-9][0-9]{0,18}"
# Unix milliseconds up to the year 9999: anything larger is not a time Python can hold.
MAX_UNIX_MS = 253_402_300_799_999


class RuleBodySchema(TemplatedBodySchema):
    """The small body Tactful's automation rule sends (see provision.rule_body).

    Every value arrives as a string because the rule fills placeholders.
    """

    source = fields.String(required=True)
    event = fields.String(required=True)
    ticket_id = fields.String(required=True)
    updated_at = StampString(load_default=None, allow_none=True)
    account = fields.String(load_default=None, allow_none=True)


class AppActorSchema(VendorSchema):
    id = IdString(zero_is_none=False, load_default=None)
    type = fields.String(load_default=None, allow_none=True)


class AppConversationSchema(VendorSchema):
    id = IdString(zero_is_none=False, load_default=None)
    incoming = fields.Boolean(load_default=False)
    private = fields.Boolean(load_default=True)
    user_id = IdString(zero_is_none=False, load_default=None)


class AppEventSchema(VendorSchema):
    """What the marketplace app's serverless handlers forward (manifest/freshdesk/server)."""

    source = fields.String(required=True)
    event_id = EventIdString(required=True)
    event = fields.String(required=True)
    ticket_id = IdString(zero_is_none=False, required=True, grammar=TICKET_ID)
    account = fields.String(load_default=None, allow_none=True)
    occurred_at = fields.Integer(load_default=None, allow_none=True,        # unix milliseconds
                                 validate=validate.Range(0, MAX_UNIX_MS))
    actor = fields.Nested(AppActorSchema, load_default=None, allow_none=True)
    conversation = fields.Nested(AppConversationSchema, load_default=None, allow_none=True)
    changes = fields.List(fields.String(), load_default=None, allow_none=True)


class ApiRequesterSchema(VendorSchema):
    id = IdString(zero_is_none=False, load_default=None)
    name = fields.String(load_default=None, allow_none=True)


class ApiTicketSchema(VendorSchema):
    id = IdString(zero_is_none=False, required=True)
    subject = fields.String(load_default="", allow_none=True)
    description_text = fields.String(load_default=None, allow_none=True)
    description = fields.String(load_default=None, allow_none=True)
    requester_id = IdString(zero_is_none=False, load_default=None)
    requester = fields.Nested(ApiRequesterSchema, load_default=None, allow_none=True)
    tags = fields.List(fields.String(), load_default=list, allow_none=True)
    priority = fields.Integer(load_default=None, allow_none=True)
    status = fields.Integer(load_default=None, allow_none=True)
    updated_at = fields.String(required=True)
    custom_fields = fields.Dict(load_default=dict, allow_none=True)


class ApiConversationSchema(VendorSchema):
    id = IdString(zero_is_none=False, required=True)
    user_id = IdString(zero_is_none=False, load_default=None)
    body = fields.String(load_default="", allow_none=True)
    body_text = fields.String(load_default=None, allow_none=True)
    incoming = fields.Boolean(load_default=False)
    private = fields.Boolean(load_default=False)
    source = fields.Integer(load_default=None, allow_none=True)
    created_at = fields.String(load_default=None, allow_none=True)


class ApiAgentSchema(VendorSchema):
    id = IdString(zero_is_none=False, required=True)
    contact = fields.Dict(load_default=dict, allow_none=True)
    role_ids = fields.List(IdString(zero_is_none=False), load_default=list, allow_none=True)


def load(schema: Schema, data, error: type[Exception], what: str, **kwargs):
    """Load or raise `error` naming what was wrong (never the values: they may be PII)."""
    try:
        return schema.load(data, **kwargs)
    except ValidationError as exc:
        raise error(f"{what}: {exc.messages}") from None
