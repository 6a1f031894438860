"""Intercom's app-level endpoints besides webhooks: the uninstall notification.

When a workspace removes the app, Intercom POSTs `{"app_id": …}` to the
Uninstall URL set in the Developer Hub, signed like notifications
(X-Hub-Signature, the app's client secret). The token is already dead on
Intercom's side, so we delete ours at once without a revoke call; events and
enrichments follow after the grace period. Forged → 401 and nothing changes.
"""
from __future__ import annotations

import logging

from flask import Blueprint, request
from marshmallow import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from connectors.errors import PayloadError, WebhookError
from connectors.intercom import webhook
from connectors.intercom.schemas import UninstallSchema
from integration.logs import fields
from integration.pipeline import uninstall
from integration.runtime import database, keyring, settings
from integration.store import installations
from integration.web import bodies

bp = Blueprint("intercom_app", __name__)
log = logging.getLogger("tactful.intercom")


@bp.post("/intercom/uninstall")
def uninstalled():
    """Intercom's uninstall notification (X-Hub-Signature with the client secret).
    ---
    post:
      tags: [helpdesk apps]
      summary: Intercom workspace removed the app
      requestBody:
        content: {application/json: {schema: {type: object, properties: {app_id: {type: string}}}}}
      responses:
        200:
          description: Uninstalled or ignored
          content: {application/json: {schema: StatusSchema}}
        400: {$ref: '#/components/responses/Error'}
        401: {$ref: '#/components/responses/Error'}
        503: {$ref: '#/components/responses/Error'}
    """
    raw = request.get_data(cache=True)
    try:
        webhook.verify_signature(request.headers, raw, settings().intercom_client_secret)
        workspace = _workspace_of(raw)
    except WebhookError as exc:
        log.info(f"intercom.uninstall.{exc.code}", extra=fields(status=exc.status))
        return {"error": exc.code, "reason": exc.reason}, exc.status
    try:
        installation_id = _active_installation(workspace)
        if installation_id is None:
            log.info("intercom.uninstall.unknown-workspace")
            return {"status": "ignored", "reason": "unknown workspace"}, 200
        # Intercom revoked the token itself when the workspace uninstalled us.
        uninstall.uninstall(database(), keyring(), installation_id, revoke=False)
    except SQLAlchemyError:
        log.error("intercom.uninstall.database-unavailable")
        return {"error": "database-unavailable",
                "reason": "the store is unreachable; nothing was changed, please retry"}, 503
    log.info("intercom.uninstall.done", extra=fields(installation=installation_id))
    return {"status": "uninstalled"}, 200


def _workspace_of(raw: bytes) -> str:
    payload = bodies.json_object(raw, mimetype=request.mimetype or None)
    try:
        workspace = UninstallSchema().load(payload)["app_id"]
    except ValidationError as exc:
        raise PayloadError(f"uninstall notification: {exc.messages}") from None
    if not workspace:
        raise PayloadError("uninstall notification names no app_id")
    return workspace


def _active_installation(workspace: str) -> str | None:
    with database().session() as session:
        row = installations.find_by_account(session, "intercom", workspace)
        if row is None or row.status == installations.UNINSTALLED:
            return None
        return row.id

