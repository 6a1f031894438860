"""The Intercom API subset Tactful uses, on the shared sandbox core.

Mounted at /intercom/<workspace>/ so an installation's api_base is
`<sandbox>/intercom/<workspace>`. Like Intercom: string ids, bearer tokens,
conversations with parts, tags by name attached one at a time, admin notes,
conversation data attributes, 10-second rate-limit windows answered with
`X-RateLimit-Reset`, and app-level notifications signed with the app's client
secret for every workspace (`POST /_sandbox/intercom/app` sets the URL).
"""
from __future__ import annotations

import hashlib
import hmac
import html
import itertools
import json
import re
import secrets
import time
import uuid

from flask import abort

from integration.domain.analysis.types import SENTIMENT_LABELS
from integration.sandbox import history
from integration.sandbox.core import Account, Sandbox, VendorModule, register_vendor

VENDOR = "intercom"
# Intercom's default budget: 10,000 calls a minute, spread over 10-second windows.
RATE_WINDOW_S = 10.0
RATE_LIMIT = 1666
ATTRIBUTES = (
    {"name": "tactful_sentiment", "data_type": "list",
     "options": list(SENTIMENT_LABELS)},
    {"name": "tactful_emotions", "data_type": "string"},
    {"name": "tactful_priority", "data_type": "string"},
)
# The sandbox's one Developer Hub app. Fixed values: the Tactful service must hold
# the client secret before it starts (VendorModule.service_env), as it would
# hold a real app's; they only ever sign traffic on 127.0.0.1.
CLIENT_ID = "tactful-sandbox-app"
CLIENT_SECRET = "sandbox-intercom-client-secret"
_ids = itertools.count(21_322_009_001)
_TAGS = re.compile(r"<[^>]+>")


def new_id() -> str:
    return str(next(_ids))


def app_config(sandbox: Sandbox) -> dict:
    """The sandbox's one Developer Hub app: shared by every workspace, like Intercom's."""
    with sandbox.lock:
        if not hasattr(sandbox, "intercom_app"):
            sandbox.intercom_app = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                                    "webhook_url": None, "uninstall_url": None,
                                    "topics": ["conversation.user.created",
                                               "conversation.user.replied"]}
        return sandbox.intercom_app


def create_account(sandbox: Sandbox, name: str) -> dict:
    """A workspace with one admin (our app's admin) and a private-app access token."""
    account = sandbox.account(VENDOR, name, create=True)
    with sandbox.lock:
        account.faults.rate_window_s, account.faults.rate_limit = RATE_WINDOW_S, RATE_LIMIT
        admin = {"type": "admin", "id": new_id(), "name": "Tactful",
                 "email": f"tactful@{name}.example", "email_verified": True}
        token = secrets.token_urlsafe(24)
        account.data = {"admins": {admin["id"]: admin}, "tokens": {token: admin["id"]},
                        "contacts": {}, "conversations": {}, "tags": {},
                        "attributes": [dict(a, model="conversation", api_writable=True,
                                            archived=False) for a in ATTRIBUTES],
                        "codes": {}}
    app = app_config(sandbox)
    return {"vendor": VENDOR, "account": name, "api_base_path": f"/{VENDOR}/{name}",
            "workspace_id": name, "access_token": token, "admin_id": admin["id"],
            "client_id": app["client_id"], "client_secret": app["client_secret"]}


def text_html(text: str) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n") if p.strip())


def plain(body: str | None) -> str | None:
    if body is None:
        return None
    return html.unescape(_TAGS.sub("", re.sub(r"(?i)</p>\s*<p>|<br\s*/?>", "\n", body))).strip()


def add_part(conversation: dict, author: dict, body_html: str | None, part_type: str) -> dict:
    stamp = int(time.time())
    part = {"type": "conversation_part", "id": new_id(), "part_type": part_type,
            "body": body_html, "created_at": stamp, "updated_at": stamp, "notified_at": stamp,
            "assigned_to": None, "attachments": [], "external_id": None, "redacted": False,
            "author": author}
    conversation["parts"].append(part)
    conversation["updated_at"] = stamp
    return part


def _contact(account: Account, requester: dict) -> dict:
    email = requester.get("email") or f"customer{new_id()}@example.org"
    for contact in account.data["contacts"].values():
        if contact["email"] == email:
            return contact
    contact = {"type": "contact", "id": uuid.uuid4().hex[:24], "role": "user",
               "name": requester.get("name"), "email": email, "workspace_id": account.name,
               "created_at": int(time.time())}
    account.data["contacts"][contact["id"]] = contact
    return contact


def create_ticket(sandbox: Sandbox, name: str, sample: dict) -> str:
    """A customer starts a conversation: conversation.user.created (a past: history.py)."""
    account = sandbox.account(VENDOR, name)
    with sandbox.lock:
        contact = _contact(account, sample.get("requester") or {})
        stamp = int(time.time())
        conversation = {
            "id": new_id(), "created_at": stamp, "updated_at": stamp, "title": None,
            "state": "open", "priority": "none", "contact_id": contact["id"], "parts": [],
            "tag_ids": [], "custom_attributes": {},
            "source": {"type": "conversation", "id": new_id(),
                       "delivered_as": "customer_initiated",
                       "subject": sample.get("subject", ""),
                       "body": text_html(sample.get("body", "")),
                       "author": customer_author(contact), "attachments": []}}
        conversation["statistics"] = history.new_intercom_statistics(stamp)
        history.seed_intercom(conversation, sample)
        for tag in sample.get("tags") or []:
            conversation["tag_ids"].append(tag_named(account, tag)["id"])
        account.data["conversations"][conversation["id"]] = conversation
        notify(sandbox, account, conversation, "conversation.user.created", [])
    return conversation["id"]


def add_reply(sandbox: Sandbox, name: str, conversation_id: str, body: str) -> None:
    account = sandbox.account(VENDOR, name)
    with sandbox.lock:
        conversation = conversation_or_404(account, conversation_id)
        contact = account.data["contacts"][conversation["contact_id"]]
        part = add_part(conversation, customer_author(contact), text_html(body), "comment")
        notify(sandbox, account, conversation, "conversation.user.replied", [part])


def customer_author(contact: dict) -> dict:
    return {"type": contact["role"], "id": contact["id"], "name": contact["name"],
            "email": contact["email"]}


def tag_named(account: Account, name: str) -> dict:
    for tag_id, tag_name in account.data["tags"].items():
        if tag_name == name:
            return {"type": "tag", "id": tag_id, "name": name}
    tag_id = new_id()
    account.data["tags"][tag_id] = name
    return {"type": "tag", "id": tag_id, "name": name}


def conversation_or_404(account: Account, conversation_id: str) -> dict:
    conversation = account.data["conversations"].get(str(conversation_id))
    if conversation is None:
        abort(404, description="Resource Not Found")
    return conversation


def render(account: Account, conversation: dict, parts: list[dict] | None = None,
           plaintext: bool = False) -> dict:
    """A conversation as the API (all parts) or a notification (only `parts`) shows it."""
    shown = conversation["parts"] if parts is None else parts

    def body(value):
        return plain(value) if plaintext else value
    return {
        "type": "conversation", "id": conversation["id"],
        "created_at": conversation["created_at"], "updated_at": conversation["updated_at"],
        "title": conversation["title"], "state": conversation["state"],
        "open": conversation["state"] != "closed", "priority": conversation["priority"],
        "admin_assignee_id": None, "team_assignee_id": conversation.get("team_assignee_id") or "0",
        "source": {**conversation["source"], "body": body(conversation["source"]["body"])},
        "contacts": {"type": "contact.list", "contacts": [
            {"type": "contact", "id": conversation["contact_id"], "external_id": None}]},
        "tags": {"type": "tag.list", "tags": [
            {"type": "tag", "id": t, "name": account.data["tags"][t]}
            for t in conversation["tag_ids"]]},
        "custom_attributes": dict(conversation["custom_attributes"]),
        "statistics": dict(conversation["statistics"]),
        "conversation_parts": {"type": "conversation_part.list", "total_count": len(shown),
                               "conversation_parts": [{**p, "body": body(p["body"])}
                                                      for p in shown]},
    }


def notify(sandbox: Sandbox, account: Account, conversation: dict, topic: str,
           parts: list[dict]) -> None:
    """Send a signed notification to the app's webhook URL, as Intercom does for every workspace."""
    app = app_config(sandbox)
    if not app["webhook_url"] or topic not in app["topics"] + (
            ["conversation.admin.noted"] if account.faults.echo_writes else []):
        return
    stamp = int(time.time())
    payload = {"type": "notification_event", "app_id": account.name,
               "data": {"type": "notification_event_data",
                        "item": render(account, conversation, parts)},
               "links": {}, "id": f"notif_{uuid.uuid4()}", "topic": topic,
               "delivery_status": "pending", "delivery_attempts": 1, "delivered_at": 0,
               "first_sent_at": stamp, "created_at": stamp, "self": None}
    send_signed(sandbox, app["webhook_url"], payload,
                {"account": account.name, "ticket": conversation["id"], "topic": topic})


def send_signed(sandbox: Sandbox, url: str, payload: dict, meta: dict) -> None:
    body = json.dumps(payload).encode()
    secret = app_config(sandbox)["client_secret"].encode()
    headers = {"Content-Type": "application/json",
               "User-Agent": "intercom-parrot-service-client/1.0",
               "X-Hub-Signature": "sha1=" + hmac.new(secret, body, hashlib.sha1).hexdigest()}
    sandbox.sender.send(url, body, headers, {"vendor": VENDOR, **meta})


def ticket_view(sandbox: Sandbox, name: str, conversation_id: str) -> dict:
    """What a teammate would see: tags, priority, attributes, notes and replies."""
    account = sandbox.account(VENDOR, name)
    with sandbox.lock:
        conversation = conversation_or_404(account, conversation_id)
        tags = [account.data["tags"][t] for t in conversation["tag_ids"]]
        admins = set(account.data["admins"])
        notes = [plain(p["body"]) for p in conversation["parts"] if p["part_type"] == "note"]
        priority = conversation["priority"] if conversation["priority"] != "none" else None
        return {"id": conversation["id"], "tags": tags, "priority": priority,
                "updated_at": conversation["updated_at"],
                "fields": dict(conversation["custom_attributes"]), "notes": notes,
                "group": conversation.get("team_assignee_id"),
                "public_replies": [plain(p["body"]) for p in conversation["parts"]
                                   if p["part_type"] == "comment"
                                   and p["author"].get("id") in admins],
                "enriched": "tactful_done" in tags and any("tactful-op:" in n for n in notes)}


def configure_app(sandbox: Sandbox, changes: dict) -> dict:
    """Developer Hub settings; saving a webhook URL sends a `ping`, as Intercom does."""
    app = app_config(sandbox)
    unknown = set(changes) - set(app)
    if unknown:
        abort(400, description=f"unknown app setting(s): {sorted(unknown)}")
    with sandbox.lock:
        app.update(changes)
    if changes.get("webhook_url"):
        stamp = int(time.time())
        send_signed(sandbox, app["webhook_url"], {
            "type": "notification_event", "app_id": next(
                (a.name for a in sandbox.accounts.values() if a.vendor == VENDOR), "none"),
            "data": {"type": "notification_event_data",
                     "item": {"type": "ping", "message": "sandbox ping"}},
            "links": {}, "id": None, "topic": "ping", "delivery_status": None,
            "delivery_attempts": 1, "delivered_at": 0, "first_sent_at": stamp,
            "created_at": stamp, "self": None}, {"topic": "ping"})
    return {k: v for k, v in app.items() if k != "client_secret"}


def uninstall_app(sandbox: Sandbox, name: str) -> None:
    """The workspace removes the app: its tokens die and the uninstall URL is told."""
    account = sandbox.account(VENDOR, name)
    with sandbox.lock:
        account.data["tokens"].clear()
    url = app_config(sandbox)["uninstall_url"]
    if url:
        send_signed(sandbox, url, {"app_id": name}, {"account": name, "topic": "uninstall"})


def _install(app, sandbox_url: str, credentials: dict, public_url: str) -> str:
    """Demo hook: point the sandbox app at Tactful and install the workspace's token.

    Tactful verifies with the sandbox app's client secret from service_env.
    """
    import requests

    from integration.installers.intercom import install_token
    from integration.runtime import database, keyring
    requests.post(f"{sandbox_url}/_sandbox/intercom/app", timeout=5, json={
        "webhook_url": f"{public_url.rstrip('/')}/webhooks/intercom",
        "uninstall_url": f"{public_url.rstrip('/')}/intercom/uninstall"}).raise_for_status()
    done = install_token(database(app), keyring(app), public_url,
                         access_token=credentials["access_token"],
                         workspace_id=credentials["workspace_id"],
                         api_base=f"{sandbox_url}{credentials['api_base_path']}")
    return done.installation_id


def mount(app, sandbox: Sandbox) -> None:
    from integration.sandbox import intercom_api
    intercom_api.mount(app, sandbox)


register_vendor(VendorModule(name=VENDOR, mount=mount, create_account=create_account,
                             create_ticket=create_ticket, add_reply=add_reply,
                             ticket_view=ticket_view, install=_install,
                             service_env={"INTERCOM_CLIENT_ID": CLIENT_ID,
                                          "INTERCOM_CLIENT_SECRET": CLIENT_SECRET}))
