"""Marshmallow pieces every vendor's payload schemas share."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load


class VendorSchema(Schema):
    """Vendor payloads: unknown fields are dropped, since vendors add fields at will."""

    class Meta:
        unknown = EXCLUDE


class TemplatedBodySchema(VendorSchema):
    """A body Tactful templated into a vendor's rule or trigger.

    Placeholders always render as strings, but an admin who edits the rule by hand
    may type numbers; both must load the same.
    """

    @pre_load
    def stringify(self, data, **kwargs):
        if isinstance(data, dict):
            return {k: str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v
                    for k, v in data.items()}
        return data


class IdString(fields.Field):
    """An id as a string, whether the payload sent a number or a string; "" and null mean none.

    `zero_is_none` for vendors that send 0 for "no such object" (Zendesk, Intercom).
    """

    def __init__(self, *args, zero_is_none: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.zero_is_none = zero_is_none

    def _deserialize(self, value, attr, data, **kwargs):
        if value is None or isinstance(value, bool):
            return None
        if not isinstance(value, int | str):
            raise ValidationError("must be a number or a string")
        text = str(value).strip()
        if text == "" or (self.zero_is_none and text == "0"):
            return None
        return text
