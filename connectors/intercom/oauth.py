"""Intercom OAuth: the descriptor the generic install flow reads, finishing an install, revoking.

Intercom has no scope parameter (permissions are ticked in the Developer Hub),
no PKCE and no refresh tokens: an access token lives until the workspace
uninstalls the app or we revoke it. So there is no refresh_credentials here,
and the pipeline marks the installation for re-authorisation on a 401.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote_plus

from connectors.base import InstallationContext, OAuthDescriptor
from connectors.errors import Unauthorized
from connectors.intercom.client import REGION_HOSTS, IntercomClient, api_base_for

AUTHORIZE_URL = "https://app.intercom.com/oauth"
TOKEN_URL = "https://api.intercom.io/auth/eagle/token"
INSTALL_DONE_URL = "https://app.intercom.com/appstore/redirect"
INSTALL_SUCCESS_URL = f"{INSTALL_DONE_URL}?install_success=true"
# The generic install flow fills {reason}, URL-encoded.
INSTALL_FAILURE_URL = f"{INSTALL_DONE_URL}?install_success=false&error_message={{reason}}"

OAUTH = OAuthDescriptor(
    provider="intercom",
    account_param=None,                  # the workspace is known only after GET /me
    account_pattern=r"^[a-z0-9]{1,64}$",
    api_base=REGION_HOSTS["us"],         # the token endpoint's host; GET /me finds the region
    authorize_url=AUTHORIZE_URL,         # global, not per workspace
    token_url="{base}/auth/eagle/token",  # {base} so the sandbox can stand in
    scopes=(),                           # permissions are Developer Hub checkboxes
    pkce=False,                          # not offered by Intercom
    success_redirect=INSTALL_SUCCESS_URL,
    failure_redirect=INSTALL_FAILURE_URL,
)


def install_success_url() -> str:
    return INSTALL_SUCCESS_URL


def install_error_url(message: str) -> str:
    return INSTALL_FAILURE_URL.format(reason=quote_plus(message[:200]))


def installation_from_token(access_token: str, *, api_base: str | None = None,
                            region: str | None = None,
                            client: IntercomClient | None = None) -> dict[str, Any]:
    """What to store for a new token: workspace id, admin id, regional API host.

    `GET /me` names the authorising admin (our notes and tags are written as them,
    and the loop guard ignores their parts) and the workspace with its region.
    """
    if api_base or region or client:
        base = api_base or (api_base_for(region) if region else REGION_HOSTS["us"])
        me = (client or IntercomClient(base, access_token)).me()
    else:
        base, me = me_on_any_region(access_token)
    app = me["app"]
    return {"account": app["id_code"], "api_base": base,
            "credentials": {"access_token": access_token, "actor_id": me["id"]},
            "workspace_name": app.get("name")}


def me_on_any_region(access_token: str) -> tuple[str, dict]:
    """A token works only on its workspace's regional host; the first that accepts it wins."""
    hosts = list(REGION_HOSTS.values())
    for host in hosts[:-1]:
        try:
            return host, IntercomClient(host, access_token).me()
        except Unauthorized:
            continue
    return hosts[-1], IntercomClient(hosts[-1], access_token).me()


def revoke(ctx: InstallationContext) -> None:
    """Revoke our token with Intercom (`tactful installations remove`)."""
    IntercomClient.for_installation(ctx).revoke_token()
