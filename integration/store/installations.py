"""Installations: create, load (decrypted, as a connector sees them), rotate, remove.

The only module that decrypts credentials; everything else receives an
InstallationContext and never sees ciphertext or the keyring.
"""
from __future__ import annotations

import secrets
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, or_, select, update
from sqlalchemy.orm import Session

from connectors.base import InstallationContext
from integration.store.crypto import Keyring
from integration.store.db import Database
from integration.store.models import (
    AgentFeedback,
    Backfill,
    CustomerMessage,
    Effect,
    Enrichment,
    Event,
    Installation,
    KnowledgeItem,
    Lock,
    utcnow,
)

ACTIVE = "active"
NEEDS_REAUTH = "needs_reauth"
UNINSTALLED = "uninstalled"


class InstallationNotFound(LookupError):
    pass


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


def create(session: Session, keyring: Keyring, *, provider: str, account: str, api_base: str,
           credentials: dict[str, Any], webhook_secret: str | None = None,
           settings: dict | None = None) -> Installation:
    """Create, or re-activate (same provider + account), an installation."""
    row = session.scalar(select(Installation).where(
        Installation.provider == provider, Installation.account == account))
    if row is None:
        row = Installation(provider=provider, account=account, settings=settings or {}, remote={})
        session.add(row)
    row.api_base = api_base.rstrip("/")
    row.credentials_encrypted = keyring.encrypt_json(credentials)
    row.webhook_secrets_encrypted = keyring.encrypt_json([webhook_secret or new_webhook_secret()])
    row.status = ACTIVE
    row.uninstalled_at = None
    if settings is not None:
        row.settings = settings
    session.flush()
    return row


def context_of(row: Installation, keyring: Keyring,
               database: Database | None = None) -> InstallationContext:
    """Decrypt a row into what a connector needs; refreshed tokens are saved through `database`."""
    credentials = keyring.decrypt_json(row.credentials_encrypted) if row.credentials_encrypted \
        else {}
    webhook_secrets = keyring.decrypt_json(row.webhook_secrets_encrypted) \
        if row.webhook_secrets_encrypted else []
    ctx = InstallationContext(
        id=row.id, provider=row.provider, account=row.account, api_base=row.api_base or "",
        credentials=credentials, webhook_secrets=list(webhook_secrets),
        settings=dict(row.settings or {}), remote=dict(row.remote or {}))
    if database is not None:
        ctx.save_credentials = lambda creds: save_credentials(database, keyring, row.id, creds)
    return ctx


_ROW = select(Installation.__table__).where(Installation.id == bindparam("b_id"))


def fetch_row(database: Database, installation_id: str):
    """The installation's columns as a read-only row (what context_of needs), in one
    autocommit round trip instead of an ORM session's BEGIN, SELECT and ROLLBACK."""
    return database.autocommit(lambda c: c.execute(_ROW, {"b_id": installation_id}).first())


def load(session: Session, keyring: Keyring, installation_id: str,
         database: Database | None = None) -> tuple[Installation, InstallationContext]:
    row = session.get(Installation, installation_id)
    if row is None:
        raise InstallationNotFound(installation_id)
    return row, context_of(row, keyring, database)


def find_by_account(session: Session, provider: str, account: str) -> Installation | None:
    return session.scalar(select(Installation).where(
        Installation.provider == provider, Installation.account == account))


def save_credentials(database: Database, keyring: Keyring, installation_id: str,
                     credentials: dict[str, Any]) -> None:
    # Its own transaction: a rotated refresh token must be stored even if the
    # task that refreshed it fails later (the old token is already dead).
    with database.session() as session:
        session.execute(update(Installation).where(Installation.id == installation_id).values(
            credentials_encrypted=keyring.encrypt_json(credentials), updated_at=utcnow()))


def rotate_webhook_secret(session: Session, keyring: Keyring, row: Installation,
                          new_secret: str | None = None, keep_previous: bool = True) -> str:
    """Put a new secret first; the previous one stays valid until the next rotation."""
    current = keyring.decrypt_json(row.webhook_secrets_encrypted) \
        if row.webhook_secrets_encrypted else []
    secret = new_secret or new_webhook_secret()
    kept = current[:1] if keep_previous else []
    row.webhook_secrets_encrypted = keyring.encrypt_json([secret, *kept])
    return secret


def set_remote(session: Session, row: Installation, **values: Any) -> None:
    row.remote = {**(row.remote or {}), **values}


def mark_uninstalled(session: Session, row: Installation) -> None:
    """Tokens go at once; events and enrichments after the grace period (purge_uninstalled)."""
    row.credentials_encrypted = None
    row.webhook_secrets_encrypted = None
    row.sidebar_secret_encrypted = None
    row.status = UNINSTALLED
    row.uninstalled_at = utcnow()


def purge_uninstalled(session: Session, grace_days: int, now: datetime | None = None) -> int:
    """Delete every row of installations uninstalled more than `grace_days` ago.

    Each table by name, not by trusting ON DELETE CASCADE: a database restored without its
    foreign keys, or a new table whose migration forgot one, must not keep data behind."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=grace_days)
    ids = list(session.scalars(select(Installation.id).where(
        Installation.status == UNINSTALLED, Installation.uninstalled_at < cutoff)))
    if not ids:
        return 0
    for table in (AgentFeedback, Enrichment, Effect, Event, Backfill, CustomerMessage,
                  KnowledgeItem):
        session.execute(delete(table).where(table.installation_id.in_(ids)))
    for installation_id in ids:
        # Leases named after the installation ("ticket:<id>:…", "refresh:<id>") that a
        # crashed worker left behind.
        session.execute(delete(Lock).where(or_(
            Lock.name.like(f"%:{_escape_like(installation_id)}", escape="\\"),
            Lock.name.like(f"%:{_escape_like(installation_id)}:%", escape="\\"))))
    session.execute(delete(Installation).where(Installation.id.in_(ids)))
    return len(ids)


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def rotate_all_keys(session: Session, keyring: Keyring) -> int:
    """Re-encrypt every secret under the newest key (`tactful keys rotate`)."""
    count = 0
    for row in session.scalars(select(Installation)):
        for column in ("credentials_encrypted", "webhook_secrets_encrypted",
                       "sidebar_secret_encrypted"):
            value = getattr(row, column)
            if value:
                setattr(row, column, keyring.rotate(value))
                count += 1
    from integration.store.models import OAuthState
    for state in session.scalars(select(OAuthState)):
        if state.code_verifier_encrypted:
            state.code_verifier_encrypted = keyring.rotate(state.code_verifier_encrypted)
            count += 1
    return count


class ContextCache:
    """Decrypted installation contexts for the webhook receiver, kept a few seconds.

    Looking the installation up costs a database round trip per webhook; the
    receiver instead verifies against a cached context and, only if that fails,
    reloads once (a secret may just have rotated). A stale entry can at worst
    accept an event for an installation uninstalled seconds ago, which the worker
    then ignores.
    """

    def __init__(self, ttl_s: float = 10.0, max_entries: int = 10_000):
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._entries: dict[str, tuple[float, InstallationContext]] = {}
        self._lock = threading.Lock()

    def get(self, installation_id: str) -> InstallationContext | None:
        with self._lock:
            entry = self._entries.get(installation_id)
        if entry is None or time.monotonic() - entry[0] > self.ttl_s:
            return None
        return entry[1]

    def put(self, ctx: InstallationContext) -> None:
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[ctx.id] = (time.monotonic(), ctx)

    def forget(self, installation_id: str) -> None:
        with self._lock:
            self._entries.pop(installation_id, None)


def webhook_url(public_url: str, provider: str, installation_id: str) -> str:
    """Where the helpdesk must send events: per installation, or one app-level URL."""
    from connectors import registry
    try:
        app_level = getattr(registry.get(provider), "app_level_webhooks", False)
    except registry.UnknownProvider:
        app_level = False
    base = f"{public_url.rstrip('/')}/webhooks/{provider}"
    return base if app_level else f"{base}/{installation_id}"
