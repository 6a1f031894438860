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

import click

from connectors.errors import ConnectorError, Unauthorized
from connectors.intercom import CONNECTOR, TOPICS
from connectors.intercom.client import REGION_HOSTS
from integration import installations
from integration.crypto import Keyring
from integration.db import Database
from integration.logs import fields

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
    from integration.app import database, keyring, settings
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


@click.command("intercom")
@click.option("--workspace-id", required=True, help="the workspace (app) id, e.g. abc123def")
@click.option("--access-token", required=True, envvar="INTERCOM_ACCESS_TOKEN",
              help="the private app's Access Token (Developer Hub > Authentication)")
@click.option("--region", type=click.Choice(sorted(REGION_HOSTS)), default=None,
              help="the workspace's data region (default: the first regional host "
                   "that accepts the token)")
@click.option("--api-base", default=None, help="API host override (the sandbox helpdesk)")
def add_cmd(workspace_id: str, access_token: str, region: str | None,
            api_base: str | None) -> None:
    """Install an Intercom workspace with a private app's access token."""
    from integration.app import create_app, database, keyring, settings
    app = create_app()
    try:
        done = install_token(database(app), keyring(app), settings(app).public_url,
                             access_token=access_token, workspace_id=workspace_id,
                             region=region, api_base=api_base)
    except InstallError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        database(app).dispose()
    click.echo(f"installed intercom workspace {done.account}: {done.installation_id}")
    click.echo(f"  API host: {done.api_base}")
    click.echo(f"  our admin id (notes, loop guard): {done.actor_id}")
    click.echo(f"  webhook URL (Developer Hub > Webhooks): {done.webhook_url}")
    click.echo(f"  topics: {', '.join(TOPICS)}")
    if not settings(app).intercom_client_secret:
        click.echo("  note: set INTERCOM_CLIENT_SECRET to the app's client secret, or "
                   "every notification is refused with 401")
