"""What Zendesk does after a ticket changes: run triggers, fire webhooks, signed as Zendesk signs.

Triggers are evaluated with the condition subset Tactful's provisioning uses;
an unknown condition never matches, so the sandbox errs towards silence. The
`echo_writes` fault fires our triggers' webhooks for every API write anyway, as
a misconfigured account (trigger conditions removed) would: the loop-guard test.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
import uuid
from dataclasses import dataclass

from integration.sandbox.core import Account, Sandbox

VIA_NAMES = {0: "Web form", 4: "Mail", 5: "Web Service"}
VIA_CHANNELS = {0: "web", 4: "email", 5: "web_service"}
_PLACEHOLDER = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")


@dataclass(frozen=True)
class Update:
    """One change to a ticket, as the trigger engine sees it."""

    type: str                        # "Create" or "Change"
    via_id: int                      # 4 = mail, 5 = web service / API
    actor: dict                      # the user making the change
    comment: dict | None = None
    tags_changed: bool = False


def after_update(sandbox: Sandbox, account: Account, ticket: dict, update: Update) -> None:
    """Called with the sandbox lock held, after the change is stored."""
    fired = set()
    for trigger in list(account.data["triggers"].values()):
        if trigger.get("active", True) and conditions_met(trigger.get("conditions") or {},
                                                          ticket, update):
            fired.add(trigger["id"])
            _notify(sandbox, account, trigger, ticket, update)
    if account.faults.echo_writes and update.via_id == 5:
        for trigger in list(account.data["triggers"].values()):
            if trigger["id"] not in fired:
                _notify(sandbox, account, trigger, ticket, update)
    _send_subscription_events(sandbox, account, ticket, update)


def conditions_met(conditions: dict, ticket: dict, update: Update) -> bool:
    every = all(_condition(c, ticket, update) for c in conditions.get("all") or [])
    some = conditions.get("any") or []
    return every and (not some or any(_condition(c, ticket, update) for c in some))


def _condition(condition: dict, ticket: dict, update: Update) -> bool:
    field, operator, value = (condition.get("field"), condition.get("operator"),
                              str(condition.get("value")))
    if field == "current_tags":
        wanted = set(value.split())
        present = bool(wanted & set(ticket["tags"]))
        return present if operator == "includes" else not present
    actual = {
        "update_type": update.type,
        "current_via_id": str(update.via_id),
        "comment_is_public": str(bool(update.comment and update.comment["public"])).lower(),
        "role": update.actor.get("role", "").replace("-", "_"),
        "status": ticket.get("status"),
    }
    if field not in actual:
        return False
    if operator == "is":
        return actual[field] == value
    if operator == "is_not":
        return actual[field] != value
    return False


def render(template: str, ticket: dict, update: Update) -> str:
    values = {
        "ticket.id": str(ticket["id"]),
        "ticket.title": ticket.get("subject", ""),
        "ticket.updated_at_with_timestamp": ticket["updated_at"],
        "ticket.via": VIA_NAMES.get(update.via_id, "Web Service"),
        "ticket.status": ticket.get("status", ""),
        "current_user.id": str(update.actor["id"]),
    }
    # Zendesk renders an unknown placeholder as an empty string.
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), template)


def signature_headers(secret: str, body: bytes, hook_id: str) -> dict[str, str]:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    digest = hmac.new(secret.encode(), stamp.encode() + body, hashlib.sha256).digest()
    return {"Content-Type": "application/json", "User-Agent": "Zendesk Webhook",
            "X-Zendesk-Webhook-Id": hook_id, "X-Zendesk-Webhook-Invocation-Id": uuid.uuid4().hex,
            "X-Zendesk-Webhook-Signature": base64.b64encode(digest).decode(),
            "X-Zendesk-Webhook-Signature-Timestamp": stamp}


def _deliver(sandbox: Sandbox, account: Account, hook: dict, body: bytes, ticket: dict,
             kind: str) -> None:
    if hook.get("status", "active") != "active":
        return
    sandbox.sender.send(hook["endpoint"], body, signature_headers(hook["secret"], body, hook["id"]),
                        {"vendor": "zendesk", "account": account.name,
                         "ticket": str(ticket["id"]), "webhook_id": hook["id"], "kind": kind})


def _notify(sandbox: Sandbox, account: Account, trigger: dict, ticket: dict,
            update: Update) -> None:
    for action in trigger.get("actions") or []:
        if action.get("field") != "notification_webhook":
            continue
        hook_id, template = action["value"][0], action["value"][1]
        hook = account.data["webhooks"].get(hook_id)
        if hook is not None:
            body = render(template, ticket, update).encode()
            _deliver(sandbox, account, hook, body, ticket, f"trigger:{trigger['id']}")


def _event_types(update: Update) -> list[str]:
    types = ["ticket.created"] if update.type == "Create" else []
    if update.comment is not None and update.type != "Create":
        types.append("ticket.comment_added")
    if update.tags_changed:
        types.append("ticket.tags_changed")
    return types


def _send_subscription_events(sandbox: Sandbox, account: Account, ticket: dict,
                              update: Update) -> None:
    hooks = [h for h in account.data["webhooks"].values()
             if any(s.startswith("zen:event-type:") for s in h.get("subscriptions") or [])]
    for kind in _event_types(update) if hooks else []:
        body = json.dumps(_event_payload(account, kind, ticket, update)).encode()
        for hook in hooks:
            if f"zen:event-type:{kind}" in hook["subscriptions"]:
                _deliver(sandbox, account, hook, body, ticket, kind)


def _event_payload(account: Account, kind: str, ticket: dict, update: Update) -> dict:
    """Event-subscription shape: every id in `detail` a string, "0" for none."""
    detail = {"id": str(ticket["id"]), "actor_id": str(update.actor["id"]),
              "requester_id": str(ticket["requester_id"]),
              "assignee_id": str(ticket.get("assignee_id") or 0), "organization_id": "0",
              "subject": ticket.get("subject", ""), "status": str(ticket.get("status")).upper(),
              "priority": str(ticket.get("priority") or "").upper() or None,
              "tags": list(ticket["tags"]), "external_id": "", "is_public": True,
              "via": {"channel": VIA_CHANNELS.get(update.via_id, "web_service")},
              "created_at": ticket["created_at"], "updated_at": ticket["updated_at"]}
    event: dict = {"meta": {"sequence": {"id": str(uuid.uuid4()), "position": 1, "total": 1}}}
    if kind == "ticket.comment_added" and update.comment is not None:
        event["comment"] = {"id": str(update.comment["id"]), "body": update.comment["body"],
                            "is_public": update.comment["public"],
                            "author": {"id": str(update.actor["id"]),
                                       "name": update.actor.get("name")}}
    return {"type": f"zen:event-type:{kind}", "account_id": account.data["account_id"],
            "id": str(uuid.uuid4()), "time": ticket["updated_at"],
            "zendesk_event_version": "2022-11-06", "subject": f"zen:ticket:{ticket['id']}",
            "detail": detail, "event": event}
