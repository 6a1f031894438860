"""Proactive alerts: settings, URL safety, the once-a-day claim, the Slack-compatible payload,
and delivery.

An alert is claimed in the effects ledger under `alert:<condition>:<requester>:<day>`
before it is queued, so it is sent at most once per customer per condition per day
however many messages, redeliveries or workers meet the condition. Delivery is a
Celery task (tasks/alerts.py) with bounded retries.

URL rule: https only, and the host (a literal or every address it resolves to) may not
be private, loopback, link-local, multicast, reserved or unspecified: an admin-set URL
must not reach into our own network (SSRF). The rule is checked when the settings are
saved and again, after DNS resolution, just before each send. Http and loopback
addresses are allowed only for a local receiver: with TACTFUL_ENV=test, or with
TACTFUL_ALERTS_ALLOW_LOOPBACK outside production (the demo's receiver); private and
link-local addresses stay refused even then.
"""
from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit

import requests
from marshmallow import RAISE, Schema, ValidationError, fields, validate
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from integration.logs import fields as log_fields
from integration.store.db import Database
from integration.store.models import Effect

log = logging.getLogger("tactful.alerts")
CONDITIONS = ("escalation", "at_risk", "worsening_vip")
SEND_TIMEOUT_S = (3.05, 10.0)


class UnsafeURL(ValueError):
    """The alert URL may not be used (scheme, or an address inside a private network)."""


class AlertSettingsSchema(Schema):
    class Meta:
        unknown = RAISE

    webhook_url = fields.Str(required=True, validate=validate.Length(min=8, max=2000))
    on = fields.List(fields.Str(validate=validate.OneOf(CONDITIONS)),
                     load_default=lambda: list(CONDITIONS))

    def __init__(self, *args, env: str = "production", resolve: bool = False,
                 allow_loopback: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.env, self.resolve, self.allow_loopback = env, resolve, allow_loopback

    def load(self, data, **kwargs):
        loaded = super().load(data, **kwargs)
        try:
            check_url(loaded["webhook_url"], self.env, resolve=self.resolve,
                      allow_loopback=self.allow_loopback)
        except UnsafeURL as exc:
            raise ValidationError({"webhook_url": [str(exc)]}) from None
        return loaded


def check_url(url: str, env: str, *, resolve: bool = True,
              allow_loopback: bool = False) -> None:
    """Raise UnsafeURL unless `url` may receive alerts (see the module docstring).

    `allow_loopback` (TACTFUL_ALERTS_ALLOW_LOOPBACK) never relaxes production."""
    relaxed = env == "test" or (allow_loopback and env != "production")
    parts = urlsplit(url)
    if parts.scheme != "https" and not (relaxed and parts.scheme == "http"):
        raise UnsafeURL("alert webhook_url must use https")
    if not parts.hostname or parts.username or parts.password:
        raise UnsafeURL("alert webhook_url needs a host and no credentials in the URL")
    for address in _addresses(parts.hostname, parts.port, resolve):
        _check_address(address, relaxed)


def _addresses(host: str, port: int | None, resolve: bool) -> list[str]:
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return ["127.0.0.1"]
    if not resolve:
        return []
    try:
        infos = socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise UnsafeURL(f"alert webhook host does not resolve: {host}") from exc
    return sorted({info[4][0] for info in infos})


def _check_address(address: str, relaxed: bool) -> None:
    ip = ipaddress.ip_address(address)
    if ip.is_loopback and relaxed:
        return
    for kind in ("loopback", "private", "link_local", "multicast", "reserved", "unspecified"):
        if getattr(ip, f"is_{kind}"):
            raise UnsafeURL(f"alert webhook_url points at a {kind.replace('_', '-')} "
                            f"address ({address})")


def claim(database: Database, installation_id: str, ticket_id: str, requester_id: str,
          condition: str, now: datetime) -> bool:
    """Take today's slot for (requester, condition); False when already alerted today."""
    key = f"alert:{condition}:{requester_id}:{now.date().isoformat()}"
    try:
        with database.engine.begin() as connection:
            connection.execute(insert(Effect), {"installation_id": installation_id,
                                                "ticket_id": str(ticket_id), "op_key": key})
        return True
    except IntegrityError:
        return False


_HEADLINES = {"escalation": "A message needs a human now",
              "at_risk": "A customer looks at risk of leaving",
              "worsening_vip": "A VIP customer's mood is worsening"}


def payload(condition: str, *, ticket_id: str, account: str, provider: str,
            reasons: list[str], priority: str) -> dict:
    """Slack-compatible (text + blocks): Slack, Mattermost and Teams incoming webhooks take it.

    Labels only: no ticket text, names or emails leave Tactful in an alert."""
    headline = f"{_HEADLINES[condition]}: {provider} ticket {ticket_id} ({account})"
    why = "; ".join(reasons) or condition.replace("_", " ")
    return {"text": f"{headline}. {why}. Priority {priority}.",
            "blocks": [
                {"type": "section", "text": {"type": "mrkdwn", "text": f"*{headline}*"}},
                {"type": "section", "text": {"type": "mrkdwn", "text": f"Why: {why}"}},
                {"type": "context", "elements": [
                    {"type": "mrkdwn", "text": f"Priority {priority} · condition {condition}"}]},
            ]}


def send(url: str, body: dict, env: str,
         post: Callable[..., requests.Response] | None = None, *,
         allow_loopback: bool = False) -> int:
    """POST the alert after re-checking the URL; raises on a refused or failed send."""
    check_url(url, env, resolve=True, allow_loopback=allow_loopback)
    response = (post or requests.post)(url, json=body, timeout=SEND_TIMEOUT_S,
                                       allow_redirects=False)
    if response.status_code >= 300:
        raise requests.HTTPError(f"alert webhook answered {response.status_code}")
    log.info("alert.sent", extra=log_fields(status=response.status_code))
    return response.status_code
