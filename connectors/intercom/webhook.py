"""Intercom notifications in: app-level signature check, then topics parsed into TicketEvent.

One URL receives every workspace's notifications, signed with the app's client
secret (`X-Hub-Signature: sha1=<hex HMAC-SHA1 of the raw body>`). The workspace
is the signed payload's `app_id`. There is no timestamp header: the notification
`id` deduplicates, and an old `created_at` only means the payload's snapshot is
stale — the worker always re-reads the conversation before acting.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from marshmallow import ValidationError

from connectors.base import TicketEvent
from connectors.errors import PayloadError, SignatureError
from connectors.intercom.schemas import ConversationSchema, NotificationSchema
from connectors.intercom.tickets import is_customer

log = logging.getLogger("tactful.intercom")
SIGNATURE_HEADER = "X-Hub-Signature"
PING = "ping"
# Topic -> kind. Only customer messages: our own notes (conversation.admin.noted)
# and Fin/bot replies (conversation.operator.replied) are never subscribed.
ACTED_ON = {"conversation.user.created": "created", "conversation.user.replied": "replied"}
# Intercom stops redelivering after 2 hours, so anything older is a replay or a
# very late copy: accepted, but its snapshot (author) is not trusted.
STALE_AFTER = timedelta(hours=2)


def signature_of(secret: str, raw_body: bytes) -> str:
    return "sha1=" + hmac.new(secret.encode(), raw_body, hashlib.sha1).hexdigest()


def verify_signature(headers: Mapping[str, str], raw_body: bytes, secret: str) -> None:
    """Raise SignatureError unless the app's client secret signed these exact bytes."""
    if not secret:
        raise SignatureError("INTERCOM_CLIENT_SECRET is not set: cannot verify Intercom "
                             "notifications")
    given = (headers.get(SIGNATURE_HEADER) or "").strip().lower()
    if not given:
        raise SignatureError(f"missing {SIGNATURE_HEADER}")
    if not hmac.compare_digest(signature_of(secret, raw_body).encode(), given.encode()):
        raise SignatureError("signature does not match")


# Built once: a schema instance builds its nested schemas on first load, per instance.
_NOTIFICATION, _CONVERSATION = NotificationSchema(), ConversationSchema()


def envelope_of(payload: dict) -> dict:
    try:
        envelope = _NOTIFICATION.load(payload)
    except ValidationError as exc:
        raise PayloadError(f"notification envelope: {exc.messages}") from None
    return envelope


def account_of(payload: dict) -> str | None:
    """The workspace (app id) a signed notification is for."""
    return envelope_of(payload).get("app_id")


def parse_event(payload: dict, now: datetime | None = None) -> TicketEvent | None:
    """A TicketEvent for customer messages; None for ping and every topic we ignore."""
    envelope = envelope_of(payload)
    kind = ACTED_ON.get(envelope["topic"])
    if kind is None:
        return None
    if not envelope.get("id"):
        raise PayloadError("notification has no id")
    item = envelope["data"]["item"]
    if item.get("type") not in (None, "conversation"):
        raise PayloadError(f"{envelope['topic']} carries a {item.get('type')!r}, "
                           "not a conversation")
    try:
        conversation = _CONVERSATION.load(item)
    except ValidationError as exc:
        raise PayloadError(f"conversation: {exc.messages}") from None
    author = _newest_author(conversation)
    occurred = envelope.get("created_at")
    stale = occurred is not None and occurred < (now or datetime.now(UTC)) - STALE_AFTER
    if stale:
        log.info("intercom.webhook.stale", extra={"tactful": {
            "age_s": int(((now or datetime.now(UTC)) - occurred).total_seconds())}})
    return TicketEvent(
        provider_event_id=envelope["id"], ticket_id=conversation["id"], kind=kind,
        occurred_at=occurred, account=envelope["app_id"],
        actor_id=None if stale else author.get("id"),
        via=None if stale else author_kind(author))


def author_kind(author: dict) -> str | None:
    """"user"/"lead" for customers; "bot" for Fin and AI answers; else Intercom's type."""
    if not author:
        return None
    if is_customer(author):
        return author.get("type")
    if author.get("from_ai_agent") or author.get("is_ai_answer"):
        return "bot"
    return author.get("type")


def _newest_author(conversation: dict) -> dict:
    parts = (conversation.get("conversation_parts") or {}).get("conversation_parts") or []
    if parts:
        return parts[-1].get("author") or {}
    return (conversation.get("source") or {}).get("author") or {}
