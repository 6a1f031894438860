"""Uninstall: delete tokens and customer memory now, revoke the tokens with the vendor
where possible, delete everything else after the grace period (run_retention)."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from connectors import registry
from connectors.errors import ConnectorError
from integration.logs import fields
from integration.store import customers, installations
from integration.store.crypto import Keyring
from integration.store.db import Database
from integration.store.models import Installation

log = logging.getLogger("tactful.uninstall")


@dataclass(frozen=True)
class UninstallResult:
    installation_id: str
    revoked: bool


def uninstall(database: Database, keyring: Keyring, installation_id: str,
              revoke: bool) -> UninstallResult | None:
    with database.session() as session:
        row = session.get(Installation, installation_id)
        if row is None:
            return None
        ctx = installations.context_of(row, keyring)
        installations.mark_uninstalled(session, row)
        forgotten = customers.forget_installation(session, installation_id)
    if revoke:
        _unprovision(ctx)       # first: it needs the credentials that revoking ends
    revoked = _revoke(ctx) if revoke else False
    log.info("installation.uninstalled", extra=fields(installation=installation_id,
                                                      revoked=revoked, **forgotten))
    return UninstallResult(installation_id, revoked)


def _revoke(ctx) -> bool:
    try:
        connector = registry.get(ctx.provider)
    except registry.UnknownProvider:
        return False
    revoke = getattr(connector, "revoke", None)
    if revoke is None or not ctx.credentials:
        return False
    try:
        revoke(ctx)
        return True
    except ConnectorError as exc:
        # Tokens are already deleted on our side; a failed revoke is logged, not fatal.
        log.warning("installation.revoke-failed", extra=fields(installation=ctx.id,
                                                               error=type(exc).__name__))
        return False


def _unprovision(ctx) -> None:
    """Remove what provisioning made in the helpdesk (rules calling our URL), where possible."""
    try:
        connector = registry.get(ctx.provider)
    except registry.UnknownProvider:
        return
    remove = getattr(connector, "unprovision", None)
    if remove is None or not ctx.credentials:
        return
    try:
        remove(ctx)
    except ConnectorError as exc:
        # Left-behind rules get 404s from us, which the vendor reports to the admin.
        log.warning("installation.unprovision-failed", extra=fields(installation=ctx.id,
                                                                    error=type(exc).__name__))
