"""Pieces every vendor's ticket listing (backfill) shares."""
from __future__ import annotations

from datetime import UTC, datetime

from marshmallow import ValidationError, fields

from connectors.base import LISTING_STATUSES
from connectors.errors import InvalidResponse


def check_status(status: str | None) -> None:
    if status is not None and status not in LISTING_STATUSES:
        raise ValueError(f"unknown ticket status {status!r}: use one of {LISTING_STATUSES}")


def iso_z(moment: datetime) -> str:
    """UTC, to the second, with a Z: the form every vendor's query accepts."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Timestamp(fields.Field):
    """A vendor time as an aware UTC datetime: ISO 8601 text or epoch seconds."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, int) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, UTC)
        if not isinstance(value, str):
            raise ValidationError("must be ISO 8601 text or epoch seconds")
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError("not an ISO 8601 time") from None
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def loaded(schema, data, vendor: str, what: str) -> dict:
    """`data` through a marshmallow schema, or InvalidResponse naming only the fields."""
    try:
        return schema.load(data if isinstance(data, dict) else {})
    except ValidationError as exc:
        raise InvalidResponse(f"{vendor} {what} answer is not what we expect: "
                              f"{sorted(exc.messages)}") from None
