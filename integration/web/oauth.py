"""OAuth install, generic over providers: /oauth/<provider>/start and /oauth/<provider>/callback.

Per-provider facts come from the `OAUTH` descriptor its connector module
exports (connectors.base.OAuthDescriptor); the last step (verify, store,
provision) is `integration.installers.<provider>.install`. Authorization code
with PKCE (S256) and a one-time `state` kept in the database: the callback
deletes the state row and only the request whose DELETE removed it continues,
so a replayed or raced callback gets 400 and stores nothing.
"""
from __future__ import annotations

import importlib
import logging
import re
import secrets
from datetime import timedelta
from urllib.parse import quote_plus

import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from flask import Blueprint, abort, current_app, redirect, request
from sqlalchemy import delete, func, select

from connectors import registry
from connectors.base import OAuthDescriptor
from connectors.errors import ConnectorError
from integration.logs import fields
from integration.runtime import database, keyring, settings
from integration.store.models import OAuthState, utcnow
from integration.web import throttle

bp = Blueprint("oauth", __name__, url_prefix="/oauth")
log = logging.getLogger("tactful.oauth")
STATE_TTL = timedelta(minutes=10)
TOKEN_TIMEOUT_S = (3.05, 10.0)
# /start is anonymous and writes a row: a budget per client address, and a ceiling on
# unexpired states in all (far above real installs, which take one each for minutes).
STARTS_PER_ADDRESS_PER_MINUTE = 20
MAX_PENDING_STATES = 1_000


def _error(status: int, code: str, reason: str):
    return {"error": code, "reason": reason}, status


def descriptor_of(provider: str) -> OAuthDescriptor:
    path = registry.PROVIDERS.get(provider)
    try:
        descriptor = getattr(importlib.import_module(path), "OAUTH", None) if path else None
    except ModuleNotFoundError:
        descriptor = None
    if descriptor is None:
        abort(404, description=f"{provider!r} has no OAuth install")
    return descriptor


def client_credentials(provider: str) -> tuple[str, str]:
    config = settings()
    client_id = getattr(config, f"{provider}_client_id", "")
    client_secret = getattr(config, f"{provider}_client_secret", "")
    if not client_id or not client_secret:
        abort(503, description=f"OAuth for {provider} is not configured: set "
                               f"{provider.upper()}_CLIENT_ID and {provider.upper()}_CLIENT_SECRET")
    return client_id, client_secret


def api_base_of(descriptor: OAuthDescriptor, account: str) -> str:
    """The account's API base; a setting (<PROVIDER>_API_BASE, never the request) may
    point it at the sandbox or a proxy."""
    override = getattr(settings(), f"{descriptor.provider}_api_base", "")
    return (override or descriptor.api_base).format(account=account).rstrip("/")


def _redirect_uri(provider: str) -> str:
    # Exact, fixed, and ours: never taken from the request (no open redirector).
    return f"{settings().public_url}/oauth/{provider}/callback"


@bp.get("/<provider>/start")
def start(provider: str):
    """Begin an OAuth install: redirect to the vendor's consent page.
    ---
    get:
      tags: [oauth]
      summary: Begin an OAuth install (Zendesk needs ?subdomain=)
      parameters:
      - {in: query, name: subdomain, schema: {type: string}, description: Zendesk only}
      responses:
        302: {description: Redirect to the vendor's authorization page}
        400: {$ref: '#/components/responses/Error'}
        404: {$ref: '#/components/responses/Error'}
        503: {$ref: '#/components/responses/Error'}
    """
    descriptor = descriptor_of(provider)
    # No account parameter: the vendor names the account after the token exchange.
    account = request.args.get(descriptor.account_param, "").strip().lower() \
        if descriptor.account_param else None
    if account is not None and not re.fullmatch(descriptor.account_pattern, account):
        return _error(400, "invalid-account",
                      f"?{descriptor.account_param}= must name the account to install")
    client_id, _secret = client_credentials(provider)
    refused = refuse_flood()
    if refused is not None:
        return refused
    state, verifier = secrets.token_urlsafe(32), generate_token(64)
    redirect_uri = _redirect_uri(provider)
    with database().session() as session:
        session.add(OAuthState(state=state, provider=provider, account=account,
                               code_verifier_encrypted=keyring().encrypt_json(verifier),
                               redirect_uri=redirect_uri, expires_at=utcnow() + STATE_TTL))
    base = api_base_of(descriptor, account or "")
    with OAuth2Session(client_id, scope=" ".join(descriptor.scopes) or None,
                       redirect_uri=redirect_uri,
                       code_challenge_method="S256" if descriptor.pkce else None) as client:
        url, _ = client.create_authorization_url(
            descriptor.authorize_url.format(base=base, account=account), state=state,
            code_verifier=verifier if descriptor.pkce else None)
    log.info("oauth.started", extra=fields(provider=provider))
    return redirect(url)


def refuse_flood():
    """429 when this address started too many installs, or too many are pending."""
    wait = throttle.wait_for("oauth-start", throttle.client_address(),
                             STARTS_PER_ADDRESS_PER_MINUTE)
    if wait > 0:
        log.warning("oauth.start-throttled")
        return throttle.too_many(wait, "too many installs started from this address")
    with database().session() as session:
        now = utcnow()
        pending = session.scalar(select(func.count()).select_from(OAuthState)
                                 .where(OAuthState.expires_at >= now))
        if pending >= MAX_PENDING_STATES:
            # Expired rows are useless; drop them here too, not only at retention.
            session.execute(delete(OAuthState).where(OAuthState.expires_at < now))
            log.warning("oauth.too-many-pending", extra=fields(pending=pending))
            return throttle.too_many(STATE_TTL.total_seconds(),
                                     "too many installs are in progress; try again later")
    return None


def take_state(provider: str, state: str) -> OAuthState | None:
    """Read and delete the state in one transaction; None unless this call deleted it."""
    with database().session() as session:
        row = session.scalar(select(OAuthState).where(OAuthState.state == state,
                                                      OAuthState.provider == provider))
        if row is None:
            return None
        deleted = session.execute(delete(OAuthState).where(OAuthState.state == state,
                                                           OAuthState.provider == provider))
        return row if deleted.rowcount == 1 else None


@bp.get("/<provider>/callback")
def callback(provider: str):
    """Finish an OAuth install: exchange the code, store, provision.
    ---
    get:
      tags: [oauth]
      summary: Finish an OAuth install
      parameters:
      - {in: query, name: code, schema: {type: string}}
      - {in: query, name: state, required: true, schema: {type: string}}
      - {in: query, name: error, schema: {type: string}}
      responses:
        201: {description: Installed, content: {application/json: {schema: InstalledSchema}}}
        302: {description: Redirect to the vendor's success or failure page}
        400: {$ref: '#/components/responses/Error'}
        404: {$ref: '#/components/responses/Error'}
        502: {$ref: '#/components/responses/Error'}
        503: {$ref: '#/components/responses/Error'}
    """
    descriptor = descriptor_of(provider)
    state = request.args.get("state", "")
    pending = take_state(provider, state) if state else None
    if request.args.get("error"):
        return _error(400, "authorization-denied",
                      f"{provider} answered {request.args['error'][:80]!r}")
    if not state:
        return _error(400, "missing-state", "the callback has no state parameter")
    if pending is None:
        log.warning("oauth.bad-state", extra=fields(provider=provider))
        return _error(400, "invalid-state", "unknown or already used state; start again")
    if pending.expires_at < utcnow():
        return _error(400, "expired-state", "the install took over 10 minutes; start again")
    if not request.args.get("code"):
        return _error(400, "missing-code", "the callback has no authorization code")
    return _finish(descriptor, pending, request.args["code"])


def exchange_code(descriptor: OAuthDescriptor, pending: OAuthState, code: str) -> dict:
    """Trade the code (with the state's PKCE verifier) for a token. Raises OAuthError,
    requests.RequestException or ValueError; the console's sign-in reuses it."""
    client_id, client_secret = client_credentials(descriptor.provider)
    account = pending.account
    base = api_base_of(descriptor, account or "")
    verifier = keyring().decrypt_json(pending.code_verifier_encrypted) \
        if pending.code_verifier_encrypted else None
    with OAuth2Session(client_id, client_secret, redirect_uri=pending.redirect_uri,
                       token_endpoint_auth_method="client_secret_post") as client:
        token = client.fetch_token(descriptor.token_url.format(base=base, account=account),
                                   code=code, code_verifier=verifier, timeout=TOKEN_TIMEOUT_S)
    if not token.get("access_token"):
        # A refusal without an OAuth `error` key (Intercom answers 401 + error.list).
        raise ValueError("the token answer has no access_token")
    return dict(token)


def _finish(descriptor: OAuthDescriptor, pending: OAuthState, code: str):
    provider, account = descriptor.provider, pending.account
    client_id, _secret = client_credentials(provider)
    base = api_base_of(descriptor, account or "")
    try:
        token = exchange_code(descriptor, pending, code)
    except (OAuthError, requests.RequestException, ValueError) as exc:
        log.warning("oauth.token-exchange-failed",
                    extra=fields(provider=provider, error=type(exc).__name__))
        return _failed(descriptor, "token-exchange-failed",
                       f"{provider} did not exchange the code ({type(exc).__name__})")
    installer = importlib.import_module(f"integration.installers.{provider}")
    try:
        report = installer.install(current_app, account=account, api_base=base,
                                   credentials=credentials_from_token(token, client_id))
    except ConnectorError as exc:
        log.warning("oauth.install-failed", extra=fields(provider=provider,
                                                         error=type(exc).__name__))
        return _failed(descriptor, "install-failed", f"{provider} refused a setup call "
                       f"({type(exc).__name__}); start the install again")
    log.info("oauth.installed", extra=fields(provider=provider,
                                             installation=report.installation_id))
    if descriptor.success_redirect:
        return redirect(descriptor.success_redirect)
    return {"status": "installed", "provider": provider,
            "installation_id": report.installation_id, "webhook_url": report.webhook_url,
            "created": list(report.created)}, 201


def _failed(descriptor: OAuthDescriptor, code: str, reason: str):
    """502 with the reason, or the vendor's own failure page when it has one."""
    if descriptor.failure_redirect:
        return redirect(descriptor.failure_redirect.format(reason=quote_plus(reason[:200])))
    return _error(502, code, reason)


def credentials_from_token(token: dict, client_id: str) -> dict:
    kept = {key: token.get(key) for key in ("access_token", "refresh_token", "token_type",
                                             "scope", "expires_at")}
    return {**{k: v for k, v in kept.items() if v is not None}, "client_id": client_id}
