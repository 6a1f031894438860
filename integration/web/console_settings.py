"""The console's settings editor: one form per section, checked by the admin API's schemas.

The form is built from the marshmallow schema's own fields (a checkbox for a
boolean, a list for a choice, one line per item for a list, JSON for a mapping),
and a bad value comes back with the schema's message next to its field.
"""
from __future__ import annotations

import json

from flask import Blueprint, abort, redirect, render_template, request, url_for
from marshmallow import Schema, ValidationError, fields, validate

from integration.runtime import database
from integration.store.models import Installation
from integration.web import console_auth as auth
from integration.web.admin import InstallationSettingsSchema, _validate_sections

bp = Blueprint("console_settings", __name__, url_prefix="/console",
               template_folder="templates")
SECTIONS = ("analysis", "policy", "drafting", "fields_map", "limits")
LIMIT_KEYS = ("rate_limit_per_minute", "http_timeout_s")


def _section_schema(section: str) -> Schema | None:
    from integration.domain.analysis import AnalysisSettingsSchema
    from integration.domain.drafting import DraftSettingsSchema
    from integration.domain.policy import PolicySettingsSchema
    return {"analysis": AnalysisSettingsSchema(), "policy": PolicySettingsSchema(),
            "drafting": DraftSettingsSchema()}.get(section)


def _widget(field: fields.Field) -> dict:
    if isinstance(field, fields.Boolean):
        return {"kind": "checkbox"}
    choices = next((v.choices for v in _validators(field) if isinstance(v, validate.OneOf)),
                   None)
    if choices and isinstance(field, fields.String):
        return {"kind": "select", "choices": list(choices), "optional": field.allow_none}
    if isinstance(field, fields.List):
        return {"kind": "lines"}
    if isinstance(field, fields.Dict):
        return {"kind": "json"}
    return {"kind": "text"}


def _validators(field: fields.Field) -> list:
    return list(getattr(field, "validators", []) or [])


def form_fields(section: str) -> list[tuple[str, dict]]:
    if section == "fields_map":
        return [("fields_map", {"kind": "json"})]
    if section == "limits":
        top = InstallationSettingsSchema().fields
        return [(name, _widget(top[name])) for name in LIMIT_KEYS]
    schema = _section_schema(section)
    return [(name, _widget(field)) for name, field in schema.fields.items()]


def shown_value(kind: str, value) -> str | bool:
    if kind == "checkbox":
        return bool(value)
    if value is None:
        return ""
    if kind == "lines":
        return "\n".join(str(v) for v in value)
    if kind == "json":
        return json.dumps(value, indent=2, sort_keys=True) if value else ""
    return str(value)


def _parse(section: str, form) -> tuple[dict, dict]:
    """The section's raw values from the form, and any field that is not even JSON."""
    raw, errors = {}, {}
    for name, widget in form_fields(section):
        given = form.get(name, "")
        kind = widget["kind"]
        if kind == "checkbox":
            raw[name] = name in form
        elif kind == "lines":
            raw[name] = [line.strip() for line in given.splitlines() if line.strip()]
        elif kind == "json":
            try:
                raw[name] = json.loads(given) if given.strip() else {}
            except json.JSONDecodeError as exc:
                errors[name] = [f"not valid JSON: {exc.msg} (line {exc.lineno})"]
        elif given.strip() or not widget.get("optional", True):
            raw[name] = given.strip()
        else:
            raw[name] = None
    return raw, errors


def _merged(current: dict, section: str, raw: dict) -> dict:
    updated = dict(current)
    if section == "limits":
        updated.update({k: v for k, v in raw.items() if v not in (None, "")})
        for key in LIMIT_KEYS:
            if raw.get(key) in (None, ""):
                updated.pop(key, None)
    else:
        updated[section] = raw[section] if section == "fields_map" else raw
    return updated


def _validated(settings: dict) -> dict:
    loaded = InstallationSettingsSchema().load(settings)
    loaded = {k: v for k, v in loaded.items() if v is not None}
    _validate_sections(loaded)
    return loaded


def _field_errors(section: str, messages: dict) -> dict:
    if section in ("limits", "fields_map"):
        return {k: v for k, v in messages.items() if k in (*LIMIT_KEYS, "fields_map")}
    inner = messages.get(section, {})
    return inner if isinstance(inner, dict) else {"_schema": inner}


def _load_row(installation_id: str) -> Installation:
    if not auth.may_see(installation_id):
        abort(404, description="no such installation")
    with database().session() as session:
        row = session.get(Installation, installation_id) or abort(404, "no such installation")
        session.expunge(row)
        return row


@bp.get("/installations/<installation_id>/settings")
@auth.require_session
def settings_page(installation_id: str):
    """The settings editor: one form per section.
    ---
    get:
      tags: [console]
      summary: Settings editor page
      parameters:
      - {in: path, name: installation_id, required: true, schema: {type: string}}
      responses:
        200: {description: HTML page, content: {text/html: {schema: {type: string}}}}
        404: {description: No such installation (or not this session's)}
    """
    row = _load_row(installation_id)
    return _render(row, row.settings or {}, saved=request.args.get("saved"))


def _render(row: Installation, settings: dict, *, saved=None, failed=None, errors=None,
            form_values=None, status: int = 200):
    sections = []
    for section in SECTIONS:
        values = settings if section == "limits" else (
            {"fields_map": settings.get("fields_map")} if section == "fields_map"
            else settings.get(section) or {})
        entries = []
        for name, widget in form_fields(section):
            shown = shown_value(widget["kind"], values.get(name))
            if failed == section and form_values is not None:
                shown = (name in form_values) if widget["kind"] == "checkbox" \
                    else form_values.get(name, shown)
            entries.append({"name": name, **widget, "value": shown,
                            "errors": (errors or {}).get(name, []) if failed == section else []})
        general = (errors or {}).get("_schema") if failed == section else None
        sections.append({"name": section, "fields": entries, "general": general})
    return render_template("console/settings.html", row=row, sections=sections,
                           saved=saved), status


@bp.post("/installations/<installation_id>/settings/<section>")
@auth.require_session
def save_section(installation_id: str, section: str):
    """Save one section; a bad value is shown next to its field (status 400).
    ---
    post:
      tags: [console]
      summary: Save one settings section (form fields named as the section's keys)
      parameters:
      - {in: path, name: installation_id, required: true, schema: {type: string}}
      - {in: path, name: section, required: true,
         schema: {type: string, enum: [analysis, policy, drafting, fields_map, limits]}}
      responses:
        302: {description: Saved; back to the editor}
        400: {description: Invalid value; the page is shown with the schema's messages}
        404: {description: No such installation or section}
    """
    if section not in SECTIONS:
        abort(404, description=f"no settings section {section!r}")
    row = _load_row(installation_id)
    raw, errors = _parse(section, request.form)
    if not errors:
        try:
            loaded = _validated(_merged(row.settings or {}, section, raw))
        except ValidationError as exc:
            errors = _field_errors(section, exc.messages) or {"_schema": [str(exc.messages)]}
    if errors:
        return _render(row, row.settings or {}, failed=section, errors=_flat(errors),
                       form_values=request.form, status=400)
    with database().session() as session:
        session.get(Installation, installation_id).settings = loaded
    return redirect(url_for("console_settings.settings_page", installation_id=installation_id,
                            saved=section))


def _flat(errors: dict) -> dict[str, list[str]]:
    """Nested messages ({"vip_tags": {0: ["…"]}}) as readable lines per field."""
    out = {}
    for name, messages in errors.items():
        out[name] = list(_lines(messages))
    return out


def _lines(messages, where: str = ""):
    if isinstance(messages, dict):
        for key, inner in messages.items():
            yield from _lines(inner, f"{where}{key}: " if key != "value" else where)
    elif isinstance(messages, list):
        for item in messages:
            yield from _lines(item, where)
    else:
        yield f"{where}{messages}"
