"""Console sign-in per installation through the helpdesk's own OAuth (Zendesk, Intercom).

It reuses the install flow's machinery (web/oauth.py: PKCE, one-time state rows, the
token exchange) under another purpose: state rows are stored as `console-<provider>`
with a redirect URI under /console/oauth, so the install callback can never take one
(and the reverse), and nothing here creates or changes an installation. After the
exchange we ask who signed in (Zendesk GET /api/v2/users/me: role must be `admin`;
Intercom GET /me: an admin of the workspace), then sign in a session scoped to that
account's installation, only if it exists and is active. The token was only needed
to ask and is never stored (Zendesk's is revoked at once). Freshdesk has no OAuth.
"""
from __future__ import annotations

import logging
import re
import secrets

import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from flask import Blueprint, abort, redirect, render_template, request, url_for
from sqlalchemy import select

from connectors.base import InstallationContext
from connectors.errors import ConnectorError
from connectors.intercom import oauth as intercom_oauth
from connectors.intercom.client import REGION_HOSTS, IntercomClient
from connectors.zendesk.client import ZendeskClient
from integration.logs import fields
from integration.runtime import database, keyring, settings
from integration.store.models import Installation, OAuthState, utcnow
from integration.web import console_auth as auth
from integration.web import oauth

bp = Blueprint("console_oauth", __name__, url_prefix="/console/oauth",
               template_folder="templates")
log = logging.getLogger("tactful.console")
PROVIDERS = ("zendesk", "intercom")
SIGN_IN_SCOPES = {"zendesk": ("read",)}   # only enough to ask who signed in


class Refused(Exception):
    """The sign-in is refused; the message is shown on the 403 page."""


def _purpose(provider: str) -> str:
    return f"console-{provider}"


def _descriptor(provider: str):
    if provider not in PROVIDERS:
        abort(404, description=f"{provider!r} has no console sign-in "
                               "(Freshdesk has no OAuth: use the admin token)")
    return oauth.descriptor_of(provider)


def _redirect_uri(provider: str) -> str:
    return f"{settings().public_url}/console/oauth/{provider}/callback"


def _refused(reason: str, status: int = 403):
    return render_template("console/login.html", error=reason), status


@bp.get("/<provider>/start")
def start(provider: str):
    """Sign in to the console with the helpdesk's OAuth (Zendesk needs ?subdomain=).
    ---
    get:
      tags: [console]
      summary: Begin a console sign-in through Zendesk or Intercom OAuth
      parameters:
      - {in: path, name: provider, required: true,
         schema: {type: string, enum: [zendesk, intercom]}}
      - {in: query, name: subdomain, schema: {type: string}, description: Zendesk only}
      responses:
        302: {description: Redirect to the vendor's authorization page}
        400: {description: Missing or malformed subdomain; the sign-in page with the reason}
        404: {description: No console sign-in for this provider (Freshdesk)}
        429: {description: Too many sign-ins started}
        503: {description: OAuth for this provider is not configured}
    """
    descriptor = _descriptor(provider)
    account = request.args.get(descriptor.account_param, "").strip().lower() \
        if descriptor.account_param else None
    if account is not None and not re.fullmatch(descriptor.account_pattern, account):
        return _refused(f"Give your {provider} {descriptor.account_param} to sign in.", 400)
    client_id, _secret = oauth.client_credentials(provider)
    refused = oauth.refuse_flood()
    if refused is not None:
        return refused
    state, verifier = secrets.token_urlsafe(32), generate_token(64)
    with database().session() as session:
        session.add(OAuthState(state=state, provider=_purpose(provider), account=account,
                               code_verifier_encrypted=keyring().encrypt_json(verifier),
                               redirect_uri=_redirect_uri(provider),
                               expires_at=utcnow() + oauth.STATE_TTL))
    scopes = SIGN_IN_SCOPES.get(provider, descriptor.scopes)
    with OAuth2Session(client_id, scope=" ".join(scopes) or None,
                       redirect_uri=_redirect_uri(provider),
                       code_challenge_method="S256" if descriptor.pkce else None) as client:
        url, _ = client.create_authorization_url(
            descriptor.authorize_url.format(base=oauth.api_base_of(descriptor, account or ""),
                                            account=account), state=state,
            code_verifier=verifier if descriptor.pkce else None)
    return redirect(url)


@bp.get("/<provider>/callback")
def callback(provider: str):
    """Finish a console sign-in: exchange the code, check the user is an admin of an
    installed, active account, and sign in a session scoped to that installation.
    ---
    get:
      tags: [console]
      summary: Finish a console sign-in through Zendesk or Intercom OAuth
      parameters:
      - {in: path, name: provider, required: true,
         schema: {type: string, enum: [zendesk, intercom]}}
      - {in: query, name: code, schema: {type: string}}
      - {in: query, name: state, required: true, schema: {type: string}}
      - {in: query, name: error, schema: {type: string}}
      responses:
        302: {description: Signed in; redirect to the installations page}
        400: {description: Missing, unknown, used or expired state, or no code}
        403: {description: Not an admin, or no active installation for the account}
        404: {description: No console sign-in for this provider}
        502: {description: The vendor did not exchange the code or answer who signed in}
    """
    descriptor = _descriptor(provider)
    state = request.args.get("state", "")
    pending = oauth.take_state(_purpose(provider), state) if state else None
    if request.args.get("error"):
        return _refused(f"{provider} did not authorise the sign-in.", 400)
    if pending is None or pending.expires_at < utcnow():
        return _refused("That sign-in link is unknown, used or expired: start again.", 400)
    if not request.args.get("code"):
        return _refused(f"{provider} sent no authorization code: start again.", 400)
    try:
        token = oauth.exchange_code(descriptor, pending, request.args["code"])
    except (OAuthError, requests.RequestException, ValueError) as exc:
        log.warning("console.oauth-exchange-failed",
                    extra=fields(provider=provider, error=type(exc).__name__))
        return _refused(f"{provider} did not exchange the code: start again.", 502)
    try:
        account = _admin_account(provider, descriptor, pending.account, token["access_token"])
        installation_id = _active_installation(provider, account)
    except Refused as refused:
        log.info("console.sign-in-refused", extra=fields(provider=provider))
        return _refused(str(refused))
    except ConnectorError as exc:
        return _refused(f"{provider} did not say who signed in ({type(exc).__name__}).", 502)
    auth.sign_in("installation", installation_id)
    log.info("console.signed-in", extra=fields(provider=provider,
                                               installation=installation_id))
    return redirect(url_for("console.installations_page"))


def _admin_account(provider: str, descriptor, account: str | None, access_token: str) -> str:
    """The account the signed-in user administers; Refused unless they are its admin."""
    if provider == "zendesk":
        ctx = InstallationContext(id="", provider=provider, account=account or "",
                                  api_base=oauth.api_base_of(descriptor, account or ""),
                                  credentials={"access_token": access_token},
                                  webhook_secrets=[])
        client = ZendeskClient(ctx)
        try:
            user = client.me()
        finally:
            _quietly(lambda: client.delete("/api/v2/oauth/tokens/current.json"))
        if user.get("role") != "admin":
            raise Refused(f"Only a Zendesk admin of {account} may sign in; you are signed "
                          f"in to Zendesk as {user.get('role') or 'an unknown role'}.")
        return account or ""
    base = oauth.api_base_of(descriptor, "")
    # A regional host is only the token endpoint's; GET /me on each finds the workspace.
    # The token is not revoked: Intercom's only revocation is uninstalling the app.
    me = IntercomClient(base, access_token).me() if base not in REGION_HOSTS.values() \
        else intercom_oauth.me_on_any_region(access_token)[1]
    if me.get("type") != "admin":
        raise Refused("Only an admin of the Intercom workspace may sign in.")
    return me["app"]["id_code"]


def _quietly(call) -> None:
    # Revoking the throwaway token is hygiene: a failure must not fail the sign-in.
    try:
        call()
    except (ConnectorError, requests.RequestException):
        log.warning("console.token-revoke-failed")


def _active_installation(provider: str, account: str) -> str:
    with database().session() as session:
        row = session.scalar(select(Installation).where(Installation.provider == provider,
                                                        Installation.account == account))
        if row is None:
            raise Refused(f"Tactful is not installed for the {provider} account {account}.")
        if row.status != "active":
            raise Refused(f"The {provider} account {account} is {row.status} in Tactful; "
                          "only an active installation can be signed in to.")
        return row.id
