"""Marshmallow pieces every vendor's payload schemas share."""
from __future__ import annotations

from marshmallow import ValidationError, fields


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
