"""`tactful installations add intercom`: install a workspace with a private app's access token.

A private app (Developer Hub, your own workspace) gets an Access Token instead
of OAuth. We ask Intercom who the token belongs to (`GET /me`): the workspace
id must be the one given, and the admin becomes the author of our notes and
tags, whose parts the loop guard ignores. The same install_token() finishes
an OAuth install.

Intercom signs notifications with the *app's* client secret, so a private app's
client secret goes in INTERCOM_CLIENT_SECRET, and its webhook URL is the one
app-level URL `/webhooks/intercom`.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from connectors.errors import ConnectorError, Unauthorized
from connectors.intercom import CONNECTOR
from connectors.intercom.client import REGION_HOSTS
from integration.logs import fields
from integration.store import installations
from integration.store.crypto import Keyring
from integration.store.db import Database

log = logging.getLogger("tactful.install")


class InstallError(Exception):
    """The token or workspace cannot be installed; the message says why (never the token)."""


@dataclass(frozen=True)
class Installed:
    installation_id: str
    account: str
    api_base: str
    actor_id: str
    webhook_url: str
    created: tuple[str, ...] = ()        # nothing: Intercom's webhooks are app-level


def install_token(database: Database, keyring: Keyring, public_url: str, *, access_token: str,
                  workspace_id: str | None = None, region: str | None = None,
                  api_base: str | None = None) -> Installed:
    """Verify the token with GET /me and store the installation (token encrypted)."""
    try:
        found = CONNECTOR.installation_from_token(access_token, region=region,
                                                  api_base=api_base)
    except Unauthorized:
        raise InstallError("Intercom rejected the access token (GET /me)") from None
    except ConnectorError as exc:
        raise InstallError(f"could not reach Intercom to check the token: "
                           f"{type(exc).__name__}: {exc.args[-1]}") from None
    if workspace_id and found["account"] != workspace_id:
        raise InstallError(f"the token belongs to workspace {found['account']!r}, "
                           f"not {workspace_id!r}")
    return _store(database, keyring, public_url, found)


def install(app, *, account: str | None, api_base: str, credentials: dict) -> Installed:
    """The OAuth install's last step (integration/web/oauth.py): GET /me names the
    workspace and admin, then the token is stored. Connector errors propagate."""
    from integration.runtime import database, keyring, settings
    # A regional host is only the token endpoint's; GET /me finds the workspace's
    # region. Any other base is a configured override (the sandbox), used as is.
    override = None if api_base.rstrip("/") in REGION_HOSTS.values() else api_base
    found = CONNECTOR.installation_from_token(credentials["access_token"], api_base=override)
    if account and found["account"] != account:
        raise Unauthorized(f"the token belongs to another workspace than {account!r}")
    return _store(database(app), keyring(app), settings(app).public_url, found)


def _store(database: Database, keyring: Keyring, public_url: str, found: dict) -> Installed:
    with database.session() as session:
        row = installations.create(session, keyring, provider="intercom",
                                   account=found["account"], api_base=found["api_base"],
                                   credentials=found["credentials"])
        installation_id = row.id
    log.info("installation.added", extra=fields(provider="intercom",
                                                installation=installation_id))
    return Installed(installation_id, found["account"], found["api_base"],
                     found["credentials"]["actor_id"],
                     f"{public_url.rstrip('/')}/webhooks/intercom")
