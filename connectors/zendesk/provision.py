"""Creating what Tactful needs in a Zendesk account, idempotently.

Run after every install (OAuth or API token) and safe to run again: each
resource is looked up by its name first and only created when missing, so a
re-install never duplicates the webhook, the triggers or the ticket fields.
"""
from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass

from connectors.errors import NotFound
from connectors.http import api_path
from connectors.zendesk.client import ZendeskClient
from connectors.zendesk.webhook import TRIGGER_SOURCE

WEBHOOK_NAME = "Tactful"
DONE_TAG = "tactful_done"
API_VIA_ID = "5"          # Zendesk's via id for "Web service / API"
# Logical field name (what policy decides) -> the Zendesk ticket field we create.
TICKET_FIELDS = {
    "sentiment": "Tactful sentiment",
    "emotions": "Tactful emotions",
    "priority": "Tactful suggested priority",
    "topic": "Tactful topic",
}
TRIGGERS = {
    "created": {
        "title": "Tactful: new ticket",
        # Nullifying condition: a ticket Tactful already enriched never fires again.
        "all": [{"field": "update_type", "operator": "is", "value": "Create"},
                {"field": "current_tags", "operator": "not_includes", "value": DONE_TAG}],
    },
    "replied": {
        "title": "Tactful: customer replied",
        # Our own write-back is an API update by an agent: both conditions skip it.
        "all": [{"field": "update_type", "operator": "is", "value": "Change"},
                {"field": "comment_is_public", "operator": "is", "value": "true"},
                {"field": "role", "operator": "is", "value": "end_user"},
                {"field": "current_via_id", "operator": "is_not", "value": API_VIA_ID}],
    },
}


@dataclass(frozen=True)
class Provisioned:
    remote: dict            # ids to keep with the installation (installations.set_remote)
    webhook_secret: str     # the signing secret Zendesk holds for our webhook (store encrypted)
    created: tuple[str, ...]


def trigger_body(event: str, account: str | None) -> str:
    """The JSON our trigger sends; webhook.parse_event reads exactly these keys.

    `account` is the subdomain we installed, for the receiver's tenant cross-check;
    no placeholder yields the subdomain, so the marketplace requirement omits it.
    """
    body = {"source": TRIGGER_SOURCE, "event": event, "ticket_id": "{{ticket.id}}",
            "account": account, "updated_at": "{{ticket.updated_at_with_timestamp}}",
            "actor_id": "{{current_user.id}}", "via": "{{ticket.via}}"}
    return json.dumps({k: v for k, v in body.items() if v is not None})


def provision(client: ZendeskClient, account: str, webhook_url: str,
              signing_secret: str) -> Provisioned:
    created: list[str] = []
    fields = ensure_ticket_fields(client, created)
    webhook_id = ensure_webhook(client, webhook_url, signing_secret, created)
    secret = client.get_json(api_path("/api/v2/webhooks/{}/signing_secret", webhook_id))
    trigger_ids = ensure_triggers(client, webhook_id, account, created)
    return Provisioned(
        remote={"fields": fields, "webhook_id": webhook_id, "trigger_ids": trigger_ids},
        webhook_secret=(secret.get("signing_secret") or {}).get("secret") or signing_secret,
        created=tuple(created))


def ensure_ticket_fields(client: ZendeskClient, created: list[str]) -> dict[str, int | str]:
    existing = {f.get("title"): f.get("id")
                for f in client.list_of("/api/v2/ticket_fields.json", "ticket_fields")}
    ids = {}
    for name, title in TICKET_FIELDS.items():
        if existing.get(title) is None:
            existing[title] = client.create("/api/v2/ticket_fields.json", "ticket_field", {
                "type": "text", "title": title, "active": True,
                "description": f"Written by Tactful from the customer's message ({name})."})["id"]
            created.append(f"ticket field {title!r}")
        ids[name] = existing[title]
    return ids


def ensure_webhook(client: ZendeskClient, url: str, signing_secret: str,
                   created: list[str]) -> str:
    for hook in client.list_of("/api/v2/webhooks", "webhooks",
                               params={"filter[name_contains]": WEBHOOK_NAME}):
        if hook.get("endpoint") == url:
            return str(hook["id"])
    hook = client.create("/api/v2/webhooks", "webhook", {
        "name": WEBHOOK_NAME, "status": "active", "endpoint": url, "http_method": "POST",
        "request_format": "json", "subscriptions": ["conditional_ticket_events"],
        "signing_secret": {"algorithm": "SHA256", "secret": signing_secret}})
    created.append("webhook")
    return str(hook["id"])


def ensure_triggers(client: ZendeskClient, webhook_id: str, account: str,
                    created: list[str]) -> dict[str, str]:
    existing = {t.get("title"): t for t in client.list_of("/api/v2/triggers.json", "triggers")}
    ids = {}
    for event, spec in TRIGGERS.items():
        wanted = {"title": spec["title"], "active": True,
                  "conditions": {"all": spec["all"], "any": []},
                  "actions": [{"field": "notification_webhook",
                               "value": [webhook_id, trigger_body(event, account)]}]}
        found = existing.get(spec["title"])
        if found is None:
            found = client.create("/api/v2/triggers.json", "trigger", wanted)
            created.append(f"trigger {spec['title']!r}")
        elif found.get("actions") != wanted["actions"] or found.get("conditions") != \
                wanted["conditions"]:
            # Points at an old webhook, or an admin edited it: put ours back.
            client.replace(api_path("/api/v2/triggers/{}.json", found["id"]), "trigger", wanted)
            created.append(f"trigger {spec['title']!r} (updated)")
        ids[event] = str(found["id"])
    return ids


def unprovision(client: ZendeskClient, remote: dict) -> None:
    """Remove the triggers and webhook (ticket fields stay: they hold agents' data)."""
    paths = [api_path("/api/v2/triggers/{}.json", i)
             for i in (remote.get("trigger_ids") or {}).values()]
    if remote.get("webhook_id"):
        paths.append(api_path("/api/v2/webhooks/{}", remote["webhook_id"]))
    for path in paths:
        with contextlib.suppress(NotFound):
            client.delete(path)
