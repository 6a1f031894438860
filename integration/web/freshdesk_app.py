"""Registration endpoints for the Freshdesk marketplace app (manifest/freshdesk).

onAppInstall sends the account's domain and API key (a secure iparam, filled
into the request template by the Freshworks platform, never seen by a browser).
We only ever call https://<domain>.freshdesk.com: the caller cannot point us at
another host. Registering must prove who is asking, because the answer carries
the per-installation secret and a re-registration changes whose key we write with:

- signed with the installation's current webhook secret (X-Tactful-Signature over
  timestamp + body, as the app signs its events): the installed app itself, which
  keeps that secret in its server-side storage;
- otherwise the key must be an account administrator's (Freshdesk confirms the
  agent and its roles). A first install always comes this way.

Re-registering keeps the webhook secret (the app and any automation rules hold it)
and only replaces the key and the loop guard's agent. An unproven caller gets 403
and learns nothing.

onAppUninstall is signed with that secret, exactly like the app's events.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime

from flask import Blueprint, request

from connectors.errors import PayloadError, WebhookError
from connectors.freshdesk import CONNECTOR
from connectors.freshdesk.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER
from integration.installers.freshdesk import InstallError, account_and_base, register
from integration.logs import fields
from integration.pipeline import uninstall
from integration.runtime import database, keyring, settings
from integration.store import feedback, installations
from integration.web import bodies

bp = Blueprint("freshdesk_app", __name__, url_prefix="/apps/freshdesk")
log = logging.getLogger("tactful.freshdesk_app")
API_KEY_HEADER = "X-Freshdesk-Api-Key"


def _error(status: int, code: str, reason: str):
    return {"error": code, "reason": reason}, status


@bp.post("/install")
def register_installation():
    """The Freshdesk app's onAppInstall: register the account (key checked with Freshdesk).
    ---
    post:
      tags: [helpdesk apps]
      summary: Register a Freshdesk account (header X-Freshdesk-Api-Key)
      parameters:
      - {in: header, name: X-Freshdesk-Api-Key, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: FreshdeskDomainSchema}}
      responses:
        201:
          description: Registered
          content: {application/json: {schema: FreshdeskRegisteredSchema}}
        400: {$ref: '#/components/responses/Error'}
        401: {$ref: '#/components/responses/Error'}
    """
    api_key = request.headers.get(API_KEY_HEADER, "").strip()
    raw = request.get_data(cache=True)
    try:
        body = bodies.json_object(raw, mimetype=request.mimetype or None)
    except PayloadError as exc:
        return _error(400, "invalid-request", exc.reason)
    domain = body.get("domain")
    if not api_key or not isinstance(domain, str) or not domain.strip():
        return _error(400, "invalid-request",
                      f"send the {API_KEY_HEADER} header and a JSON body with \"domain\"")
    try:
        account, _base = account_and_base(domain, None)
        current = _active_installation(account)
        app_proven = _signed_by_app(raw, current)
        # No api_base override here: the key is only ever sent to Freshdesk itself.
        done = register(database(), keyring(), settings().public_url, domain=domain,
                        api_key=api_key, current=current, app_proven=app_proven)
    except WebhookError as exc:
        log.info("freshdesk_app.install-bad-signature")
        return _error(exc.status, exc.code, exc.reason)
    except InstallError as exc:
        log.info("freshdesk_app.install-refused", extra=fields(status=exc.status))
        return _error(exc.status, "install-refused", str(exc))
    log.info("freshdesk_app.installed", extra=fields(installation=done.installation_id))
    with database().session() as session:
        # The app's sidebar signs its calls with this (kept server-side, like the other).
        row = session.get(installations.Installation, done.installation_id)
        sidebar_secret = feedback.sidebar_secret(session, keyring(), row, rotate=True)
    return {"installation_id": done.installation_id, "webhook_url": done.webhook_url,
            "webhook_secret": done.webhook_secret, "sidebar_secret": sidebar_secret,
            "account": done.account}, \
        200 if current is not None else 201


def _active_installation(account: str):
    with database().session() as session:
        row = installations.find_by_account(session, CONNECTOR.key, account)
        if row is None or row.status == installations.UNINSTALLED:
            return None
        return installations.context_of(row, keyring())


def _signed_by_app(raw: bytes, current) -> bool:
    """True for a request signed with the installation's secret; SignatureError for a
    bad signature (a guess must not fall back to the admin check silently)."""
    if not (request.headers.get(SIGNATURE_HEADER) or request.headers.get(TIMESTAMP_HEADER)):
        return False
    if current is None:
        raise PayloadError("a signed registration names an account that is not installed")
    CONNECTOR.verify(request.headers, raw, current, datetime.now(UTC))
    return True


@bp.post("/<installation_id>/uninstall")
def unregister(installation_id: str):
    """The Freshdesk app's onAppUninstall, signed with the installation's secret.
    ---
    post:
      tags: [helpdesk apps]
      summary: Uninstall a Freshdesk installation
      requestBody:
        content: {application/json: {schema: {type: object}}}
      responses:
        200: {description: Uninstalled, content: {application/json: {schema: StatusSchema}}}
        401: {$ref: '#/components/responses/Error'}
        404: {$ref: '#/components/responses/Error'}
    """
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

