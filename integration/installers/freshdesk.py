"""`tactful installations add freshdesk`: install an account with its API key.

Freshdesk has no OAuth for its ticket API, so the admin gives us an API key,
ideally a dedicated integration agent's: every write we make is then that
agent's, and the loop guard knows its id exactly. The same install() serves the
marketplace app's registration endpoint (integration/web/freshdesk_app.py).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from connectors.base import InstallationContext
from connectors.errors import ConnectorError, Unauthorized
from connectors.freshdesk import CONNECTOR
from connectors.freshdesk.provision import manual_rule
from connectors.freshdesk.webhook import account_of
from integration.logs import fields
from integration.store import installations
from integration.store.crypto import Keyring
from integration.store.db import Database

log = logging.getLogger("tactful.install")
_ACCOUNT = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class InstallError(Exception):
    """The domain or key cannot be installed; the message says why (never the key)."""

    status = 400


class KeyRejected(InstallError):
    status = 401


class NotProven(InstallError):
    """The caller proved neither that it is the installed app nor an account admin."""

    status = 403


@dataclass(frozen=True)
class Installed:
    installation_id: str
    account: str
    webhook_url: str
    webhook_secret: str
    actor_id: str
    created: tuple[str, ...] = ()
    manual_rule: str | None = None
    problems: tuple[str, ...] = ()


def account_and_base(domain: str, api_base: str | None) -> tuple[str, str]:
    """"acme", "acme.freshdesk.com" or its URL -> ("acme", "https://acme.freshdesk.com")."""
    account = account_of(domain) or ""
    if not _ACCOUNT.match(account):
        raise InstallError(f"{domain!r} is not a Freshdesk domain: use the acme part of "
                           "acme.freshdesk.com (custom domains do not work for the API)")
    return account, (api_base or f"https://{account}.freshdesk.com").rstrip("/")


def verify_key(account: str, api_base: str, api_key: str) -> str:
    """Ask Freshdesk who the key belongs to; returns the agent id (for the loop guard)."""
    probe = _probe(account, api_base, api_key)
    return str(_key_owner(probe)["id"])


def _probe(account: str, api_base: str, api_key: str) -> InstallationContext:
    return InstallationContext(id="-", provider="freshdesk", account=account,
                               api_base=api_base, credentials={"api_key": api_key},
                               webhook_secrets=[])


def _key_owner(probe: InstallationContext) -> dict:
    try:
        return CONNECTOR.whoami(probe)
    except Unauthorized:
        raise KeyRejected("Freshdesk rejected the API key (GET /api/v2/agents/me)") from None
    except ConnectorError as exc:
        raise InstallError(f"could not reach Freshdesk to check the key: "
                           f"{type(exc).__name__}: {exc.args[-1]}") from None


def _is_admin(probe: InstallationContext, agent: dict) -> bool:
    try:
        return CONNECTOR.is_account_admin(probe, agent)
    except ConnectorError as exc:
        raise InstallError(f"could not reach Freshdesk to check the agent's role: "
                           f"{type(exc).__name__}") from None


def register(database: Database, keyring: Keyring, public_url: str, *, domain: str,
             api_key: str, current: InstallationContext | None,
             app_proven: bool) -> Installed:
    """The marketplace app's registration (POST /apps/freshdesk/install).

    `current` is the account's active installation, if any; `app_proven` says the
    request was signed with its webhook secret, i.e. it comes from the installed app.
    Otherwise only an account administrator's key may install or take over. Taking
    over never rotates the secret: the app's stored copy and any automation rules
    keep working.
    """
    account, base = account_and_base(domain, None)
    probe = _probe(account, base, api_key)
    agent = _key_owner(probe)
    if not app_proven and not _is_admin(probe, agent):
        raise NotProven("this API key belongs to an agent who is not an account "
                        "administrator; install the app as an admin, or sign the request "
                        "as the installed app")
    credentials = {"api_key": api_key, "actor_id": str(agent["id"])}
    if current is None:
        secret = installations.new_webhook_secret()
        with database.session() as session:
            installation_id = installations.create(
                session, keyring, provider="freshdesk", account=account, api_base=base,
                credentials=credentials, webhook_secret=secret).id
    else:
        installation_id, secret = current.id, current.webhook_secrets[0]
        installations.save_credentials(database, keyring, installation_id, credentials)
    url = f"{public_url.rstrip('/')}/webhooks/freshdesk/{installation_id}"
    log.info("installation.registered", extra=fields(provider="freshdesk",
                                                     installation=installation_id,
                                                     existing=current is not None,
                                                     app_proven=app_proven))
    return Installed(installation_id, account, url, secret, credentials["actor_id"])


def install(database: Database, keyring: Keyring, public_url: str, *, domain: str,
            api_key: str, api_base: str | None = None, provision: bool = True) -> Installed:
    account, base = account_and_base(domain, api_base)
    actor_id = verify_key(account, base, api_key)
    secret = installations.new_webhook_secret()
    with database.session() as session:
        row = installations.create(session, keyring, provider="freshdesk", account=account,
                                   api_base=base,
                                   credentials={"api_key": api_key, "actor_id": actor_id},
                                   webhook_secret=secret)
        installation_id = row.id
        ctx = installations.context_of(row, keyring)
    url = f"{public_url.rstrip('/')}/webhooks/freshdesk/{installation_id}"
    log.info("installation.added", extra=fields(provider="freshdesk",
                                                installation=installation_id))
    if not provision:
        return Installed(installation_id, account, url, secret, actor_id,
                         manual_rule=manual_rule(account, url, secret))
    result = CONNECTOR.provision(ctx, url, secret)
    with database.session() as session:
        installations.set_remote(session, session.get(installations.Installation,
                                                      installation_id), **result.remote)
    return Installed(installation_id, account, url, secret, actor_id, result.created,
                     result.manual, result.problems)
