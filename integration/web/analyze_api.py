"""POST /api/analyze: the same object `tactful analyze` prints, over HTTP."""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from marshmallow import Schema, ValidationError, fields, validate

from integration.domain.analysis.report import analysis_record
from integration.domain.analysis.settings import resolve_settings

MAX_TEXT_CHARS = 20_000
# Bodies beyond this cannot hold a valid request; refuse before parsing them.
MAX_BODY_BYTES = 4 * MAX_TEXT_CHARS + 64_000

bp = Blueprint("analyze_api", __name__)


class AnalyzeRequestSchema(Schema):
    text = fields.Str(required=True, validate=validate.Length(min=1))
    name = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=200))
    settings = fields.Dict(load_default=None, allow_none=True)
    draft = fields.Bool(load_default=False)


def _too_large(reason: str):
    return jsonify({"error": "too-large", "reason": reason}), 413


def _invalid(reasons):
    return jsonify({"error": "invalid-request", "reasons": reasons}), 400


@bp.post("/api/analyze")
def analyze_message():
    """Analysis (and optionally a draft) of one text.
    ---
    post:
      tags: [analyze]
      summary: Analyse one message
      requestBody:
        required: true
        content: {application/json: {schema: AnalyzeRequestSchema}}
      responses:
        200:
          description: The analysis record
          content: {application/json: {schema: AnalysisRecordSchema}}
        400: {$ref: '#/components/responses/Error'}
        413: {$ref: '#/components/responses/Error'}
    """
    if (request.content_length or 0) > MAX_BODY_BYTES:
        return _too_large(f"body over {MAX_BODY_BYTES} bytes")
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return _invalid({"_schema": ["body must be a JSON object"]})
    text = payload.get("text")
    if isinstance(text, str) and len(text) > MAX_TEXT_CHARS:
        return _too_large(f"text over {MAX_TEXT_CHARS} characters")
    try:
        data = AnalyzeRequestSchema().load(payload)
    except ValidationError as exc:
        return _invalid(exc.messages)
    try:
        resolve_settings(data["settings"])
    except ValidationError as exc:
        return _invalid({"settings": exc.messages})
    record = analysis_record(data["text"], settings=data["settings"], name=data["name"],
                             draft=data["draft"])
    return jsonify(record)
