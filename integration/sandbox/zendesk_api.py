"""Zendesk REST routes in the sandbox.

users/me, tickets, comments, tags, webhooks, triggers, fields.
"""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, g, jsonify, request

from integration.sandbox import listings, zendesk_hooks
from integration.sandbox.core import Sandbox
from integration.sandbox.zendesk import (
    _ticket_or_404,
    add_comment,
    new_id,
    now_iso,
)

API_VIA_ID = 5


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, description="body must be a JSON object")
    return body


def _users_of(ids) -> list[dict]:
    users = g.account.data["users"]
    return [users[i] for i in dict.fromkeys(ids) if i in users]


def _stale(given, ticket: dict) -> bool:
    return given is not None and given != ticket["updated_at"]


def _conflict():
    return jsonify({"error": "UpdateConflict",
                    "description": "Safe Update prevented the update due to outdated ticket "
                                   "data. Please fetch the latest ticket data and try again."}), 409


def add_routes(bp: Blueprint, sandbox: Sandbox) -> None:
    _add_read_routes(bp, sandbox)
    _add_write_routes(bp, sandbox)
    _add_admin_routes(bp, sandbox)
    _add_admin_item_routes(bp, sandbox)
    listings.add_zendesk_routes(bp, sandbox)


def _add_read_routes(bp: Blueprint, sandbox: Sandbox) -> None:
    @bp.get("/api/v2/users/me")
    @bp.get("/api/v2/users/me.json")
    def me():
        return {"user": g.user}

    @bp.get("/api/v2/tickets/<ticket_id>")
    def show_ticket(ticket_id: str):
        with sandbox.lock:
            ticket = _ticket_or_404(g.account, ticket_id)
            answer = {"ticket": dict(ticket)}
            if "users" in request.args.get("include", ""):
                answer["users"] = _users_of([ticket["requester_id"], ticket["submitter_id"]])
            return answer

    @bp.get("/api/v2/tickets/<ticket_id>/metrics.json")
    @bp.get("/api/v2/tickets/<ticket_id>/metrics")
    def ticket_metrics(ticket_id: str):
        with sandbox.lock:
            ticket = _ticket_or_404(g.account, ticket_id)
            metric = g.account.data.get("metrics", {}).get(ticket["id"])
            if metric is None:
                abort(404, description="RecordNotFound")
            return {"ticket_metric": dict(metric)}

    @bp.get("/api/v2/tickets/<ticket_id>/comments.json")
    @bp.get("/api/v2/tickets/<ticket_id>/comments")
    def list_comments(ticket_id: str):
        with sandbox.lock:
            ticket = _ticket_or_404(g.account, ticket_id)
            comments = list(g.account.data["comments"].get(ticket["id"], []))
            if request.args.get("sort", "").startswith("-"):
                comments.reverse()
            size = int(request.args.get("page[size]", 100))
            answer = {"comments": comments[:size],
                      "meta": {"has_more": len(comments) > size, "after_cursor": None}}
            if "users" in request.args.get("include", ""):
                answer["users"] = _users_of(c["author_id"] for c in comments[:size])
            return answer


def _add_write_routes(bp: Blueprint, sandbox: Sandbox) -> None:
    @bp.put("/api/v2/tickets/<ticket_id>")
    def update_ticket(ticket_id: str):
        changes = _body().get("ticket") or {}
        with sandbox.lock:
            ticket = _ticket_or_404(g.account, ticket_id)
            if changes.get("safe_update") and (_stale(changes.get("updated_stamp"), ticket)
                                               or sandbox.take_conflict(g.account)):
                return _conflict()
            comment, tags_before = None, list(ticket["tags"])
            _apply_ticket_changes(ticket, changes)
            if changes.get("comment"):
                c = changes["comment"]
                comment = add_comment(g.account, ticket, g.user, c.get("body", ""),
                                      bool(c.get("public", True)), "api")
            ticket["updated_at"] = now_iso()
            zendesk_hooks.after_update(sandbox, g.account, ticket, zendesk_hooks.Update(
                "Change", via_id=API_VIA_ID, actor=g.user, comment=comment,
                tags_changed=tags_before != ticket["tags"]))
            return {"ticket": dict(ticket), "audit": {"id": new_id(), "ticket_id": ticket["id"],
                                                      "author_id": g.user["id"], "events": []}}

    @bp.put("/api/v2/tickets/<ticket_id>/tags.json")
    @bp.put("/api/v2/tickets/<ticket_id>/tags")
    def add_tags(ticket_id: str):
        body = _body()
        with sandbox.lock:
            ticket = _ticket_or_404(g.account, ticket_id)
            if str(body.get("safe_update")).lower() == "true" and (
                    _stale(body.get("updated_stamp"), ticket) or sandbox.take_conflict(g.account)):
                return _conflict()
            new = [t for t in body.get("tags") or [] if t not in ticket["tags"]]
            ticket["tags"].extend(new)
            if new:
                ticket["updated_at"] = now_iso()
                zendesk_hooks.after_update(sandbox, g.account, ticket, zendesk_hooks.Update(
                    "Change", via_id=API_VIA_ID, actor=g.user, tags_changed=True))
            return {"tags": list(ticket["tags"])}


def _apply_ticket_changes(ticket: dict, changes: dict) -> None:
    for key in ("priority", "status", "subject", "assignee_id", "group_id"):
        if key in changes:
            ticket[key] = changes[key]
    if "tags" in changes:                       # the ticket PUT replaces the whole list
        ticket["tags"] = list(changes["tags"])
    ticket["tags"] += [t for t in changes.get("additional_tags") or [] if t not in ticket["tags"]]
    values = {f["id"]: f["value"] for f in ticket["custom_fields"]}
    values.update({f["id"]: f.get("value") for f in changes.get("custom_fields") or []})
    ticket["custom_fields"] = [{"id": k, "value": v} for k, v in values.items()]


def _add_admin_routes(bp: Blueprint, sandbox: Sandbox) -> None:
    """Webhooks, triggers and ticket fields: what provisioning creates."""
    collections = {"webhooks": ("webhooks", "webhook"), "triggers": ("triggers", "trigger"),
                   "ticket_fields": ("fields", "ticket_field")}

    def listing(resource: str):
        store, _ = collections[resource]
        with sandbox.lock:
            items = list(g.account.data[store].values())
        name_filter = request.args.get("filter[name_contains]")
        if name_filter:
            items = [i for i in items if name_filter.lower() in i.get("name", "").lower()]
        return {resource: [{k: v for k, v in i.items() if k != "secret"} for i in items]}

    def creating(resource: str):
        store, key = collections[resource]
        item = dict(_body().get(key) or {})
        with sandbox.lock:
            item["id"] = secrets.token_hex(13).upper() if resource == "webhooks" else new_id()
            if resource == "webhooks":
                item["secret"] = (item.pop("signing_secret", None) or {}).get("secret") \
                    or secrets.token_urlsafe(32)
            item["created_at"] = now_iso()
            g.account.data[store][item["id"]] = item
        return {key: {k: v for k, v in item.items() if k != "secret"}}, 201

    for resource in collections:
        for suffix in ("", ".json"):
            name = f"{resource}_{suffix.strip('.') or 'bare'}"
            bp.add_url_rule(f"/api/v2/{resource}{suffix}", f"list_{name}",
                            lambda r=resource: listing(r), methods=["GET"])
            bp.add_url_rule(f"/api/v2/{resource}{suffix}", f"create_{name}",
                            lambda r=resource: creating(r), methods=["POST"])


def _add_admin_item_routes(bp: Blueprint, sandbox: Sandbox) -> None:
    @bp.get("/api/v2/webhooks/<hook_id>/signing_secret")
    def signing_secret(hook_id: str):
        hook = g.account.data["webhooks"].get(hook_id) or abort(404)
        return {"signing_secret": {"algorithm": "SHA256", "secret": hook["secret"]}}

    @bp.delete("/api/v2/webhooks/<hook_id>")
    def delete_webhook(hook_id: str):
        with sandbox.lock:
            g.account.data["webhooks"].pop(hook_id, None) or abort(404)
        return "", 204

    @bp.route("/api/v2/triggers/<trigger_id>", methods=["PUT", "DELETE"])
    def change_trigger(trigger_id: str):
        key = int(trigger_id.removesuffix(".json"))
        with sandbox.lock:
            triggers = g.account.data["triggers"]
            if key not in triggers:
                abort(404)
            if request.method == "DELETE":
                del triggers[key]
                return "", 204
            triggers[key].update(_body().get("trigger") or {})
            return {"trigger": triggers[key]}
