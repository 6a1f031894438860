"""Marshmallow schemas for what Zendesk sends us and what its API answers.

Vendor schemas EXCLUDE unknown fields: Zendesk adds fields without notice, and a
new field must never turn a genuine event into a 400. Ids are read as opaque
strings because Zendesk sends them as numbers in REST and as strings in events.
"""
from __future__ import annotations

from marshmallow import fields

from connectors.schemas import (
    EventIdString,
    IdString,
    StampString,
    TemplatedBodySchema,
    VendorSchema,
)

# Zendesk ticket ids are positive 64-bit integers, written in ASCII digits.
TICKET_ID = r"[1-9][0-9]{0,18}"


class ViaSchema(VendorSchema):
    channel = fields.Raw(load_default=None)


class TicketDetailSchema(VendorSchema):
    """`detail` of a ticket event: the ticket after the change."""

    id = IdString(required=True, zero_is_none=False, grammar=TICKET_ID)
    actor_id = IdString(load_default=None)
    requester_id = IdString(load_default=None)
    updated_at = StampString(load_default=None)
    via = fields.Nested(ViaSchema, load_default=None)


class CommentAuthorSchema(VendorSchema):
    id = IdString(load_default=None)


class EventCommentSchema(VendorSchema):
    id = IdString(load_default=None)
    is_public = fields.Boolean(load_default=True)
    author = fields.Nested(CommentAuthorSchema, load_default=None)


class EventBodySchema(VendorSchema):
    comment = fields.Nested(EventCommentSchema, load_default=None)


class EventEnvelopeSchema(VendorSchema):
    """Event-subscription webhooks: `zen:event-type:…` with the ticket in `detail`."""

    type = fields.String(required=True)
    id = EventIdString(required=True)
    account_id = IdString(load_default=None)
    time = StampString(load_default=None)
    subject = fields.String(load_default=None)
    detail = fields.Dict(load_default=dict)
    event = fields.Dict(load_default=dict)


class TriggerBodySchema(TemplatedBodySchema):
    """The body Tactful's own trigger sends (see provision.trigger_body).

    Every value arrives as a string because the trigger fills placeholders.
    """

    source = fields.String(required=True)
    event = fields.String(required=True)
    ticket_id = fields.String(required=True)
    account = fields.String(load_default=None)
    updated_at = StampString(load_default=None)
    actor_id = IdString(load_default=None)
    via = fields.String(load_default=None)


class ApiTicketSchema(VendorSchema):
    id = IdString(required=True)
    subject = fields.String(load_default="", allow_none=True)
    requester_id = IdString(load_default=None)
    tags = fields.List(fields.String(), load_default=list)
    priority = fields.String(load_default=None, allow_none=True)
    status = fields.String(load_default=None, allow_none=True)
    updated_at = fields.String(required=True)
    custom_fields = fields.List(fields.Dict(), load_default=list)


class ApiUserSchema(VendorSchema):
    id = IdString(required=True)
    name = fields.String(load_default=None, allow_none=True)
    role = fields.String(load_default=None, allow_none=True)


class ApiCommentSchema(VendorSchema):
    id = IdString(load_default=None)
    author_id = IdString(load_default=None)   # -1 for system and chat comments
    public = fields.Boolean(load_default=True)
    body = fields.String(load_default="", allow_none=True)
    plain_body = fields.String(load_default=None, allow_none=True)
    created_at = fields.String(load_default=None, allow_none=True)
    via = fields.Dict(load_default=None, allow_none=True)


class TicketResponseSchema(VendorSchema):
    ticket = fields.Nested(ApiTicketSchema, required=True)
    users = fields.List(fields.Nested(ApiUserSchema), load_default=list)


class CommentsResponseSchema(VendorSchema):
    comments = fields.List(fields.Nested(ApiCommentSchema), required=True)
    users = fields.List(fields.Nested(ApiUserSchema), load_default=list)
