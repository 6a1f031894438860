"""Freshdesk events in: two delivery modes on one URL, told apart by their headers.

1. An automation rule's "Trigger webhook" action. Freshdesk does not sign these,
   so the rule sends the installation's secret in X-Tactful-Secret (over TLS).
2. The marketplace app's serverless handlers (manifest/freshdesk/server), which
   sign `timestamp + raw body` with HMAC-SHA256 under the same secret.

Both compare in constant time against every active secret (newest first; the
previous one stays valid while rotating).
"""
from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from connectors.base import InstallationContext, TicketEvent
from connectors.errors import PayloadError, SignatureError
from connectors.freshdesk.schemas import TICKET_ID, AppEventSchema, RuleBodySchema, load
from connectors.schemas import matches

SECRET_HEADER = "X-Tactful-Secret"
SIGNATURE_HEADER = "X-Tactful-Signature"
TIMESTAMP_HEADER = "X-Tactful-Timestamp"
DEFAULT_TOLERANCE = timedelta(minutes=5)
RULE_SOURCE = "tactful-rule"
APP_SOURCE = "tactful-app"
_UNFILLED_PLACEHOLDER = re.compile(r"\{\{.*\}\}")
_FRESHDESK_HOST = re.compile(r"^(?:https?://)?([a-z0-9][a-z0-9-]*)\.freshdesk\.com/?$")


def signature_of(secret: str, timestamp: str, raw_body: bytes) -> str:
    """Hex HMAC-SHA256 of timestamp + body; the app computes the same in server.js."""
    return hmac.new(secret.encode(), timestamp.encode() + raw_body, hashlib.sha256).hexdigest()


def verify(headers: Mapping[str, str], raw_body: bytes, installation: InstallationContext | None,
           now: datetime) -> None:
    secrets = [s for s in (installation.webhook_secrets if installation else []) if s]
    if not secrets:
        raise SignatureError("no webhook secret is configured for this installation")
    if headers.get(SIGNATURE_HEADER) is not None or headers.get(TIMESTAMP_HEADER) is not None:
        tolerance_s = installation.settings.get("webhook_tolerance_s")
        _verify_signed(headers, raw_body, secrets, now,
                       timedelta(seconds=tolerance_s) if tolerance_s else DEFAULT_TOLERANCE)
    elif headers.get(SECRET_HEADER):
        _verify_shared_secret(headers[SECRET_HEADER], secrets)
    else:
        raise SignatureError(f"missing {SECRET_HEADER}, or {SIGNATURE_HEADER} with "
                             f"{TIMESTAMP_HEADER}")


def _verify_shared_secret(given: str, secrets: list[str]) -> None:
    # Digests of equal length, so the comparison time says nothing about the secret's length.
    given_digest = hashlib.sha256(given.encode()).digest()
    matches = [hmac.compare_digest(given_digest, hashlib.sha256(s.encode()).digest())
               for s in secrets]
    if not any(matches):
        raise SignatureError(f"{SECRET_HEADER} does not match")


def _verify_signed(headers: Mapping[str, str], raw_body: bytes, secrets: list[str],
                   now: datetime, tolerance: timedelta) -> None:
    given = headers.get(SIGNATURE_HEADER, "").strip().removeprefix("sha256=")
    timestamp = headers.get(TIMESTAMP_HEADER, "").strip()
    if not given or not timestamp:
        raise SignatureError(f"signed deliveries need both {SIGNATURE_HEADER} and "
                             f"{TIMESTAMP_HEADER}")
    matches = [hmac.compare_digest(signature_of(s, timestamp, raw_body).encode(),
                                   given.encode()) for s in secrets]
    if not any(matches):
        raise SignatureError("signature does not match")
    if not (timestamp.isascii() and timestamp.isdigit()):
        raise SignatureError(f"{TIMESTAMP_HEADER} must be unix seconds")
    try:
        sent = datetime.fromtimestamp(int(timestamp), UTC)
    except (OverflowError, OSError, ValueError):
        # Signed, but no clock reads this: the sender is not the app we installed.
        raise SignatureError(f"{TIMESTAMP_HEADER} is not a time near now") from None
    if abs(now - sent) > tolerance:
        raise SignatureError("signature timestamp is outside the accepted window")


def parse_event(payload: dict) -> TicketEvent | None:
    """A TicketEvent for events we act on, None for genuine events we ignore."""
    source = payload.get("source")
    if source == APP_SOURCE:
        return _parse_app_event(payload)
    if source == RULE_SOURCE:
        return _parse_rule_body(payload)
    raise PayloadError(f"source must be {RULE_SOURCE!r} (automation rule) or {APP_SOURCE!r} "
                       "(marketplace app)")


# Built once: a schema instance builds its nested schemas on first load, per instance.
_RULE_BODY, _APP_EVENT = RuleBodySchema(), AppEventSchema()


def _parse_rule_body(payload: dict) -> TicketEvent | None:
    body = load(_RULE_BODY, payload, PayloadError, "rule body")
    if body["event"] not in ("created", "replied"):
        return None
    ticket_id = body["ticket_id"].strip()
    if not matches(TICKET_ID, ticket_id):
        raise PayloadError("ticket_id must be the ticket number "
                           "(was the {{ticket.id}} placeholder left unfilled?)")
    updated_at = (body.get("updated_at") or "").strip()
    if _UNFILLED_PLACEHOLDER.search(updated_at):
        updated_at = ""
    return TicketEvent(
        provider_event_id=_rule_event_id(body["event"], ticket_id, updated_at),
        ticket_id=ticket_id, kind=body["event"], occurred_at=parse_time(updated_at),
        account=account_of(body.get("account")))


def _rule_event_id(event: str, ticket_id: str, updated_at: str) -> str:
    # Rule webhooks carry no event id: ticket id + update time identify the change,
    # so Freshdesk's own retries (5, 30, 60 min later) are stored once.
    if updated_at or event == "created":
        return f"rule:{event}:{ticket_id}:{updated_at}"
    # Without a time, a fixed id would swallow every later reply on the ticket;
    # storing a retry twice is harmless instead (the effects ledger writes once).
    return f"rule:{event}:{ticket_id}:unstamped:{uuid.uuid4().hex}"


# FDK event name -> function deciding the kind (None = a genuine event we ignore).
def _ticket_created(event: dict) -> str | None:
    return "created"


def _conversation_created(event: dict) -> str | None:
    conversation = event.get("conversation") or {}
    # Notes (ours included) and agent replies are not customer messages.
    return "replied" if conversation.get("incoming") and not conversation.get("private") \
        else None


APP_EVENTS = {
    "onTicketCreate": _ticket_created,
    "onConversationCreate": _conversation_created,
}


def _parse_app_event(payload: dict) -> TicketEvent | None:
    event = load(_APP_EVENT, payload, PayloadError, "app event")
    kind_of = APP_EVENTS.get(event["event"])
    kind = kind_of(event) if kind_of else None
    if kind is None:
        return None
    actor = (event.get("actor") or {}).get("id") or \
        (event.get("conversation") or {}).get("user_id")
    occurred = event.get("occurred_at")
    return TicketEvent(
        provider_event_id=f"app:{event['event_id']}", ticket_id=event["ticket_id"], kind=kind,
        occurred_at=datetime.fromtimestamp(occurred / 1000, UTC) if occurred else None,
        actor_id=actor, via="app", account=account_of(event.get("account")))


def account_of(domain: str | None) -> str | None:
    """"acme.freshdesk.com", "https://acme.freshdesk.com" and "acme" all name account acme."""
    if not domain:
        return None
    text = domain.strip().lower()
    match = _FRESHDESK_HOST.match(text)
    return match.group(1) if match else text


def parse_time(value: str | None) -> datetime | None:
    """ISO-8601 only; anything else (a label, an unfilled placeholder) is unknown."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())   # 3.11 reads "Z"
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
