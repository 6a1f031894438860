"""Who is calling the sidebar API: one installation, proven with its helpdesk's own mechanism.

- Zendesk: a ZAF secure request carries `Authorization: Bearer <JWT>`, HS256-signed by
  Zendesk's proxy with the app's secure `shared_secret` setting (the installation's sidebar
  secret, made by Tactful). `iss` names the account (subdomain), `aud` is our public URL,
  `exp` is required; `sub` is the agent.
- Freshdesk: the app's serverless function signs each call with the installation's sidebar
  secret (kept in the app's server-side storage, never in the browser):
  `X-Tactful-Signature` = hex HMAC-SHA256 of "timestamp\\nMETHOD\\npath\\nbody", with
  `X-Tactful-Installation` and `X-Tactful-Timestamp` (five minutes either way).
- Intercom: Canvas Kit signs the raw body with the app's client secret (`X-Body-Signature`,
  hex HMAC-SHA256); the body's `workspace_id` names the installation.

Every failure is 401 with a reason that never says whether an account exists.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass

import jwt
from flask import Request

from integration.runtime import database, keyring, settings
from integration.store import feedback, installations
from integration.store.models import Installation

CLOCK_SKEW_S = 300
INSTALLATION_HEADER = "X-Tactful-Installation"
TIMESTAMP_HEADER = "X-Tactful-Timestamp"
SIGNATURE_HEADER = "X-Tactful-Signature"
INTERCOM_SIGNATURE_HEADER = "X-Body-Signature"


class SidebarAuthError(Exception):
    def __init__(self, reason: str, status: int = 401, code: str = "unauthorized"):
        super().__init__(reason, status, code)
        self.reason, self.status, self.code = reason, status, code


@dataclass(frozen=True)
class Caller:
    installation_id: str
    provider: str
    agent_id: str | None
    locale: str
    settings: dict


def authenticate(provider: str, request: Request) -> Caller:
    verify = {"zendesk": _zendesk, "freshdesk": _freshdesk, "intercom": _intercom}.get(provider)
    if verify is None:
        raise SidebarAuthError(f"no sidebar for provider {provider!r}", 404, "unknown-provider")
    return verify(request)


def freshdesk_signature(secret: str, timestamp: str, method: str, path: str, body: bytes) -> str:
    message = f"{timestamp}\n{method.upper()}\n{path}\n".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def intercom_signature(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _active(provider: str, *, account: str | None = None,
            installation_id: str | None = None) -> tuple[Installation, str | None] | None:
    with database().session() as session:
        row = session.get(Installation, installation_id) if installation_id else \
            installations.find_by_account(session, provider, account or "")
        if row is None or row.provider != provider or row.status != installations.ACTIVE:
            return None
        session.expunge(row)
        return row, feedback.stored_sidebar_secret(keyring(), row)


def _caller(row: Installation, agent_id, locale) -> Caller:
    return Caller(row.id, row.provider, str(agent_id) if agent_id not in (None, "") else None,
                  (locale or "en").split("-")[0].lower(), dict(row.settings or {}))


def _zendesk(request: Request) -> Caller:
    token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token:
        raise SidebarAuthError("send the ZAF signed request: Authorization: Bearer <JWT>")
    try:
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        raise SidebarAuthError("the token is not a JWT") from None
    account = _zendesk_account(str(unverified.get("iss", "")))
    found = _active("zendesk", account=account) if account else None
    if found is None or not found[1]:
        raise SidebarAuthError("token not signed by an installation with a sidebar secret")
    row, secret = found
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], audience=settings().public_url,
                            leeway=CLOCK_SKEW_S, options={"require": ["exp", "iss", "aud"]})
    except jwt.InvalidTokenError as exc:
        raise SidebarAuthError(f"token rejected: {exc}") from None
    return _caller(row, claims.get("sub"), request.headers.get("Accept-Language"))


def _zendesk_account(issuer: str) -> str:
    """`acme`, `acme.zendesk.com` and `https://acme.zendesk.com` all name the account acme."""
    host = issuer.removeprefix("https://").removeprefix("http://").split("/")[0].lower()
    return host.removesuffix(".zendesk.com")


def _freshdesk(request: Request) -> Caller:
    installation_id = request.headers.get(INSTALLATION_HEADER, "")
    timestamp = request.headers.get(TIMESTAMP_HEADER, "")
    given = request.headers.get(SIGNATURE_HEADER, "")
    if not (installation_id and timestamp and given):
        raise SidebarAuthError(f"send {INSTALLATION_HEADER}, {TIMESTAMP_HEADER} and "
                               f"{SIGNATURE_HEADER}")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > CLOCK_SKEW_S:
        raise SidebarAuthError("timestamp missing or more than five minutes off")
    found = _active("freshdesk", installation_id=installation_id)
    if found is None or not found[1]:
        raise SidebarAuthError("signature does not match an installation's sidebar secret")
    row, secret = found
    expected = freshdesk_signature(secret, timestamp, request.method, request.path,
                                   request.get_data(cache=True))
    if not hmac.compare_digest(expected, given.strip().lower()):
        raise SidebarAuthError("signature does not match an installation's sidebar secret")
    agent = request.args.get("agent_id") or (request.get_json(silent=True) or {}).get("agent_id")
    return _caller(row, agent, request.args.get("locale")
                   or (request.get_json(silent=True) or {}).get("locale"))


def _intercom(request: Request) -> Caller:
    secret = settings().intercom_client_secret
    raw = request.get_data(cache=True)
    given = request.headers.get(INTERCOM_SIGNATURE_HEADER, "").strip().lower()
    if not secret or not given or not hmac.compare_digest(intercom_signature(secret, raw), given):
        raise SidebarAuthError(f"{INTERCOM_SIGNATURE_HEADER} missing or wrong")
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SidebarAuthError("body is not valid JSON", 400, "invalid-request") from None
    if not isinstance(body, dict) or not body.get("workspace_id"):
        raise SidebarAuthError("body names no workspace_id", 400, "invalid-request")
    found = _active("intercom", account=str(body["workspace_id"]))
    if found is None:
        raise SidebarAuthError("this workspace has no active Tactful installation", 404,
                               "unknown-installation")
    admin = body.get("admin") or {}
    locale = (body.get("context") or {}).get("locale") or admin.get("locale")
    return _caller(found[0], admin.get("id"), locale)
