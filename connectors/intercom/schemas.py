"""Marshmallow schemas for what Intercom sends us and what its API answers.

Vendor schemas EXCLUDE unknown fields: Intercom adds fields with every API
version, and a new field must never turn a genuine notification into a 400.
Ids are opaque strings: Intercom sends the same id as a number in one payload
and a string in the next (and "0" or null for "nobody").
"""
from __future__ import annotations

from datetime import UTC, datetime

from marshmallow import ValidationError, fields

from connectors.schemas import EventIdString, IdString, VendorSchema

# Intercom conversation ids are ASCII digits (e.g. "21322009097"); workspace ids
# (app id codes) are short letters and digits (the sandbox adds "-").
CONVERSATION_ID = r"[0-9]{1,24}"
WORKSPACE_ID = r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}"


class Timestamp(fields.Field):
    """Unix seconds in most payloads, ISO-8601 in a few (contact items, statistics)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if value is None or value == 0 or isinstance(value, bool):
            return None
        if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
            try:
                return datetime.fromtimestamp(float(value), UTC)
            except (OverflowError, OSError, ValueError):
                raise ValidationError("unix time out of range") from None
        if isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value.strip())
            except ValueError:
                raise ValidationError("not a unix time or ISO-8601 date") from None
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        raise ValidationError("not a unix time or ISO-8601 date")


class AuthorSchema(VendorSchema):
    type = fields.String(load_default=None, allow_none=True)
    id = IdString(load_default=None)
    name = fields.String(load_default=None, allow_none=True)
    # Fin and other AI agents: such parts are never a customer's words.
    from_ai_agent = fields.Boolean(load_default=False, allow_none=True)
    is_ai_answer = fields.Boolean(load_default=False, allow_none=True)


class PartSchema(VendorSchema):
    id = IdString(load_default=None)
    part_type = fields.String(load_default=None, allow_none=True)
    body = fields.String(load_default=None, allow_none=True)
    created_at = Timestamp(load_default=None)
    author = fields.Nested(AuthorSchema, load_default=dict)


class PartListSchema(VendorSchema):
    conversation_parts = fields.List(fields.Nested(PartSchema), load_default=list)
    total_count = fields.Integer(load_default=0, allow_none=True)


class SourceSchema(VendorSchema):
    id = IdString(load_default=None)
    subject = fields.String(load_default=None, allow_none=True)
    body = fields.String(load_default=None, allow_none=True)
    author = fields.Nested(AuthorSchema, load_default=dict)


class ContactRefSchema(VendorSchema):
    id = IdString(load_default=None)


class ContactListSchema(VendorSchema):
    contacts = fields.List(fields.Nested(ContactRefSchema), load_default=list)


class TagSchema(VendorSchema):
    id = IdString(load_default=None)
    name = fields.String(required=True)


class TagListSchema(VendorSchema):
    tags = fields.List(fields.Nested(TagSchema), load_default=list)


class ConversationSchema(VendorSchema):
    """GET /conversations/{id} (2.x shape), and `data.item` of conversation notifications."""

    id = IdString(required=True, grammar=CONVERSATION_ID)
    title = fields.String(load_default=None, allow_none=True)
    created_at = Timestamp(load_default=None)
    updated_at = fields.Raw(load_default=None, allow_none=True)
    priority = fields.String(load_default=None, allow_none=True)
    source = fields.Nested(SourceSchema, load_default=None, allow_none=True)
    contacts = fields.Nested(ContactListSchema, load_default=dict, allow_none=True)
    tags = fields.Nested(TagListSchema, load_default=dict, allow_none=True)
    conversation_parts = fields.Nested(PartListSchema, load_default=dict, allow_none=True)
    custom_attributes = fields.Dict(load_default=dict, allow_none=True)


class NotificationDataSchema(VendorSchema):
    item = fields.Dict(required=True)


class NotificationSchema(VendorSchema):
    """The webhook envelope; `data.item` is validated per topic."""

    type = fields.String(load_default=None, allow_none=True)
    id = EventIdString(load_default=None, allow_none=True)   # null on `ping`
    topic = fields.String(required=True)
    app_id = IdString(required=True, grammar=WORKSPACE_ID)
    created_at = Timestamp(load_default=None)
    delivery_attempts = fields.Integer(load_default=1, allow_none=True)
    data = fields.Nested(NotificationDataSchema, required=True)


class UninstallSchema(VendorSchema):
    app_id = IdString(required=True, grammar=WORKSPACE_ID)


class ContactSchema(VendorSchema):
    id = IdString(required=True)
    name = fields.String(load_default=None, allow_none=True)


class AppSchema(VendorSchema):
    id_code = IdString(required=True)
    region = fields.String(load_default=None, allow_none=True)
    name = fields.String(load_default=None, allow_none=True)


class MeSchema(VendorSchema):
    """GET /me: the authorising admin (our note author) and the workspace."""

    type = fields.String(load_default=None, allow_none=True)
    id = IdString(required=True)
    app = fields.Nested(AppSchema, required=True)


class DataAttributeSchema(VendorSchema):
    name = fields.String(required=True)
    model = fields.String(load_default=None, allow_none=True)
    api_writable = fields.Boolean(load_default=True, allow_none=True)
    archived = fields.Boolean(load_default=False, allow_none=True)
    data_type = fields.String(load_default=None, allow_none=True)
    options = fields.List(fields.Raw(), load_default=None, allow_none=True)


class DataAttributeListSchema(VendorSchema):
    data = fields.List(fields.Nested(DataAttributeSchema), load_default=list)


class TokenSchema(VendorSchema):
    """POST /auth/eagle/token: `token` and `access_token` carry the same value."""

    access_token = fields.String(load_default=None, allow_none=True)
    token = fields.String(load_default=None, allow_none=True)
    token_type = fields.String(load_default=None, allow_none=True)
