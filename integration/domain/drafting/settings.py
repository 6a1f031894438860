"""Per-installation drafting settings: the schema and the loaded defaults."""
from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate

DEFAULT_DISCLOSURE_LINE = (
    "This reply was drafted with the help of AI and reviewed by our support team."
)


class DraftSettingsSchema(Schema):
    """Drafting settings an admin may set; unknown keys are rejected so typos surface."""

    class Meta:
        unknown = RAISE

    tone = fields.String(
        load_default="friendly", validate=validate.OneOf(("formal", "friendly")),
    )
    sign_off = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    product_names = fields.List(
        fields.String(validate=validate.Length(min=1, max=80)), load_default=list,
    )
    banned_phrases = fields.List(
        fields.String(validate=validate.Length(min=1, max=120)), load_default=list,
    )
    # locale -> partial template document, merged over the shipped one (see catalog.py)
    extra_templates = fields.Dict(
        keys=fields.String(validate=validate.Length(min=2, max=12)),
        values=fields.Dict(), load_default=dict,
    )
    # The agents' language: the note's headings and the coaching tips are written in it.
    # The suggested reply follows the customer's language whatever this says.
    agent_locale = fields.String(load_default="en", validate=validate.Length(min=2, max=12))
    allow_promises = fields.Boolean(load_default=False)
    public_replies = fields.Boolean(load_default=False)
    disclosure_line = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=300),
    )


# Built once: a schema instance builds its nested schemas on first load, per instance.
_SETTINGS = DraftSettingsSchema()


def load_settings(settings: dict | None) -> dict:
    """Validate raw settings and fill defaults; raises marshmallow.ValidationError."""
    loaded = _SETTINGS.load(settings or {})
    # The wording is the installation's, the line itself is not optional: blank means default.
    line = (loaded.get("disclosure_line") or "").strip()
    loaded["disclosure_line"] = line or DEFAULT_DISCLOSURE_LINE
    _check_agent_locale(loaded)
    return loaded


def _check_agent_locale(loaded: dict) -> None:
    # Imported here: catalog has no settings dependency, and this keeps it that way.
    from .catalog import available_locales

    if loaded["agent_locale"] not in available_locales(loaded["extra_templates"]):
        raise ValidationError({"agent_locale": ["no templates for this locale"]})


__all__ = ["DEFAULT_DISCLOSURE_LINE", "DraftSettingsSchema", "ValidationError", "load_settings"]
