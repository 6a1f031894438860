"""Creating what Tactful needs in a Freshdesk account, or saying exactly what to paste.

Two automation rules call our webhook ("Trigger webhook" action, Growth plan and
up) and four ticket fields hold what we measured. Both are looked up by name
first, so running this again never duplicates them. Where the account refuses
(plan without the automations API, an agent key without admin rights), nothing
is half-made silently: the result carries the rule for the admin to paste.
"""
from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field

from connectors.errors import ConnectorError, NotFound
from connectors.freshdesk.client import FreshdeskClient
from connectors.freshdesk.webhook import RULE_SOURCE, SECRET_HEADER
from connectors.http import api_path

CREATION_RULES = 1          # Freshdesk automation types: 1 ticket creation,
UPDATE_RULES = 4            # 4 ticket updates
REQUESTER_PERFORMER = 2
# Logical field name (what policy decides) -> the label of the ticket field we create.
TICKET_FIELDS = {
    "sentiment": "Tactful sentiment",
    "emotions": "Tactful emotions",
    "priority": "Tactful suggested priority",
    "topic": "Tactful topic",
}
RULES = {
    "created": {"type": CREATION_RULES, "name": "Tactful: new ticket",
                "when": "a ticket is created",
                "conditions": [{"resource_type": "ticket", "field_name": "status",
                                "operator": "in", "value": [2, 3]}]},
    # Performed by the requester only: our own write-back (an agent) never fires it.
    "replied": {"type": UPDATE_RULES, "name": "Tactful: customer replied",
                "when": "a reply is sent, performed by the Requester",
                "performer": {"type": REQUESTER_PERFORMER},
                "events": [{"field_name": "reply_sent"}], "conditions": []},
}


@dataclass(frozen=True)
class Provisioned:
    remote: dict                      # ids and field names to keep (installations.set_remote)
    created: tuple[str, ...]
    manual: str | None = None         # the rule to paste, when the API would not create it
    problems: tuple[str, ...] = field(default_factory=tuple)


def rule_body(event: str, account: str) -> dict:
    """The JSON the rule sends; webhook.parse_event reads exactly these keys.

    Only ids and a time: the ticket itself is fetched through the API, so no
    ticket text or email travels through the rule.
    """
    return {"source": RULE_SOURCE, "event": event, "ticket_id": "{{ticket.id}}",
            "updated_at": "{{ticket.updated_at}}", "account": account}


def rule_spec(event: str, account: str, url: str, secret: str) -> dict:
    spec = RULES[event]
    rule = {"name": spec["name"], "active": True,
            "conditions": [{"name": "condition_set_1", "match_type": "all",
                            "properties": spec["conditions"]}],
            "actions": [{"field_name": "trigger_webhook", "request_type": "POST", "url": url,
                         "content_type": "JSON", "content_layout": "2",
                         "custom_headers": {SECRET_HEADER: secret},
                         "content": json.dumps(rule_body(event, account))}]}
    for key in ("performer", "events"):
        if key in spec:
            rule[key] = spec[key]
    return rule


def provision(client: FreshdeskClient, account: str, url: str, secret: str) -> Provisioned:
    created: list[str] = []
    problems: list[str] = []
    fields = _try(lambda: ensure_ticket_fields(client, created), "ticket fields", problems)
    rules = _try(lambda: ensure_rules(client, account, url, secret, created),
                 "automation rules", problems)
    return Provisioned(
        remote={"fields": fields or {}, "rule_ids": rules or {}}, created=tuple(created),
        manual=None if rules else manual_rule(account, url, secret),
        problems=tuple(problems))


def _try(step, what: str, problems: list[str]):
    try:
        return step()
    except ConnectorError as exc:
        problems.append(f"could not create the {what}: {type(exc).__name__}: {exc.args[-1]}")
        return None


def ensure_ticket_fields(client: FreshdeskClient, created: list[str]) -> dict[str, str]:
    existing = {f.get("label"): f.get("name")
                for f in client.list_of("/api/v2/admin/ticket_fields")}
    names = {}
    for logical, label in TICKET_FIELDS.items():
        if not existing.get(label):
            existing[label] = client.create_ticket_field({
                "label": label, "label_for_customers": label, "type": "custom_text",
                "customers_can_edit": False, "displayed_to_customers": False,
                "required_for_closure": False, "required_for_agents": False,
                "required_for_customers": False})["name"]
            created.append(f"ticket field {label!r}")
        names[logical] = existing[label]      # the cf_… API name
    return names


def ensure_rules(client: FreshdeskClient, account: str, url: str, secret: str,
                 created: list[str]) -> dict[str, str]:
    ids = {}
    for event, spec in RULES.items():
        wanted = rule_spec(event, account, url, secret)
        existing = {r.get("name"): r for r in client.list_of(
            api_path("/api/v2/automations/{}/rules", spec["type"]))}
        found = existing.get(spec["name"])
        if found is None:
            found = client.create_automation_rule(spec["type"], wanted)
            created.append(f"automation rule {spec['name']!r}")
        else:
            # Points at an old URL or secret, or an admin edited it: put ours back.
            client.update_automation_rule(spec["type"], found["id"], wanted)
            created.append(f"automation rule {spec['name']!r} (updated)")
        ids[event] = f"{spec['type']}:{found['id']}"
    return ids


def unprovision(client: FreshdeskClient, remote: dict) -> None:
    """Remove our rules (ticket fields stay: they hold agents' data)."""
    for value in (remote.get("rule_ids") or {}).values():
        automation_type, rule_id = str(value).split(":", 1)
        with contextlib.suppress(NotFound):
            client.delete_automation_rule(int(automation_type), rule_id)


def manual_rule(account: str, url: str, secret: str) -> str:
    """The rules, spelled out for Admin > Workflows > Automations."""
    lines = []
    for event, spec in RULES.items():
        tab = "Ticket Creation" if spec["type"] == CREATION_RULES else "Ticket Updates"
        lines += [
            f"Rule {spec['name']!r} (tab {tab!r}):",
            f"  When:        {spec['when']}",
            "  Conditions:  " + ("status is Open or Pending" if spec["conditions"]
                                 else "none (any ticket)"),
            "  Action:      Trigger webhook",
            "    Request type: POST",
            f"    URL:          {url}",
            "    Requires authentication: no",
            f"    Custom header: {SECRET_HEADER}: {secret}",
            "    Encoding: JSON, Content: Advanced",
            f"    Body: {json.dumps(rule_body(event, account))}",
            "",
        ]
    return "\n".join(lines).rstrip()
