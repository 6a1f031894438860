"""Registration endpoints for the Freshdesk marketplace app (manifest/freshdesk).

onAppInstall sends the account's domain and API key (a secure iparam, filled
into the request template by the Freshworks platform, never seen by a browser).
We accept them only after Freshdesk itself confirms the key on that domain, and
only ever call https://<domain>.freshdesk.com: the caller cannot point us at
another host. The answer carries the per-installation secret the app signs its
events with; it travels once, over TLS, to the app's server-side storage.

onAppUninstall is signed with that secret, exactly like the app's events.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime

from flask import Blueprint, request

from connectors.errors import WebhookError
from connectors.freshdesk import CONNECTOR
from integration.installers.freshdesk import InstallError, install
from integration.logs import fields
from integration.pipeline import uninstall
from integration.runtime import database, keyring, settings
from integration.store import feedback, installations

bp = Blueprint("freshdesk_app", __name__, url_prefix="/apps/freshdesk")
log = logging.getLogger("tactful.freshdesk_app")
API_KEY_HEADER = "X-Freshdesk-Api-Key"


def _error(status: int, code: str, reason: str):
    return {"error": code, "reason": reason}, status


@bp.post("/install")
def register():
    api_key = request.headers.get(API_KEY_HEADER, "").strip()
    body = request.get_json(silent=True)
    domain = body.get("domain") if isinstance(body, dict) else None
    if not api_key or not isinstance(domain, str) or not domain.strip():
        return _error(400, "invalid-request",
                      f"send the {API_KEY_HEADER} header and a JSON body with \"domain\"")
    try:
        # No api_base override here: the key is only ever sent to Freshdesk itself.
        done = install(database(), keyring(), settings().public_url, domain=domain,
                       api_key=api_key, provision=False)
    except InstallError as exc:
        rejected = "rejected the API key" in str(exc)
        log.info("freshdesk_app.install-refused", extra=fields(rejected_key=rejected))
        return _error(401 if rejected else 400, "install-refused", str(exc))
    log.info("freshdesk_app.installed", extra=fields(installation=done.installation_id))
    with database().session() as session:
        # The app's sidebar signs its calls with this (kept server-side, like the other).
        row = session.get(installations.Installation, done.installation_id)
        sidebar_secret = feedback.sidebar_secret(session, keyring(), row, rotate=True)
    return {"installation_id": done.installation_id, "webhook_url": done.webhook_url,
            "webhook_secret": done.webhook_secret, "sidebar_secret": sidebar_secret,
            "account": done.account}, 201


@bp.post("/<installation_id>/uninstall")
def unregister(installation_id: str):
    with database().session() as session:
        row = session.get(installations.Installation, installation_id)
        ctx = installations.context_of(row, keyring()) \
            if row is not None and row.status != installations.UNINSTALLED else None
    if ctx is None or ctx.provider != CONNECTOR.key:
        return _error(404, "unknown-installation", "no active Freshdesk installation with this id")
    try:
        CONNECTOR.verify(request.headers, request.get_data(cache=True), ctx, datetime.now(UTC))
    except WebhookError as exc:
        log.info("freshdesk_app.uninstall-refused", extra=fields(installation=installation_id))
        return _error(exc.status, exc.code, exc.reason)
    # revoke=True also removes any automation rules an earlier CLI install created.
    uninstall.uninstall(database(), keyring(), installation_id, revoke=True)
    return {"status": "uninstalled", "installation_id": installation_id}, 200

