"""The Freshdesk API subset Tactful uses, on the shared sandbox core.

Mounted at /freshdesk/<account>/ so an installation's api_base is
`<sandbox>/freshdesk/<account>`. Shapes follow Freshdesk v2: bare objects and
arrays, integer ids and priorities, Basic auth with the API key as user name,
a ticket PUT that REPLACES the tag list, and X-RateLimit-* headers.

Automation rules run as Freshdesk runs them: creation rules on a new ticket,
update rules on a reply when the performer matches, each "Trigger webhook"
action sending its templated body with its custom headers (no signature).
"""
from __future__ import annotations

import html
import itertools
import json
import re
import secrets
import time

from flask import Flask, abort

from integration.sandbox import history
from integration.sandbox.core import Account, Sandbox, VendorModule, register_vendor

VENDOR = "freshdesk"
PRIORITY_CODES = {"low": 1, "normal": 2, "medium": 2, "high": 3, "urgent": 4}
PRIORITY_NAMES = {1: "low", 2: "normal", 3: "high", 4: "urgent"}
CREATION_RULES, UPDATE_RULES = "1", "4"
REQUESTER, AGENT = 2, 1
_ids = itertools.count(9_000_001)
_PLACEHOLDER = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def new_id() -> int:
    return next(_ids)


def create_account(sandbox: Sandbox, name: str) -> dict:
    """A fresh account with one agent (our integration agent) and its API key."""
    account = sandbox.account(VENDOR, name, create=True)
    with sandbox.lock:
        account.data = {"agents": {}, "contacts": {}, "api_keys": {}, "tickets": {},
                        "conversations": {}, "rules": {CREATION_RULES: {}, UPDATE_RULES: {}},
                        "fields": {}, "next_ticket": itertools.count(1), "agent_edits": {}}
        agent = {"id": new_id(), "type": "support_agent", "available": True,
                 "contact": {"name": "Tactful Bot", "email": f"tactful@{name}.example",
                             "active": True}, "created_at": now_iso()}
        account.data["agents"][agent["id"]] = agent
        api_key = secrets.token_urlsafe(15)
        account.data["api_keys"][api_key] = agent["id"]
    return {"vendor": VENDOR, "account": name, "api_base_path": f"/{VENDOR}/{name}",
            "api_key": api_key, "agent_id": agent["id"]}


def _contact(account: Account, requester: dict) -> dict:
    email = requester.get("email") or f"customer{new_id()}@example.org"
    for contact in account.data["contacts"].values():
        if contact["email"] == email:
            return contact
    contact = {"id": new_id(), "name": requester.get("name") or "Customer", "email": email,
               "mobile": None, "phone": None}
    account.data["contacts"][contact["id"]] = contact
    return contact


def add_conversation(account: Account, ticket: dict, user_id: int, body_html: str, *,
                     incoming: bool, private: bool) -> dict:
    conversation = {
        "id": new_id(), "body": body_html, "body_text": html_to_text(body_html),
        "incoming": incoming, "private": private, "user_id": user_id,
        "source": 2 if private else 0, "ticket_id": ticket["id"], "support_email": None,
        "to_emails": None, "cc_emails": None, "attachments": [],
        "created_at": now_iso(), "updated_at": now_iso()}
    account.data["conversations"].setdefault(ticket["id"], []).append(conversation)
    ticket["updated_at"] = conversation["created_at"]
    return conversation


def html_to_text(body_html: str) -> str:
    """Freshdesk's body_text: the HTML body without tags, one line per paragraph or <br>."""
    text = re.sub(r"(?i)</p>|</div>|<br\s*/?>", "\n", body_html or "")
    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()


def create_ticket(sandbox: Sandbox, name: str, sample: dict) -> str:
    """A customer writes in by email: the ticket, then the creation rules run. A sample
    may give the ticket a past (status, group, times, reopenings): see history.py."""
    account = sandbox.account(VENDOR, name)
    with sandbox.lock:
        contact = _contact(account, sample.get("requester") or {})
        number = next(account.data["next_ticket"])
        body = sample.get("body", "")
        ticket = {"id": number, "subject": sample.get("subject", ""),
                  "description": f"<div>{html.escape(body)}</div>", "description_text": body,
                  "status": 2, "priority": PRIORITY_CODES.get(sample.get("priority") or "", 1),
                  "source": 1, "type": None, "requester_id": contact["id"],
                  "responder_id": None, "group_id": None, "tags": list(sample.get("tags") or []),
                  "custom_fields": {f["name"]: None for f in account.data["fields"].values()},
                  "cc_emails": [], "fwd_emails": [], "attachments": [], "spam": False,
                  "created_at": now_iso(), "updated_at": now_iso()}
        account.data["tickets"][number] = ticket
        history.seed_freshdesk(account.data, ticket, sample)
        run_rules(sandbox, account, ticket, CREATION_RULES, performer=REQUESTER)
    return str(number)


def add_reply(sandbox: Sandbox, name: str, ticket_id: str, body: str) -> None:
    account = sandbox.account(VENDOR, name)
    with sandbox.lock:
        ticket = ticket_or_404(account, ticket_id)
        add_conversation(account, ticket, ticket["requester_id"],
                         f"<div>{html.escape(body)}</div>",
                         incoming=True, private=False)
        run_rules(sandbox, account, ticket, UPDATE_RULES, performer=REQUESTER, event="reply_sent")


def run_rules(sandbox: Sandbox, account: Account, ticket: dict, kind: str, *, performer: int,
              event: str | None = None, echo: bool = False) -> None:
    """Called with the sandbox lock held. `echo` fires every rule (a misconfigured account)."""
    for rule in list(account.data["rules"][kind].values()):
        if not rule.get("active", True):
            continue
        if not echo and kind == UPDATE_RULES and not _update_rule_matches(rule, performer, event):
            continue
        for action in rule.get("actions") or []:
            if action.get("field_name") == "trigger_webhook":
                _trigger_webhook(sandbox, account, ticket, rule, action)


def _update_rule_matches(rule: dict, performer: int, event: str | None) -> bool:
    wanted = (rule.get("performer") or {}).get("type")
    events = {e.get("field_name") for e in rule.get("events") or []}
    return (wanted in (None, performer)) and (not events or event in events)


def _trigger_webhook(sandbox: Sandbox, account: Account, ticket: dict, rule: dict,
                     action: dict) -> None:
    content = action.get("content") or ""
    if not isinstance(content, str):
        content = json.dumps(content)
    body = render(content, ticket).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "Freshdesk",
               **{str(k): str(v) for k, v in (action.get("custom_headers") or {}).items()}}
    sandbox.sender.send(action["url"], body, headers,
                        {"vendor": VENDOR, "account": account.name, "ticket": str(ticket["id"]),
                         "kind": f"rule:{rule['id']}"})


def render(template: str, ticket: dict) -> str:
    values = {"ticket.id": str(ticket["id"]), "ticket.subject": ticket.get("subject", ""),
              "ticket.updated_at": ticket["updated_at"],
              "ticket.priority": PRIORITY_NAMES.get(ticket.get("priority"), "").title()}
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), template)


def ticket_or_404(account: Account, ticket_id) -> dict:
    try:
        return account.data["tickets"][int(str(ticket_id))]
    except (KeyError, ValueError):
        abort(404, description="ticket not found")


def ticket_view(sandbox: Sandbox, name: str, ticket_id: str) -> dict:
    """What an agent would see: tags, priority, our fields by label, private notes."""
    account = sandbox.account(VENDOR, name)
    with sandbox.lock:
        ticket = ticket_or_404(account, ticket_id)
        labels = {f["name"]: f["label"] for f in account.data["fields"].values()}
        conversations = account.data["conversations"].get(ticket["id"], [])
        # As an agent reads them: rendered text, not the stored HTML.
        notes = [c["body_text"] for c in conversations if c["private"]]
        return {"id": str(ticket["id"]), "tags": list(ticket["tags"]),
                "priority": PRIORITY_NAMES.get(ticket["priority"]),
                "updated_at": ticket["updated_at"],
                "fields": {labels.get(k, k): v for k, v in ticket["custom_fields"].items()
                           if v is not None},
                "notes": notes, "group": ticket.get("group_id"),
                "public_replies": [c["body_text"] for c in conversations
                                   if not c["private"] and not c["incoming"]],
                "enriched": "tactful_done" in ticket["tags"]
                and any("tactful-op:" in n for n in notes)}


def mount(app: Flask, sandbox: Sandbox) -> None:
    from integration.sandbox import freshdesk_api
    freshdesk_api.mount(app, sandbox)


def _install(app, sandbox_url: str, credentials: dict, public_url: str) -> str:
    from integration.installers.freshdesk import install
    from integration.runtime import database, keyring
    done = install(database(app), keyring(app), public_url, domain=credentials["account"],
                   api_key=credentials["api_key"],
                   api_base=f"{sandbox_url}{credentials['api_base_path']}")
    return done.installation_id


register_vendor(VendorModule(name=VENDOR, mount=mount, create_account=create_account,
                             create_ticket=create_ticket, add_reply=add_reply,
                             ticket_view=ticket_view, install=_install))
