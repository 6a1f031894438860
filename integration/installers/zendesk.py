"""Installing a Zendesk account: `tactful installations add zendesk`, and the OAuth
callback's last step.

Order matters: verify the credentials (GET /users/me, which also tells us our
integration user's id for the loop guard), store the installation encrypted,
then create the webhook, triggers and fields, which need the installation's id
in the webhook URL. Provisioning is idempotent, so re-running an install is safe.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from connectors import registry
from connectors.base import InstallationContext
from connectors.zendesk.oauth import OAUTH
from integration.runtime import database, keyring, settings
from integration.store import installations

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
