"""`tactful installations`: list, add (one command per helpdesk) and remove installations."""
from __future__ import annotations

import json
import re

import click
from sqlalchemy import select

from connectors.errors import ConnectorError
from connectors.freshdesk.webhook import SECRET_HEADER as FRESHDESK_SECRET_HEADER
from connectors.intercom import TOPICS as INTERCOM_TOPICS
from connectors.intercom.client import REGION_HOSTS as INTERCOM_REGION_HOSTS
from integration.app import command_app
from integration.installers import freshdesk, intercom, zendesk
from integration.pipeline import uninstall
from integration.runtime import database, keyring, settings
from integration.store import installations
from integration.store.models import Installation


@click.group("installations")
def installations_group() -> None:
    """Installed helpdesk accounts: add, list, remove."""


@installations_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def installations_list(as_json: bool) -> None:
    """List installations (never prints secrets)."""
    with command_app() as app:
        base = settings(app).public_url
        with database(app).session() as session:
            rows = [{"id": i.id, "provider": i.provider, "account": i.account, "status": i.status,
                     "webhook_url": installations.webhook_url(base, i.provider, i.id),
                     "created_at": i.created_at.isoformat()}
                    for i in session.scalars(
                        select(Installation).order_by(Installation.created_at))]
        if as_json:
            click.echo(json.dumps(rows, indent=2))
            return
        if not rows:
            click.echo("no installations yet: see `tactful installations add --help`")
        for r in rows:
            click.echo(f"{r['id']}  {r['provider']:<9} {r['account']:<30} {r['status']:<12} "
                       f"{r['webhook_url']}")


@installations_group.command("remove")
@click.argument("installation_id")
def installations_remove(installation_id: str) -> None:
    """Uninstall: tokens (revoked where possible) and customer memory deleted now, the
    rest after the grace period."""
    with command_app() as app:
        result = uninstall.uninstall(database(app), keyring(app), installation_id, revoke=True)
        if result is None:
            raise click.ClickException(f"no installation {installation_id}")
        click.echo(f"removed {installation_id}: tokens and customer memory deleted"
                   + (", token revoked with the vendor" if result.revoked else "")
                   + f"; events and enrichments deleted after "
                   f"{settings(app).uninstall_grace_days} days")


@installations_group.group("add")
def installations_add() -> None:
    """Install a helpdesk account by hand (private app / self-hosting)."""


@installations_add.command("zendesk")
@click.option("--subdomain", required=True, help="the account's subdomain: ACME.zendesk.com")
@click.option("--email", required=True, help="the agent or admin the API token belongs to")
@click.option("--api-token", required=True, help="Admin Center > Apps and integrations > APIs")
@click.option("--api-base", default=None,
              help="API base URL instead of https://SUBDOMAIN.zendesk.com (sandbox, proxy)")
@click.option("--public-url", default=None, help="where Zendesk reaches Tactful "
              "(default: TACTFUL_PUBLIC_URL)")
@click.option("--no-provision", is_flag=True,
              help="store only: no API calls, create the webhook and trigger yourself")
def add_zendesk(subdomain: str, email: str, api_token: str, api_base: str | None,
                public_url: str | None, no_provision: bool) -> None:
    """Install a Zendesk account as a private app, with an API token (self-hosting)."""
    if not re.match(zendesk.OAUTH.account_pattern, subdomain):
        raise click.BadParameter("lower-case letters, digits and '-' only",
                                 param_hint="--subdomain")
    with command_app() as app:
        try:
            report = zendesk.install_with_api_token(
                app, subdomain=subdomain, email=email, api_token=api_token, api_base=api_base,
                public_url=public_url, provision=not no_provision)
        except ConnectorError as exc:
            raise click.ClickException(
                f"Zendesk call failed ({type(exc).__name__}: {exc.args[-1]}); nothing is lost: "
                "fix the cause and run the same command again (it is idempotent)") from None
    click.echo(f"installation: {report.installation_id}")
    click.echo(f"webhook URL:  {report.webhook_url}")
    if not report.provisioned:
        click.echo("nothing created in Zendesk (--no-provision): add a webhook to the URL above "
                   "and a trigger that calls it; see docs/zendesk.md.")
        return
    click.echo("created: " + (", ".join(report.created) if report.created
                              else "nothing new (already provisioned)"))


@installations_add.command("freshdesk")
@click.option("--domain", required=True, help="the acme part of acme.freshdesk.com")
@click.option("--api-key", required=True, envvar="FRESHDESK_API_KEY",
              help="an integration agent's API key (Profile settings > API key)")
@click.option("--api-base", default=None, help="API host override (the sandbox helpdesk)")
@click.option("--no-provision", is_flag=True,
              help="create nothing in Freshdesk; print the automation rule to paste")
def add_freshdesk(domain: str, api_key: str, api_base: str | None, no_provision: bool) -> None:
    """Install a Freshdesk account with an API key."""
    with command_app() as app:
        try:
            done = freshdesk.install(database(app), keyring(app), settings(app).public_url,
                                     domain=domain, api_key=api_key, api_base=api_base,
                                     provision=not no_provision)
        except freshdesk.InstallError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"installed freshdesk account {done.account}: {done.installation_id}")
    click.echo(f"  our agent id (loop guard): {done.actor_id}")
    click.echo(f"  webhook URL:   {done.webhook_url}")
    click.echo(f"  secret header: {FRESHDESK_SECRET_HEADER}: {done.webhook_secret}")
    for item in done.created:
        click.echo(f"  created {item}")
    for problem in done.problems:
        click.echo(f"  note: {problem}")
    if done.manual_rule:
        click.echo("\nCreate these automation rules in Freshdesk "
                   "(Admin > Workflows > Automations):\n")
        click.echo(done.manual_rule)


@installations_add.command("intercom")
@click.option("--workspace-id", required=True, help="the workspace (app) id, e.g. abc123def")
@click.option("--access-token", required=True, envvar="INTERCOM_ACCESS_TOKEN",
              help="the private app's Access Token (Developer Hub > Authentication)")
@click.option("--region", type=click.Choice(sorted(INTERCOM_REGION_HOSTS)), default=None,
              help="the workspace's data region (default: the first regional host "
                   "that accepts the token)")
@click.option("--api-base", default=None, help="API host override (the sandbox helpdesk)")
def add_intercom(workspace_id: str, access_token: str, region: str | None,
                 api_base: str | None) -> None:
    """Install an Intercom workspace with a private app's access token."""
    with command_app() as app:
        try:
            done = intercom.install_token(database(app), keyring(app), settings(app).public_url,
                                          access_token=access_token, workspace_id=workspace_id,
                                          region=region, api_base=api_base)
        except intercom.InstallError as exc:
            raise click.ClickException(str(exc)) from None
        secret_missing = not settings(app).intercom_client_secret
    click.echo(f"installed intercom workspace {done.account}: {done.installation_id}")
    click.echo(f"  API host: {done.api_base}")
    click.echo(f"  our admin id (notes, loop guard): {done.actor_id}")
    click.echo(f"  webhook URL (Developer Hub > Webhooks): {done.webhook_url}")
    click.echo(f"  topics: {', '.join(INTERCOM_TOPICS)}")
    if secret_missing:
        click.echo("  note: set INTERCOM_CLIENT_SECRET to the app's client secret, or "
                   "every notification is refused with 401")
