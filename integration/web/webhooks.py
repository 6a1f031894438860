"""Webhook receivers, one policy for every helpdesk.

Fixed order: installation known → body size → signature over the raw bytes →
parse and validate → tenant check → deduplicate + store + commit → hand off → 202.
Nothing is stored before the signature passes. A genuine event we do not handle
gets 200 so the vendor neither retries nor disables us.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, request
from sqlalchemy.exc import SQLAlchemyError

from connectors import registry
from connectors.errors import SignatureError, WebhookError
from integration.logs import fields
from integration.pipeline import handoff, inbox
from integration.pipeline.publisher import publisher_for
from integration.runtime import database, keyring, settings
from integration.store import installations
from integration.web import bodies

bp = Blueprint("webhooks", __name__)
log = logging.getLogger("tactful.webhook")


@bp.before_request
def refuse_oversized_bodies():
    """413 from the Content-Length alone: a huge body is never read, nor a database hit."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is not None and request.content_length > limit:
        return _error(413, "too-large", f"request body exceeds {limit} bytes")
    return None


def _error(status: int, code: str, reason: str):
    return {"error": code, "reason": reason}, status


@bp.post("/webhooks/<provider>/<installation_id>")
def receive(provider: str, installation_id: str):
    """A helpdesk event for one installation (Zendesk, Freshdesk), signed with its secret.
    ---
    post:
      tags: [webhooks]
      summary: Receive a Zendesk or Freshdesk event
      description: The body is the vendor's payload (see docs/http-api.md); it is verified
        over the raw bytes, stored, and queued.
      requestBody:
        content: {application/json: {schema: {type: object}}}
      responses:
        202: {$ref: '#/components/responses/WebhookAccepted'}
        200: {$ref: '#/components/responses/WebhookNotQueued'}
        400: {$ref: '#/components/responses/Error'}
        401: {$ref: '#/components/responses/Error'}
        403: {$ref: '#/components/responses/Error'}
        404: {$ref: '#/components/responses/Error'}
        413: {$ref: '#/components/responses/Error'}
        503: {$ref: '#/components/responses/Error'}
    """
    connector = _connector_or_404(provider)
    if getattr(connector, "app_level_webhooks", False):
        return _error(404, "not-found", f"{provider} webhooks use /webhooks/{provider}")
    cache = _context_cache()
    try:
        ctx, cached = cache.get(installation_id), True
        if ctx is None:
            ctx, cached = _load_context(installation_id), False
        if ctx is None or ctx.provider != provider:
            log.info("webhook.unknown-installation", extra=fields(provider=provider))
            return _error(404, "unknown-installation", "no active installation with this id")
        raw = request.get_data(cache=True)
        ctx = _verified(connector, ctx, cached, raw)
        payload = _parse_json(raw)
    except WebhookError as exc:
        return _rejected(connector.key, exc)
    except SQLAlchemyError:
        return _database_down()
    return _store_and_hand_off(connector, ctx, payload)


def _verified(connector, ctx, cached: bool, raw: bytes):
    """Verify against the cached context; on failure reload once (the secret may have rotated)."""
    try:
        connector.verify(request.headers, raw, ctx, datetime.now(UTC))
        return ctx
    except SignatureError:
        if not cached:
            raise
    fresh = _load_context(ctx.id)
    if fresh is None:
        raise SignatureError("installation is no longer active")
    connector.verify(request.headers, raw, fresh, datetime.now(UTC))
    return fresh


def _load_context(installation_id: str):
    row = installations.fetch_row(database(), installation_id)
    ctx = installations.context_of(row, keyring()) \
        if row is not None and row.status != installations.UNINSTALLED else None
    cache = _context_cache()
    if ctx is None:
        cache.forget(installation_id)
    else:
        cache.put(ctx)
    return ctx


def _context_cache() -> installations.ContextCache:
    return current_app.extensions.setdefault("tactful.installation_cache",
                                             installations.ContextCache())


@bp.post("/webhooks/<provider>")
def receive_app_level(provider: str):
    """App-level webhooks (one URL for every workspace): the connector resolves the account.
    ---
    post:
      tags: [webhooks]
      summary: Receive an Intercom notification (signed with the app's client secret)
      requestBody:
        content: {application/json: {schema: {type: object}}}
      responses:
        202: {$ref: '#/components/responses/WebhookAccepted'}
        200: {$ref: '#/components/responses/WebhookNotQueued'}
        400: {$ref: '#/components/responses/Error'}
        401: {$ref: '#/components/responses/Error'}
        404: {$ref: '#/components/responses/Error'}
        503: {$ref: '#/components/responses/Error'}
    """
    connector = _connector_or_404(provider)
    if not getattr(connector, "app_level_webhooks", False):
        return _error(404, "not-found", f"{provider} webhooks need an installation id in the URL")
    raw = request.get_data(cache=True)
    try:
        connector.verify_app(request.headers, raw, settings())
        payload = _parse_json(raw)
        account = connector.account_of(payload)
        with database().session() as session:
            row = installations.find_by_account(session, provider, account) if account else None
            ctx = installations.context_of(row, keyring()) \
                if row is not None and row.status != installations.UNINSTALLED else None
    except WebhookError as exc:
        return _rejected(provider, exc)
    except SQLAlchemyError:
        return _database_down()
    if ctx is None:
        # Signed by the vendor but for a workspace we do not know (uninstalled, or
        # never finished installing): an error would make the vendor retry and pause us.
        log.info("webhook.unknown-workspace", extra=fields(provider=provider))
        return {"status": "ignored", "reason": "unknown workspace"}, 200
    return _store_and_hand_off(connector, ctx, payload)


def _store_and_hand_off(connector, ctx, payload):
    try:
        event = connector.parse_event(payload)
    except WebhookError as exc:
        return _rejected(connector.key, exc)
    if event is None:
        log.info("webhook.ignored", extra=fields(provider=connector.key, installation=ctx.id))
        return {"status": "ignored"}, 200
    if event.account and str(event.account) != str(ctx.account):
        log.warning("webhook.account-mismatch", extra=fields(provider=connector.key,
                                                             installation=ctx.id))
        return _error(403, "account-mismatch",
                      "the payload names an account other than this installation's")
    try:
        accepted = inbox.accept(database(), ctx.id, event, payload)
    except inbox.Unstorable as exc:
        log.info("webhook.unstorable", extra=fields(provider=connector.key, installation=ctx.id))
        return _error(400, "invalid-payload", str(exc))
    except SQLAlchemyError:
        return _database_down()
    if not accepted.duplicate:
        _hand_off(accepted.event_id)
    log.info("webhook.accepted", extra=fields(provider=connector.key, installation=ctx.id,
                                              event_id=accepted.event_id,
                                              duplicate=accepted.duplicate))
    status = "duplicate" if accepted.duplicate else "accepted"
    code = 200 if accepted.duplicate else getattr(connector, "accepted_status", 202)
    return {"status": status, "event_id": accepted.event_id}, code


def _hand_off(event_id: int) -> None:
    mode = settings().handoff
    if mode == "inline":
        # Through the dispatcher like every other path, so the per-installation cap holds.
        handoff.trigger_dispatch(current_app.extensions["celery"])
    elif mode == "background":
        publisher_for(current_app).submit(event_id)
    # "relay": a separate `tactful relay` process publishes committed rows in batches,
    # so the web process does no broker work at all.


def _parse_json(raw: bytes) -> dict:
    return bodies.json_object(raw, mimetype=request.mimetype or None)


def _connector_or_404(provider: str):
    try:
        return registry.get(provider)
    except registry.UnknownProvider:
        abort(404, description=f"unknown provider {provider!r}")


def _rejected(provider: str, exc: WebhookError):
    log.info(f"webhook.{exc.code}", extra=fields(provider=provider, status=exc.status))
    return _error(exc.status, exc.code, exc.reason)


def _database_down():
    log.error("webhook.database-unavailable")
    return _error(503, "database-unavailable",
                  "the event store is unreachable; nothing was stored, please retry")


