"""The Zendesk API subset Tactful uses, on the shared sandbox core.

Mounted at /zendesk/<account>/ so an installation's api_base is
`<sandbox>/zendesk/<account>`. Payload shapes follow Zendesk's: wrapped objects,
numeric ids, `safe_update` + `updated_stamp` answering 409, additive /tags.
"""
from __future__ import annotations

import base64
import itertools
import secrets
import time

from flask import Blueprint, Flask, abort, g, jsonify, request

from integration.sandbox import zendesk_hooks, zendesk_oauth
from integration.sandbox.core import Account, Sandbox, VendorModule, register_vendor

VENDOR = "zendesk"
_ids = itertools.count(36_000_000_000_001)   # Zendesk ids are 13-14 digit numbers


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def new_id() -> int:
    return next(_ids)


def _blank_account_data() -> dict:
    return {"users": {}, "api_tokens": {}, "clients": {}, "codes": {}, "access": {},
            "refresh": {}, "tickets": {}, "comments": {}, "webhooks": {}, "triggers": {},
            "fields": {}, "next_ticket": itertools.count(1), "account_id": new_id() % 10**8}


def create_account(sandbox: Sandbox, name: str) -> dict:
    """A fresh account with one admin (our integration user), an API token and an OAuth client."""
    account = sandbox.account(VENDOR, name, create=True)
    with sandbox.lock:
        account.data = _blank_account_data()
        admin = add_user(account, "Tactful Integration", f"tactful@{name}.example", "admin")
        token, client_id, client_secret = (secrets.token_urlsafe(18), f"zdg-tactful-{name}",
                                           secrets.token_urlsafe(24))
        account.data["api_tokens"][token] = admin["id"]
        account.data["clients"][client_id] = client_secret
    return {"vendor": VENDOR, "account": name, "api_base_path": f"/{VENDOR}/{name}",
            "email": admin["email"], "api_token": token, "user_id": admin["id"],
            "oauth_client_id": client_id, "oauth_client_secret": client_secret}


def add_user(account: Account, name: str, email: str, role: str) -> dict:
    for user in account.data["users"].values():
        if user["email"] == email:
            return user
    user = {"id": new_id(), "name": name, "email": email, "role": role, "active": True,
            "verified": True, "created_at": now_iso()}
    account.data["users"][user["id"]] = user
    return user


def add_comment(account: Account, ticket: dict, author: dict, body: str, public: bool,
                channel: str) -> dict:
    comment = {"id": new_id(), "type": "Comment", "author_id": author["id"], "body": body,
               "html_body": f'<div class="zd-comment" dir="auto"><p dir="auto">{body}</p></div>',
               "plain_body": body, "public": public, "attachments": [],
               "via": {"channel": channel, "source": {"from": {}, "to": {}, "rel": None}},
               "created_at": now_iso(), "metadata": {"system": {}, "custom": {}}}
    account.data["comments"].setdefault(ticket["id"], []).append(comment)
    return comment


def create_ticket(sandbox: Sandbox, name: str, sample: dict) -> str:
    """A customer writes in by email: the ticket, its first comment, then the triggers run."""
    account = sandbox.account(VENDOR, name)
    with sandbox.lock:
        requester = sample.get("requester") or {}
        user = add_user(account, requester.get("name") or "Customer",
                        requester.get("email") or f"customer{new_id()}@example.org", "end-user")
        number = next(account.data["next_ticket"])
        stamp = now_iso()
        ticket = {"id": number, "subject": sample.get("subject", ""),
                  "description": sample.get("body", ""), "status": "new",
                  "priority": sample.get("priority"), "type": None,
                  "requester_id": user["id"], "submitter_id": user["id"], "assignee_id": None,
                  "tags": list(sample.get("tags") or []), "custom_fields": [],
                  "via": {"channel": sample.get("channel", "email")},
                  "created_at": stamp, "updated_at": stamp}
        _seed_history(account, ticket, sample)
        account.data["tickets"][number] = ticket
        comment = add_comment(account, ticket, user, sample.get("body", ""), True,
                              ticket["via"]["channel"])
        zendesk_hooks.after_update(sandbox, account, ticket, zendesk_hooks.Update(
            "Create", via_id=4, actor=user, comment=comment))
    return str(number)


def _seed_history(account: Account, ticket: dict, sample: dict) -> None:
    """A ticket with a past (learned routing): status, group, times and reopenings, as
    the sample gives them; the reopen count and solve time live in its Ticket Metrics."""
    for key in ("status", "group_id", "created_at"):
        if sample.get(key) is not None:
            ticket[key] = sample[key]
    ticket["updated_at"] = sample.get("solved_at") or ticket["updated_at"]
    account.data.setdefault("metrics", {})[ticket["id"]] = {
        "id": new_id(), "ticket_id": ticket["id"], "created_at": ticket["created_at"],
        "updated_at": ticket["updated_at"], "reopens": int(sample.get("reopens") or 0),
        "replies": 0, "solved_at": sample.get("solved_at")}


def add_reply(sandbox: Sandbox, name: str, ticket_id: str, body: str) -> None:
    account = sandbox.account(VENDOR, name)
    with sandbox.lock:
        ticket = _ticket_or_404(account, ticket_id)
        user = account.data["users"][ticket["requester_id"]]
        comment = add_comment(account, ticket, user, body, True, "email")
        ticket["updated_at"] = now_iso()
        zendesk_hooks.after_update(sandbox, account, ticket, zendesk_hooks.Update(
            "Change", via_id=4, actor=user, comment=comment))


def ticket_view(sandbox: Sandbox, name: str, ticket_id: str) -> dict:
    """What an agent would see: tags, priority, our fields by title, internal notes."""
    account = sandbox.account(VENDOR, name)
    with sandbox.lock:
        ticket = _ticket_or_404(account, ticket_id)
        titles = {f["id"]: f["title"] for f in account.data["fields"].values()}
        comments = account.data["comments"].get(ticket["id"], [])
        notes = [c["body"] for c in comments if not c["public"]]
        return {"id": str(ticket["id"]), "tags": list(ticket["tags"]),
                "priority": ticket["priority"], "updated_at": ticket["updated_at"],
                "fields": {titles.get(f["id"], str(f["id"])): f["value"]
                           for f in ticket["custom_fields"]},
                "notes": notes, "group": ticket.get("group_id"),
                "public_replies": [c["body"] for c in comments[1:] if c["public"]],
                "enriched": "tactful_done" in ticket["tags"]
                and any("tactful-op:" in n for n in notes)}


def _ticket_or_404(account: Account, ticket_id) -> dict:
    try:
        return account.data["tickets"][int(str(ticket_id).removesuffix(".json"))]
    except (KeyError, ValueError):
        abort(404, description="RecordNotFound")


def authenticate(account: Account) -> dict | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    data = account.data
    if scheme.lower() == "bearer":
        grant = data["access"].get(value)
        if grant and grant["expires"] > time.time():
            return data["users"].get(grant["user_id"])
        return None
    if scheme.lower() == "basic":
        try:
            email, _, token = base64.b64decode(value).decode().partition("/token:")
        except (ValueError, UnicodeDecodeError):
            return None
        user = data["users"].get(data["api_tokens"].get(token))
        return user if user and user["email"] == email else None
    return None


def mount(app: Flask, sandbox: Sandbox) -> None:
    bp = Blueprint("sandbox_zendesk", __name__, url_prefix=f"/{VENDOR}/<account_name>")

    @bp.url_value_preprocessor
    def take_account(endpoint, values):
        g.account_name = values.pop("account_name")

    @bp.before_request
    def guard():
        account = sandbox.account(VENDOR, g.account_name)
        g.account = account
        if request.path.endswith(("/oauth/tokens", "/oauth/authorizations/new")):
            return None       # OAuth endpoints authenticate the client, not a user
        refused = sandbox.check_faults(account)
        if refused is not None:
            return refused
        g.user = authenticate(account)
        if g.user is None:
            return jsonify({"error": "Couldn't authenticate you"}), 401
        return None

    @bp.after_request
    def log_writes(response):
        if request.method in ("POST", "PUT", "DELETE", "PATCH") and "account" in g:
            ticket = (request.view_args or {}).get("ticket_id")
            sandbox.record_write(g.account, str(ticket).removesuffix(".json") if ticket else None,
                                 request.method, request.path,
                                 request.get_json(silent=True) or dict(request.form),
                                 response.status_code)
        return response

    @app.post(f"/_sandbox/{VENDOR}/<account_name>/signed_in_user")
    def sign_in_user(account_name):
        """Who is signed in to the account's Zendesk, i.e. who approves OAuth next:
        {"name", "email", "role"} (a new user is added when the email is unknown)."""
        body = request.get_json(force=True)
        account = sandbox.account(VENDOR, account_name)
        with sandbox.lock:
            user = add_user(account, body["name"], body["email"], body.get("role", "agent"))
            account.data["signed_in_user"] = user["id"]
        return {"user": user}

    from integration.sandbox import knowledge_api, zendesk_api
    zendesk_api.add_routes(bp, sandbox)
    knowledge_api.add_zendesk_routes(bp)
    zendesk_oauth.add_routes(bp, sandbox)
    app.register_blueprint(bp)


def _install(app, sandbox_url: str, credentials: dict, public_url: str) -> str:
    from integration.installers.zendesk import install_with_api_token
    report = install_with_api_token(
        app, subdomain=credentials["account"], email=credentials["email"],
        api_token=credentials["api_token"],
        api_base=f"{sandbox_url}{credentials['api_base_path']}", public_url=public_url)
    return report.installation_id


register_vendor(VendorModule(name=VENDOR, mount=mount, create_account=create_account,
                             create_ticket=create_ticket, add_reply=add_reply,
                             ticket_view=ticket_view, install=_install))
