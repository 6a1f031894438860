"""Zendesk's OAuth endpoints in the sandbox: authorize (auto-approved), token, revoke.

Checks what Zendesk checks: a known client, the exact redirect URI, one-time
codes valid for 120 s, PKCE S256, and rotating refresh tokens (a refresh kills
the previous pair, so a second refresh with the old token gets invalid_grant).
"""
from __future__ import annotations

import base64
import hashlib
import secrets
import time
from urllib.parse import urlencode

from flask import Blueprint, g, jsonify, redirect, request

from integration.sandbox.core import Account, Sandbox

CODE_TTL_S = 120
ACCESS_TTL_S = 1800


def _invalid(error: str, why: str, status: int = 400):
    return jsonify({"error": error, "error_description": why}), status


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _token_params() -> dict:
    params = request.get_json(silent=True) or request.form.to_dict()
    auth = request.authorization          # client_secret_basic is allowed too
    if auth and auth.type == "basic":
        params.setdefault("client_id", auth.username)
        params.setdefault("client_secret", auth.password)
    return params


def issue_tokens(account: Account, user_id, scope: str) -> dict:
    access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    account.data["access"][access] = {"user_id": user_id, "expires": time.time() + ACCESS_TTL_S,
                                      "refresh": refresh, "scope": scope}
    account.data["refresh"][refresh] = {"access": access, "user_id": user_id, "scope": scope}
    return {"access_token": access, "refresh_token": refresh, "token_type": "bearer",
            "scope": scope, "expires_in": ACCESS_TTL_S, "refresh_token_expires_in": 2592000}


def _exchange_code(account: Account, params: dict):
    grant = account.data["codes"].pop(params.get("code", ""), None)   # one use only
    if grant is None or grant["expires"] < time.time():
        return _invalid("invalid_grant", "unknown, used or expired authorization code")
    if params.get("redirect_uri") != grant["redirect_uri"]:
        return _invalid("invalid_grant", "redirect_uri does not match the authorization")
    if grant["challenge"] and _s256(params.get("code_verifier", "")) != grant["challenge"]:
        return _invalid("invalid_grant", "PKCE code_verifier does not match the challenge")
    return issue_tokens(account, grant["user_id"], grant["scope"])


def _refresh(account: Account, params: dict):
    old = account.data["refresh"].pop(params.get("refresh_token", ""), None)
    if old is None:
        return _invalid("invalid_grant", "refresh token is invalid, used or revoked")
    account.data["access"].pop(old["access"], None)        # rotation: the old pair dies
    return issue_tokens(account, old["user_id"], old["scope"])


def add_routes(bp: Blueprint, sandbox: Sandbox) -> None:
    @bp.get("/oauth/authorizations/new")
    def authorize():
        args, account = request.args, g.account
        if args.get("client_id") not in account.data["clients"]:
            return _invalid("invalid_client", "unknown client_id")
        if args.get("code_challenge") and args.get("code_challenge_method") != "S256":
            return _invalid("invalid_request", "only S256 code challenges are supported")
        # Whoever is signed in to Zendesk approves (set by the control endpoint below);
        # by default the account's first admin.
        admin = account.data["users"].get(account.data.get("signed_in_user")) or next(
            u for u in account.data["users"].values() if u["role"] == "admin")
        code = secrets.token_urlsafe(16)
        with sandbox.lock:
            account.data["codes"][code] = {
                "client_id": args["client_id"], "redirect_uri": args.get("redirect_uri"),
                "challenge": args.get("code_challenge"), "user_id": admin["id"],
                "scope": args.get("scope", "read"), "expires": time.time() + CODE_TTL_S}
        query = urlencode({"code": code, "state": args.get("state", "")})
        return redirect(f"{args.get('redirect_uri')}?{query}")

    @bp.post("/oauth/tokens")
    def token():
        params, account = _token_params(), g.account
        if account.data["clients"].get(params.get("client_id")) != params.get("client_secret"):
            return _invalid("invalid_client", "client authentication failed", 401)
        with sandbox.lock:
            if params.get("grant_type") == "authorization_code":
                return _exchange_code(account, params)
            if params.get("grant_type") == "refresh_token":
                return _refresh(account, params)
        return _invalid("unsupported_grant_type", "use authorization_code or refresh_token")

    @bp.delete("/api/v2/oauth/tokens/current.json")
    def revoke_current():
        token = request.headers.get("Authorization", "").partition(" ")[2]
        with sandbox.lock:
            grant = g.account.data["access"].pop(token, None)
            if grant:
                g.account.data["refresh"].pop(grant["refresh"], None)
        return "", 204
