"""Admin API for memory and foresight: customers (list, show, forget), recommendations,
knowledge refresh. Bearer-token protected like the rest of /api/admin."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, request
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from integration.pipeline import memory, routing_learn
from integration.runtime import database
from integration.store import customers
from integration.store.models import Installation
from integration.web.admin import require_admin_token

bp = Blueprint("admin_memory", __name__, url_prefix="/api/admin/installations/<installation_id>")
bp.before_request(require_admin_token)


class RecommendSchema(Schema):
    class Meta:
        unknown = RAISE

    text = fields.Str(required=True, validate=validate.Length(min=1, max=20_000))


def _settings_or_404(installation_id: str) -> dict:
    with database().session() as session:
        row = session.get(Installation, installation_id) or abort(404, "no such installation")
        return dict(row.settings or {})


@bp.get("/customers")
def list_customers(installation_id: str):
    """Customers with their signals (contacts, repeat topics, trend, at-risk).
    ---
    get:
      tags: [admin]
      summary: Customers with their signals (contacts, repeat topics, trend, at-risk)
      security: [{adminToken: []}]
      parameters:
      - {in: query, name: at_risk, schema: {type: boolean, default: false}}
      responses:
        200: {description: '{"customers": [...]}'}
        400: {$ref: '#/components/responses/Error'}
        401: {$ref: '#/components/responses/Error'}
        404: {$ref: '#/components/responses/Error'}
    """
    at_risk = request.args.get("at_risk", "false").lower()
    if at_risk not in ("true", "false"):
        return {"error": "invalid-request", "reason": "at_risk must be true or false"}, 400
    found = memory.list_customers(database(), installation_id, _settings_or_404(installation_id),
                                  at_risk_only=at_risk == "true")
    return {"customers": found}


@bp.get("/customers/<requester_id>")
def show_customer(installation_id: str, requester_id: str):
    """One customer's signals and timeline (labels only, never text).
    ---
    get:
      tags: [admin]
      summary: One customer's signals and timeline (labels only, never text)
      security: [{adminToken: []}]
      responses:
        200: {description: The customer's signals and timeline}
        401: {$ref: '#/components/responses/Error'}
        404: {$ref: '#/components/responses/Error'}
    """
    summary = memory.customer_summary(database(), installation_id, requester_id,
                                      _settings_or_404(installation_id), with_timeline=True)
    if summary is None:
        return {"error": "not-found", "reason": "no memory of this requester"}, 404
    return summary


@bp.delete("/customers/<requester_id>")
def forget_customer(installation_id: str, requester_id: str):
    """Erase everything held about one requester (data-subject deletion).
    ---
    delete:
      tags: [admin]
      summary: Erase everything held about one requester (data-subject deletion)
      security: [{adminToken: []}]
      responses:
        200: {description: What was deleted, per kind}
        401: {$ref: '#/components/responses/Error'}
        404: {$ref: '#/components/responses/Error'}
    """
    _settings_or_404(installation_id)
    return {"forgotten": requester_id,
            "deleted": customers.forget(database(), installation_id, requester_id)}


@bp.post("/recommend")
def recommend(installation_id: str):
    """Top knowledge items (articles, macros) for a text.
    ---
    post:
      tags: [admin]
      summary: Top knowledge items (articles, macros) for a text
      security: [{adminToken: []}]
      requestBody:
        required: true
        content: {application/json: {schema: RecommendSchema}}
      responses:
        200: {description: '{"recommendations": [...]}'}
        400: {$ref: '#/components/responses/Error'}
        401: {$ref: '#/components/responses/Error'}
        404: {$ref: '#/components/responses/Error'}
    """
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return {"error": "invalid-request", "reason": "body must be a JSON object"}, 400
    try:
        loaded = RecommendSchema().load(body)
    except ValidationError as exc:
        return {"error": "invalid-request", "reasons": exc.messages}, 400
    _settings_or_404(installation_id)
    return {"recommendations": memory.recommend_for(database(), installation_id,
                                                    loaded["text"])}


@bp.post("/knowledge/refresh")
def refresh_knowledge(installation_id: str):
    """Queue a refresh of the installation's knowledge index.
    ---
    post:
      tags: [admin]
      summary: Queue a refresh of the installation's knowledge index
      security: [{adminToken: []}]
      responses:
        202: {description: Queued}
        401: {$ref: '#/components/responses/Error'}
        404: {$ref: '#/components/responses/Error'}
    """
    _settings_or_404(installation_id)
    current_app.extensions["celery"].send_task("tactful.knowledge.refresh",
                                               args=[installation_id])
    return {"status": "queued", "installation_id": installation_id}, 202


@bp.post("/routing/accept")
def accept_routing(installation_id: str):
    """Add learned routing rules to the installation's routing.rules.
    ---
    post:
      tags: [admin]
      summary: Add learned routing rules (from `tactful routing suggest`) to routing.rules
      security: [{adminToken: []}]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [rules]
              properties:
                rules:
                  type: array
                  items: {type: object, required: [when, group]}
      responses:
        200: {description: '{"routing": {"mode": ..., "rules": [...]}}'}
        400: {$ref: '#/components/responses/Error'}
        401: {$ref: '#/components/responses/Error'}
        404: {$ref: '#/components/responses/Error'}
    """
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or set(body) != {"rules"}:
        return {"error": "invalid-request",
                "reason": 'body must be a JSON object with one key, "rules"'}, 400
    try:
        section = routing_learn.accept(database(), installation_id, body["rules"])
    except ValidationError as exc:
        return {"error": "invalid-rules", "reasons": exc.messages}, 400
    except LookupError:
        return {"error": "not-found", "reason": "no such installation"}, 404
    return {"routing": section}
