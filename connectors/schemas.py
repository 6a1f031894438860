"""Marshmallow pieces every vendor's payload schemas share.

Ids that reach a vendor URL or our database are checked against a grammar here,
at the edge: each vendor's schemas module names its own (ticket ids are ASCII
digits everywhere we integrate; `\\d` would also admit fullwidth and other
Unicode digits). Anything else is a 400 naming the field, never a 5xx later.
"""
from __future__ import annotations

import re

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load

# Vendor event ids: Zendesk ULIDs/UUIDs, Intercom "notif_…", our app's "onTicketCreate:12".
EVENT_ID = r"[A-Za-z0-9][A-Za-z0-9._:@-]{0,254}"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def matches(grammar: str, text: str) -> bool:
    """True when all of `text` is in `grammar` (ASCII classes only)."""
    return re.fullmatch(grammar, text, re.ASCII) is not None


def printable(text: str) -> bool:
    """No NUL or other control character: such a value is never a genuine id or time."""
    return _CONTROL.search(text) is None


def no_control_characters(text: str) -> None:
    if not printable(text):
        raise ValidationError("must not contain NUL or other control characters")


class StampString(fields.String):
    """A timestamp as the vendor wrote it (parsed later): any printable text."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        no_control_characters(text)
        return text


class EventIdString(fields.String):
    """A vendor's delivery or event id, checked against EVENT_ID."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not matches(EVENT_ID, text):
            raise ValidationError("must be 1-255 ASCII letters, digits or ._:@- characters")
        return text


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
    `grammar` (a regex the whole id must match) for ids we put in API paths.
    """

    def __init__(self, *args, zero_is_none: bool = True, grammar: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.zero_is_none = zero_is_none
        self.grammar = grammar

    def _deserialize(self, value, attr, data, **kwargs):
        if value is None or isinstance(value, bool):
            return None
        if not isinstance(value, int | str):
            raise ValidationError("must be a number or a string")
        text = str(value).strip()
        if text == "" or (self.zero_is_none and text == "0"):
            return None
        if self.grammar is not None and not matches(self.grammar, text):
            raise ValidationError(f"is not an id of the form {self.grammar}")
        no_control_characters(text)
        return text
