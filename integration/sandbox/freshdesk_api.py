"""Freshdesk REST routes in the sandbox: agents/me, tickets, conversations, notes, rules, fields.

Plus one control endpoint for tests: an "agent edit" that lands right after the
Nth read of a ticket, to show what a read-merge-write keeps and what it loses.
"""
from __future__ import annotations

import base64

from flask import Blueprint, Flask, abort, g, jsonify, request

from integration.sandbox import history, listings
from integration.sandbox.core import Sandbox
from integration.sandbox.freshdesk import (
    AGENT,
    PRIORITY_NAMES,
    UPDATE_RULES,
    VENDOR,
    add_conversation,
    new_id,
    now_iso,
    run_rules,
    ticket_or_404,
)

MAX_PER_PAGE = 100


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, description="body must be a JSON object")
    return body


def _invalid(field: str, message: str, code: str = "invalid_value"):
    return jsonify({"description": "Validation failed",
                    "errors": [{"field": field, "message": message, "code": code}]}), 400


def authenticate(account) -> dict | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        key = base64.b64decode(value).decode().partition(":")[0]
    except (ValueError, UnicodeDecodeError):
        return None
    return account.data["agents"].get(account.data["api_keys"].get(key))


def mount(app: Flask, sandbox: Sandbox) -> None:
    bp = Blueprint("sandbox_freshdesk", __name__, url_prefix=f"/{VENDOR}/<account_name>")

    @bp.url_value_preprocessor
    def take_account(endpoint, values):
        g.account_name = values.pop("account_name")

    @bp.before_request
    def guard():
        g.account = sandbox.account(VENDOR, g.account_name)
        refused = sandbox.check_faults(g.account)
        if refused is not None:
            return refused
        g.agent = authenticate(g.account)
        if g.agent is None:
            return jsonify({"code": "invalid_credentials",
                            "message": "You have to be logged in to perform this action."}), 401
        return None

    @bp.after_request
    def rate_headers_and_write_log(response):
        account = g.get("account")
        if account is None:
            return response
        limit = account.faults.rate_limit
        response.headers.update({"X-RateLimit-Total": str(limit),
                                 "X-RateLimit-Remaining": str(max(0, limit
                                                                  - account.window_count)),
                                 "X-RateLimit-Used-CurrentRequest": "1"})
        if request.method in ("POST", "PUT", "DELETE"):
            sandbox.record_write(account, (request.view_args or {}).get("ticket_id"),
                                 request.method, request.path, request.get_json(silent=True),
                                 response.status_code)
        return response

    _ticket_routes(bp, sandbox)
    _admin_routes(bp, sandbox)
    listings.add_freshdesk_routes(bp, sandbox)
    from integration.sandbox import knowledge_api
    knowledge_api.add_freshdesk_routes(bp)
    app.register_blueprint(bp)
    _control_routes(app, sandbox)


def _ticket_routes(bp: Blueprint, sandbox: Sandbox) -> None:
    @bp.get("/api/v2/agents/me")
    def me():
        return dict(g.agent)

    @bp.get("/api/v2/tickets/<ticket_id>")
    def show_ticket(ticket_id: str):
        with sandbox.lock:
            ticket = ticket_or_404(g.account, ticket_id)
            answer = dict(ticket, tags=list(ticket["tags"]),
                          custom_fields=dict(ticket["custom_fields"]))
            included = request.args.get("include", "").split(",")
            if "requester" in included:
                answer["requester"] = g.account.data["contacts"].get(ticket["requester_id"])
            if "stats" in included:
                answer["stats"] = history.freshdesk_stats(g.account.data, ticket["id"])
            _agent_edit_after_read(g.account, ticket)
            return answer

    @bp.get("/api/v2/tickets/<ticket_id>/conversations")
    def list_conversations(ticket_id: str):
        page = max(1, request.args.get("page", 1, type=int))
        per_page = min(MAX_PER_PAGE, max(1, request.args.get("per_page", 30, type=int)))
        with sandbox.lock:
            ticket = ticket_or_404(g.account, ticket_id)
            every = list(g.account.data["conversations"].get(ticket["id"], []))
        response = jsonify(every[(page - 1) * per_page:page * per_page])
        if page * per_page < len(every):
            response.headers["Link"] = (f"<{request.base_url}?page={page + 1}"
                                        f"&per_page={per_page}>; rel=\"next\"")
        return response

    @bp.put("/api/v2/tickets/<ticket_id>")
    def update_ticket(ticket_id: str):
        changes = _body()
        with sandbox.lock:
            ticket = ticket_or_404(g.account, ticket_id)
            refused = _validate(g.account, changes)
            if refused is not None:
                return refused
            if "tags" in changes:         # Freshdesk replaces the whole list
                ticket["tags"] = [str(t) for t in changes["tags"]]
            if "priority" in changes:
                ticket["priority"] = changes["priority"]
            if "group_id" in changes:
                ticket["group_id"] = changes["group_id"]
            ticket["custom_fields"].update(changes.get("custom_fields") or {})
            ticket["updated_at"] = now_iso()
            _echo(sandbox, ticket)
            return dict(ticket)

    @bp.post("/api/v2/tickets/<ticket_id>/notes")
    def add_note(ticket_id: str):
        body = _body()
        with sandbox.lock:
            ticket = ticket_or_404(g.account, ticket_id)
            note = add_conversation(g.account, ticket, g.agent["id"], str(body.get("body", "")),
                                    incoming=False, private=bool(body.get("private", True)))
            _echo(sandbox, ticket)
            return note, 201

    @bp.post("/api/v2/tickets/<ticket_id>/reply")
    def reply(ticket_id: str):
        body = _body()
        with sandbox.lock:
            ticket = ticket_or_404(g.account, ticket_id)
            sent = add_conversation(g.account, ticket, g.agent["id"], str(body.get("body", "")),
                                    incoming=False, private=False)
            return sent, 201


def _validate(account, changes: dict):
    if "priority" in changes and changes["priority"] not in PRIORITY_NAMES:
        return _invalid("priority", "It should be one of these values: '1,2,3,4'")
    if "tags" in changes and not isinstance(changes["tags"], list):
        return _invalid("tags", "It should be an array", "datatype_mismatch")
    known = {f["name"] for f in account.data["fields"].values()}
    for name in changes.get("custom_fields") or {}:
        if name not in known:
            return _invalid(name, "Unexpected/invalid field in request", "invalid_field")
    return None


def _echo(sandbox: Sandbox, ticket: dict) -> None:
    # A misconfigured account (rule without the requester performer) fires on our writes.
    if g.account.faults.echo_writes:
        run_rules(sandbox, g.account, ticket, UPDATE_RULES, performer=AGENT, echo=True)


def _agent_edit_after_read(account, ticket: dict) -> None:
    edit = account.data["agent_edits"].get(ticket["id"])
    if not edit:
        return
    edit["reads"] += 1
    if edit["reads"] == edit["after_reads"]:
        ticket["tags"] += [t for t in edit["add_tags"] if t not in ticket["tags"]]
        ticket["updated_at"] = now_iso()


def _admin_routes(bp: Blueprint, sandbox: Sandbox) -> None:
    @bp.route("/api/v2/automations/<kind>/rules", methods=["GET", "POST"])
    def rules(kind: str):
        with sandbox.lock:
            store = g.account.data["rules"].get(kind)
            if store is None:
                abort(404, description="automation type not found")
            if request.method == "GET":
                return jsonify(list(store.values()))
            rule = {**_body(), "id": new_id(), "created_at": now_iso(), "updated_at": now_iso()}
            store[rule["id"]] = rule
            return rule, 201

    @bp.route("/api/v2/automations/<kind>/rules/<int:rule_id>", methods=["PUT", "DELETE"])
    def rule(kind: str, rule_id: int):
        with sandbox.lock:
            store = g.account.data["rules"].get(kind) or {}
            if rule_id not in store:
                abort(404, description="rule not found")
            if request.method == "DELETE":
                del store[rule_id]
                return "", 204
            store[rule_id].update(_body(), updated_at=now_iso())
            return store[rule_id]

    @bp.route("/api/v2/admin/ticket_fields", methods=["GET", "POST"])
    def ticket_fields():
        with sandbox.lock:
            fields = g.account.data["fields"]
            if request.method == "GET":
                return jsonify(list(fields.values()))
            body = _body()
            name = "cf_" + "_".join(str(body.get("label", "")).lower().split())
            field = {**body, "id": new_id(), "name": name, "default": False,
                     "created_at": now_iso()}
            fields[field["id"]] = field
            for ticket in g.account.data["tickets"].values():
                ticket["custom_fields"].setdefault(name, None)
            return field, 201


def _control_routes(app: Flask, sandbox: Sandbox) -> None:
    @app.post(f"/_sandbox/{VENDOR}/<account>/tickets/<ticket_id>/agent_edit")
    def agent_edit(account: str, ticket_id: str):
        """After the ticket's Nth API read, an agent adds tags (a race with our write)."""
        body = request.get_json(force=True)
        with sandbox.lock:
            target = sandbox.account(VENDOR, account)
            ticket = ticket_or_404(target, ticket_id)
            target.data["agent_edits"][ticket["id"]] = {
                "after_reads": int(body.get("after_reads", 1)), "reads": 0,
                "add_tags": [str(t) for t in body.get("add_tags") or []]}
        return {"ticket_id": ticket_id}, 201
