"""Zendesk webhooks in: signature check, then the two delivery modes parsed into TicketEvent.

Zendesk signs `timestamp + raw body` with HMAC-SHA256 and sends the base64
digest. The key is the signing secret *string* as shown in Zendesk, never
base64-decoded. Each installation has its own secret; during a rotation the
previous one stays valid (InstallationContext.webhook_secrets, newest first).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from marshmallow import ValidationError

from connectors.base import InstallationContext, TicketEvent
from connectors.errors import PayloadError, SignatureError
from connectors.schemas import matches
from connectors.zendesk.schemas import (
    TICKET_ID,
    EventBodySchema,
    EventEnvelopeSchema,
    TicketDetailSchema,
    TriggerBodySchema,
)

SIGNATURE_HEADER = "X-Zendesk-Webhook-Signature"
TIMESTAMP_HEADER = "X-Zendesk-Webhook-Signature-Timestamp"
DEFAULT_TOLERANCE = timedelta(minutes=5)
EVENT_TYPE_PREFIX = "zen:event-type:"
TRIGGER_SOURCE = "tactful-trigger"
_UNFILLED_PLACEHOLDER = re.compile(r"\{\{.*\}\}")
# Built once: a schema instance is reusable across requests and costly to construct.
_ENVELOPE, _DETAIL = EventEnvelopeSchema(), TicketDetailSchema()
_EVENT_BODY, _TRIGGER_BODY = EventBodySchema(), TriggerBodySchema()


def signature_of(secret: str, timestamp: str, raw_body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + raw_body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def check_signature(given: str, timestamp: str, raw_body: bytes, secrets: list[str]) -> None:
    """Raise SignatureError unless one of the installation's secrets produced `given`."""
    matches = [hmac.compare_digest(signature_of(s, timestamp, raw_body).encode(), given.encode())
               for s in secrets if s]
    if not any(matches):
        raise SignatureError("signature does not match")


def check_freshness(timestamp: str, now: datetime,
                    tolerance: timedelta = DEFAULT_TOLERANCE) -> None:
    """Reject replays: the signed timestamp must be within `tolerance` of our clock."""
    try:
        sent = datetime.fromisoformat(timestamp)
        if sent.tzinfo is None:
            sent = sent.replace(tzinfo=UTC)
        fresh = abs(now - sent) <= tolerance
    except (ValueError, OverflowError):
        # Year 1 or 9999 with an offset overflows the subtraction: not a real send time.
        raise SignatureError("signature timestamp is not an ISO-8601 time near now") from None
    if not fresh:
        raise SignatureError("signature timestamp is outside the accepted window")


def verify(headers: Mapping[str, str], raw_body: bytes, installation: InstallationContext | None,
           now: datetime) -> None:
    given = headers.get(SIGNATURE_HEADER, "")
    timestamp = headers.get(TIMESTAMP_HEADER, "")
    if not given or not timestamp:
        raise SignatureError(f"missing {SIGNATURE_HEADER} or {TIMESTAMP_HEADER}")
    if installation is None or not installation.webhook_secrets:
        raise SignatureError("no signing secret is configured for this installation")
    check_signature(given, timestamp, raw_body, installation.webhook_secrets)
    tolerance_s = installation.settings.get("webhook_tolerance_s")
    check_freshness(timestamp, now,
                    timedelta(seconds=tolerance_s) if tolerance_s else DEFAULT_TOLERANCE)


def parse_event(payload: dict) -> TicketEvent | None:
    """A TicketEvent for events we act on, None for genuine events we ignore."""
    if str(payload.get("type", "")).startswith(EVENT_TYPE_PREFIX):
        return _parse_subscription_event(payload)
    if payload.get("source") == TRIGGER_SOURCE:
        return _parse_trigger_body(payload)
    raise PayloadError("neither a Zendesk event (type zen:event-type:…) nor a Tactful "
                       f"trigger body (source {TRIGGER_SOURCE!r})")


def _load(schema, data, what: str) -> dict:
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise PayloadError(f"{what}: {exc.messages}") from None


def _created(envelope: dict, detail: dict, body: dict) -> str | None:
    return "created"


def _comment_added(envelope: dict, detail: dict, body: dict) -> str | None:
    comment = body.get("comment") or {}
    # Internal notes (ours included) are not customer messages.
    return "replied" if comment.get("is_public", True) else None


# Event type -> function deciding the kind (None = ignore). Other ticket events
# (tags, priority, status, custom field changes) are often our own write-back.
SUBSCRIPTION_EVENTS = {
    "ticket.created": _created,
    "ticket.comment_added": _comment_added,
}


def _parse_subscription_event(payload: dict) -> TicketEvent | None:
    envelope = _load(_ENVELOPE, payload, "event envelope")
    kind_of = SUBSCRIPTION_EVENTS.get(envelope["type"].removeprefix(EVENT_TYPE_PREFIX))
    if kind_of is None:
        return None
    detail = _load(_DETAIL, envelope["detail"], "event detail")
    body = _load(_EVENT_BODY, envelope["event"], "event body")
    kind = kind_of(envelope, detail, body)
    if kind is None:
        return None
    via = (detail.get("via") or {}).get("channel")
    # account_id here is Zendesk's numeric account id, not the subdomain we install
    # by; the per-installation secret is what binds this event to its tenant.
    return TicketEvent(
        provider_event_id=envelope["id"], ticket_id=detail["id"], kind=kind,
        occurred_at=parse_time(envelope.get("time")), actor_id=detail.get("actor_id"),
        via=normalise_via(via))


def _parse_trigger_body(payload: dict) -> TicketEvent | None:
    body = _load(_TRIGGER_BODY, payload, "trigger body")
    if body["event"] not in ("created", "replied"):
        return None
    ticket_id = body["ticket_id"].strip()
    if not matches(TICKET_ID, ticket_id):
        raise PayloadError("trigger body ticket_id must be the ticket number "
                           "(was the {{ticket.id}} placeholder left unfilled?)")
    updated_at = (body.get("updated_at") or "").strip()
    if _UNFILLED_PLACEHOLDER.search(updated_at):
        updated_at = ""
    return TicketEvent(
        provider_event_id=_trigger_event_id(body["event"], ticket_id, updated_at),
        ticket_id=ticket_id, kind=body["event"],
        occurred_at=parse_time(updated_at), actor_id=body.get("actor_id"),
        via=normalise_via(body.get("via")), account=body.get("account") or None)


def _trigger_event_id(event: str, ticket_id: str, updated_at: str) -> str:
    """Trigger bodies carry no event id: the ticket's update time identifies the change.

    A ticket is created once, so "created" needs no time. A reply does: without the
    exact update time every later reply on the ticket would look like the first one
    and be dropped as a duplicate for the dedup window, so a reply body without it
    (a hand-edited trigger, or a date-only placeholder such as {{ticket.updated_at}})
    is refused, naming the placeholder the trigger must send.
    """
    if event == "created":
        return f"trigger:created:{ticket_id}:{updated_at or 'unknown'}"
    stamp = parse_time(updated_at)
    if stamp is None or "T" not in updated_at.upper():
        raise PayloadError("a reply's trigger body needs updated_at with the time of the "
                           "change: send \"updated_at\": \"{{ticket.updated_at_with_timestamp}}\"")
    return f"trigger:replied:{ticket_id}:{updated_at}"


def normalise_via(value) -> str | None:
    """"Web Service", "web_service" and "api" all name an API write."""
    if not value or not isinstance(value, str):
        return None
    return value.strip().lower().replace(" ", "_")


def parse_time(value: str | None) -> datetime | None:
    """ISO-8601 only; placeholders such as "February 3, 2025" are tolerated as unknown."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
