"""Routes of the sandbox Intercom: the REST subset, OAuth, and the app's control endpoint."""
from __future__ import annotations

import secrets
import time
from urllib.parse import urlencode

from flask import Blueprint, Flask, g, jsonify, redirect, request

from integration.sandbox import intercom as ic
from integration.sandbox import listings
from integration.sandbox.core import Sandbox

PRIORITY_VERSIONS = ("Unstable",)
PRIORITIES = ("none", "low", "medium", "high", "urgent")


def error(status: int, code: str, message: str, headers: dict | None = None):
    response = jsonify({"type": "error.list", "request_id": secrets.token_hex(10),
                        "errors": [{"code": code, "message": message}]})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def _rate_limited(account, refused):
    """The core answers 429 with Retry-After; Intercom says when the window resets instead."""
    wait = float(refused.headers.get("Retry-After", ic.RATE_WINDOW_S))
    return error(429, "rate_limit_exceeded",
                 f"Exceeded rate limit of {account.faults.rate_limit} in 10_seconds", {
                     "X-RateLimit-Limit": str(account.faults.rate_limit),
                     "X-RateLimit-Remaining": "0",
                     "X-RateLimit-Reset": str(int(time.time() + wait))})


def mount(app: Flask, sandbox: Sandbox) -> None:
    bp = Blueprint("sandbox_intercom", __name__, url_prefix=f"/{ic.VENDOR}/<account_name>")

    @bp.before_request
    def guard():
        account = sandbox.account(ic.VENDOR, request.view_args["account_name"])
        g.account = account
        if request.path.endswith(("/oauth", "/auth/eagle/token")):
            return None        # OAuth authenticates the app, not an admin
        refused = sandbox.check_faults(account)
        if refused is not None:
            return _rate_limited(account, refused) if refused.status_code == 429 else error(
                refused.status_code, "server_error", "sandbox injected failure")
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        g.admin = account.data["admins"].get(account.data["tokens"].get(token))
        if g.admin is None:
            return error(401, "unauthorized", "Access Token Invalid")
        g.version = request.headers.get("Intercom-Version", "2.16")
        return None

    @bp.after_request
    def log_writes(response):
        if request.method in ("POST", "PUT", "DELETE") and "account" in g:
            conversation = (request.view_args or {}).get("conversation_id")
            sandbox.record_write(g.account, conversation, request.method, request.path,
                                 request.get_json(silent=True) or dict(request.form),
                                 response.status_code)
        if "account" in g and response.status_code != 429:
            response.headers["X-RateLimit-Limit"] = str(g.account.faults.rate_limit)
        return response

    _reading_routes(bp, sandbox)
    _tag_routes(bp, sandbox)
    _writing_routes(bp, sandbox)
    _oauth_routes(bp, sandbox)
    listings.add_intercom_routes(bp, sandbox, ic.render)
    from integration.sandbox import knowledge_api
    knowledge_api.add_intercom_routes(bp)
    _assignment_route(bp, sandbox)
    app.register_blueprint(bp)

    @app.post("/_sandbox/intercom/app")
    def configure_app():
        return ic.configure_app(sandbox, request.get_json(force=True))

    @app.post("/_sandbox/intercom/<account_name>/uninstall")
    def uninstall_app(account_name):
        ic.uninstall_app(sandbox, account_name)
        return {"status": "uninstalled"}


def _reading_routes(bp: Blueprint, sandbox: Sandbox) -> None:
    @bp.get("/me")
    def me(account_name):
        return {**g.admin, "app": {"type": "app", "id_code": account_name,
                                   "name": f"{account_name} (sandbox)", "region": "US",
                                   "timezone": "UTC", "created_at": 1600000000,
                                   "identity_verification": False}}

    @bp.get("/conversations/<conversation_id>")
    def get_conversation(account_name, conversation_id):
        with sandbox.lock:
            conversation = ic.conversation_or_404(g.account, conversation_id)
            return ic.render(g.account, conversation,
                             plaintext=request.args.get("display_as") == "plaintext")

    @bp.get("/contacts/<contact_id>")
    def get_contact(account_name, contact_id):
        contact = g.account.data["contacts"].get(contact_id)
        return contact if contact else error(404, "not_found", "User Not Found")

    @bp.get("/data_attributes")
    def data_attributes(account_name):
        model = request.args.get("model")
        return {"type": "list", "data": [
            {"type": "data_attribute", **a} for a in g.account.data["attributes"]
            if model in (None, a["model"])]}


def _tag_routes(bp: Blueprint, sandbox: Sandbox) -> None:
    @bp.post("/tags")
    def create_tag(account_name):
        name = (request.get_json(silent=True) or {}).get("name")
        if not name:
            return error(400, "parameter_not_found", "name not specified")
        with sandbox.lock:
            return ic.tag_named(g.account, name)

    @bp.post("/conversations/<conversation_id>/tags")
    def attach_tag(account_name, conversation_id):
        body = request.get_json(silent=True) or {}
        with sandbox.lock:
            conversation = ic.conversation_or_404(g.account, conversation_id)
            if str(body.get("admin_id")) not in g.account.data["admins"]:
                return error(400, "parameter_invalid", "admin_id must be a teammate")
            if str(body.get("id")) not in g.account.data["tags"]:
                return error(404, "not_found", "Tag Not Found")
            if str(body["id"]) not in conversation["tag_ids"]:
                conversation["tag_ids"].append(str(body["id"]))
            return {"type": "tag", "id": str(body["id"]),
                    "name": g.account.data["tags"][str(body["id"])]}


def _writing_routes(bp: Blueprint, sandbox: Sandbox) -> None:
    @bp.post("/conversations/<conversation_id>/reply")
    def reply(account_name, conversation_id):
        body = request.get_json(silent=True) or {}
        if body.get("message_type") not in ("comment", "note") or body.get("type") != "admin":
            return error(400, "parameter_invalid", "message_type or type is not supported")
        with sandbox.lock:
            conversation = ic.conversation_or_404(g.account, conversation_id)
            admin = g.account.data["admins"].get(str(body.get("admin_id")))
            if admin is None:
                return error(400, "parameter_invalid", "admin_id must be a teammate")
            part = ic.add_part(conversation, {k: admin[k] for k in ("type", "id", "name")},
                               body.get("body"), body["message_type"])
            if body["message_type"] == "note":
                ic.notify(sandbox, g.account, conversation, "conversation.admin.noted", [part])
            return ic.render(g.account, conversation, [part])

    @bp.put("/conversations/<conversation_id>")
    def update_conversation(account_name, conversation_id):
        body = request.get_json(silent=True) or {}
        with sandbox.lock:
            conversation = ic.conversation_or_404(g.account, conversation_id)
            refused = _update(g.account, conversation, body)
            return refused or ic.render(g.account, conversation, [])

    @bp.post("/auth/uninstall")
    def uninstall(account_name):
        with sandbox.lock:
            token = request.headers["Authorization"].removeprefix("Bearer ").strip()
            g.account.data["tokens"].pop(token, None)
        return "", 200


def _assignment_route(bp: Blueprint, sandbox: Sandbox) -> None:
    @bp.post("/conversations/<conversation_id>/parts")
    def add_part(account_name, conversation_id):
        body = request.get_json(silent=True) or {}
        if body.get("message_type") != "assignment" or body.get("type") not in ("team", "admin"):
            return error(400, "parameter_invalid", "only team or admin assignment is supported")
        with sandbox.lock:
            conversation = ic.conversation_or_404(g.account, conversation_id)
            admin = g.account.data["admins"].get(str(body.get("admin_id")))
            if admin is None:
                return error(400, "parameter_invalid", "admin_id must be a teammate")
            key = "team_assignee_id" if body["type"] == "team" else "admin_assignee_id"
            conversation[key] = str(body.get("assignee_id"))
            conversation["updated_at"] = int(time.time())
            return ic.render(g.account, conversation, [])


def _update(account, conversation: dict, body: dict):
    if "priority" in body:
        if g.version not in PRIORITY_VERSIONS:
            return error(400, "parameter_invalid", "priority is read-only in this version")
        if body["priority"] not in PRIORITIES:
            return error(400, "parameter_invalid", "priority is not valid")
        conversation["priority"] = body["priority"]
    attributes = body.get("custom_attributes") or {}
    defined = {a["name"]: a for a in account.data["attributes"] if not a["archived"]}
    for name, value in attributes.items():
        attribute = defined.get(name)
        if attribute is None:
            return error(400, "parameter_invalid", f"Custom attribute '{name}' does not exist")
        if attribute.get("options") and value not in attribute["options"]:
            return error(400, "parameter_invalid", f"'{value}' is not an option of '{name}'")
    conversation["custom_attributes"].update(attributes)
    conversation["updated_at"] = int(time.time())
    return None


def _oauth_routes(bp: Blueprint, sandbox: Sandbox) -> None:
    @bp.get("/oauth")
    def authorize(account_name):
        """The admin approves at once; the code is bound to the workspace's token."""
        app = ic.app_config(sandbox)
        if request.args.get("client_id") != app["client_id"]:
            return error(400, "invalid_client", "unknown client_id")
        code = secrets.token_urlsafe(16) + "="    # real codes end in "=", which must survive
        with sandbox.lock:
            g.account.data["codes"][code] = next(iter(g.account.data["admins"]))
        query = {"code": code, "state": request.args.get("state", "")}
        return redirect(f"{request.args['redirect_uri']}?{urlencode(query)}")

    @bp.post("/auth/eagle/token")
    def token(account_name):
        body = request.get_json(silent=True) or request.form.to_dict()
        app = ic.app_config(sandbox)
        if (body.get("client_id"), body.get("client_secret")) != (app["client_id"],
                                                                  app["client_secret"]):
            return error(401, "unauthorized", "client authentication failed")
        with sandbox.lock:
            admin_id = g.account.data["codes"].pop(body.get("code"), None)
            if admin_id is None:
                return error(401, "unauthorized", "Unauthorized Code")
            issued = secrets.token_urlsafe(24)
            g.account.data["tokens"][issued] = admin_id
        return {"token_type": "Bearer", "token": issued, "access_token": issued}
