"""Zendesk OAuth: the descriptor the generic install flow reads, token refresh, revoke.

Zendesk's OAuth endpoints live on each customer's subdomain; a Marketplace app
uses one global client (id starting `zdg-`) for all of them. Refreshing rotates
the pair (the old refresh token dies), so callers refresh single-flight
(integration/tokens.py) and persist what we return before using it.
"""
from __future__ import annotations

import os
import time
from typing import Any

from connectors.base import InstallationContext, OAuthDescriptor
from connectors.errors import InvalidResponse, Unauthorized
from connectors.http import VendorClient
from connectors.zendesk.client import ZendeskClient

OAUTH = OAuthDescriptor(
    provider="zendesk",
    account_param="subdomain",
    account_pattern=r"^[a-z0-9][a-z0-9-]{0,62}$",
    api_base="https://{account}.zendesk.com",
    authorize_url="{base}/oauth/authorizations/new",
    token_url="{base}/oauth/tokens",
    # Enough to read and write tickets and to create our webhook, triggers and fields.
    scopes=("read", "write"),
)


class _TokenEndpoint(VendorClient):
    vendor = "zendesk"


def credentials_from_token(token: dict[str, Any], client_id: str) -> dict[str, Any]:
    """What we keep (encrypted) from a token response."""
    expires_at = token.get("expires_at")
    if not expires_at and token.get("expires_in"):
        expires_at = int(time.time()) + int(token["expires_in"])
    kept = {"access_token": token.get("access_token"), "refresh_token": token.get("refresh_token"),
            "token_type": token.get("token_type") or "bearer", "scope": token.get("scope"),
            "expires_at": expires_at, "client_id": client_id}
    return {k: v for k, v in kept.items() if v is not None}


def client_credentials(ctx: InstallationContext) -> tuple[str, str]:
    client_id = ctx.credentials.get("client_id") or os.environ.get("ZENDESK_CLIENT_ID", "")
    secret = os.environ.get("ZENDESK_CLIENT_SECRET", "")
    if not client_id or not secret:
        raise Unauthorized("ZENDESK_CLIENT_ID / ZENDESK_CLIENT_SECRET are not set: "
                           "cannot refresh the OAuth token")
    return client_id, secret


def refresh_credentials(ctx: InstallationContext) -> dict[str, Any]:
    """Exchange the refresh token for a new pair; a rejected token means re-authorisation."""
    refresh_token = ctx.credentials.get("refresh_token")
    if not refresh_token:
        raise Unauthorized("no refresh token: the installation needs re-authorisation")
    client_id, secret = client_credentials(ctx)
    token_client = _TokenEndpoint(ctx.api_base)
    try:
        response = token_client.request("POST", OAUTH.token_url.format(
            base=ctx.api_base, account=ctx.account), json={
            "grant_type": "refresh_token", "refresh_token": refresh_token,
            "client_id": client_id, "client_secret": secret})
    except InvalidResponse as exc:
        # 400 invalid_grant: the refresh token was used or revoked. Retrying cannot help.
        raise Unauthorized(f"zendesk refused the refresh token: {exc.args[-1][:120]}") from None
    token = token_client.json_of(response)
    if not token.get("access_token"):
        raise InvalidResponse("zendesk token answer has no access_token")
    fresh = credentials_from_token(token, client_id)
    fresh.setdefault("refresh_token", refresh_token)
    return {**ctx.credentials, **fresh}


def revoke(ctx: InstallationContext) -> None:
    """Revoke our OAuth token. An API token is the admin's own: we only forget it."""
    if ctx.credentials.get("access_token"):
        ZendeskClient(ctx).delete("/api/v2/oauth/tokens/current.json")
