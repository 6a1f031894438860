"""Installing a Zendesk account: `tactful installations add zendesk`, and the OAuth callback's last step.

Order matters: verify the credentials (GET /users/me, which also tells us our
integration user's id for the loop guard), store the installation encrypted,
then create the webhook, triggers and fields, which need the installation's id
in the webhook URL. Provisioning is idempotent, so re-running an install is safe.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import click
from flask import Flask

from connectors import registry
from connectors.base import InstallationContext
from connectors.errors import ConnectorError
from connectors.zendesk.oauth import OAUTH
from integration import installations
from integration.app import database, keyring, settings

PROVIDER = "zendesk"


@dataclass(frozen=True)
class InstallReport:
    installation_id: str
    webhook_url: str
    created: tuple[str, ...]
    provisioned: bool


def install(app: Flask, *, account: str, api_base: str, credentials: dict,
            public_url: str | None = None, provision: bool = True) -> InstallReport:
    """Store (or re-activate) the installation and, unless told not to, provision it."""
    connector = registry.get(PROVIDER)
    credentials = dict(credentials)
    marketplace = settings(app).zendesk_marketplace
    if marketplace:
        credentials["marketplace"] = dict(marketplace)
    if provision:
        probe = InstallationContext(id="pending", provider=PROVIDER, account=account,
                                    api_base=api_base, credentials=credentials,
                                    webhook_secrets=[])
        credentials["actor_id"] = str(connector.whoami(probe)["id"])
    secret = installations.new_webhook_secret()
    with database(app).session() as session:
        row = installations.create(session, keyring(app), provider=PROVIDER, account=account,
                                   api_base=api_base, credentials=credentials,
                                   webhook_secret=secret)
        installation_id = row.id
    webhook_url = f"{(public_url or settings(app).public_url).rstrip('/')}" \
                  f"/webhooks/{PROVIDER}/{installation_id}"
    if not provision:
        return InstallReport(installation_id, webhook_url, (), False)
    with database(app).session() as session:
        ctx = installations.context_of(session.get(installations.Installation, installation_id),
                                       keyring(app))
    result = connector.provision(ctx, webhook_url, secret)
    with database(app).session() as session:
        row = session.get(installations.Installation, installation_id)
        installations.set_remote(session, row, actor_id=credentials["actor_id"], **result.remote)
        if result.webhook_secret != secret:
            # The webhook existed already: Zendesk signs with its secret, not our new one.
            installations.rotate_webhook_secret(session, keyring(app), row,
                                                new_secret=result.webhook_secret)
    return InstallReport(installation_id, webhook_url, result.created, True)


def install_with_api_token(app: Flask, *, subdomain: str, email: str, api_token: str,
                           api_base: str | None = None, public_url: str | None = None,
                           provision: bool = True) -> InstallReport:
    return install(app, account=subdomain,
                   api_base=(api_base or OAUTH.api_base.format(account=subdomain)).rstrip("/"),
                   credentials={"email": email, "api_token": api_token},
                   public_url=public_url, provision=provision)


@click.command("zendesk")
@click.option("--subdomain", required=True, help="the account's subdomain: ACME.zendesk.com")
@click.option("--email", required=True, help="the agent or admin the API token belongs to")
@click.option("--api-token", required=True, help="Admin Center > Apps and integrations > APIs")
@click.option("--api-base", default=None,
              help="API base URL instead of https://SUBDOMAIN.zendesk.com (sandbox, proxy)")
@click.option("--public-url", default=None, help="where Zendesk reaches Tactful "
              "(default: TACTFUL_PUBLIC_URL)")
@click.option("--no-provision", is_flag=True,
              help="store only: no API calls, create the webhook and trigger yourself")
def add_cmd(subdomain: str, email: str, api_token: str, api_base: str | None,
            public_url: str | None, no_provision: bool) -> None:
    """Install a Zendesk account as a private app, with an API token (self-hosting)."""
    if not re.match(OAUTH.account_pattern, subdomain):
        raise click.BadParameter("lower-case letters, digits and '-' only", param_hint="--subdomain")
    from integration.app import create_app
    app = create_app()
    try:
        report = install_with_api_token(app, subdomain=subdomain, email=email,
                                        api_token=api_token, api_base=api_base,
                                        public_url=public_url, provision=not no_provision)
    except ConnectorError as exc:
        raise click.ClickException(
            f"Zendesk call failed ({type(exc).__name__}: {exc.args[-1]}); nothing is lost: "
            "fix the cause and run the same command again (it is idempotent)") from None
    finally:
        database(app).dispose()
    click.echo(f"installation: {report.installation_id}")
    click.echo(f"webhook URL:  {report.webhook_url}")
    if not report.provisioned:
        click.echo("nothing created in Zendesk (--no-provision): add a webhook to the URL above "
                   "and a trigger that calls it; see the README.")
        return
    click.echo("created: " + (", ".join(report.created) if report.created
                              else "nothing new (already provisioned)"))
