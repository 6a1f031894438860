"""Console sessions: who is signed in, what they may see, and the CSRF check.

A session is either the admin (every installation, signed in with
TACTFUL_ADMIN_TOKEN) or one installation (signed in through its helpdesk's OAuth).
It lives in Flask's signed session cookie (HttpOnly, SameSite=Lax, Secure in
production; set in Settings.as_flask_config). Every POST carries the session's CSRF
token in a form field: our own twenty lines instead of flask-wtf, because the console
is the only form-posting surface and an app-wide CSRFProtect would have to exempt every
webhook and API route.
"""
from __future__ import annotations

import functools
import hmac
import secrets

from flask import abort, redirect, request, session, url_for

SESSION_KEY = "console"
CSRF_KEY = "csrf"
CSRF_FIELD = "csrf_token"


def csrf_token() -> str:
    if CSRF_KEY not in session:
        session[CSRF_KEY] = secrets.token_urlsafe(32)
    return session[CSRF_KEY]


def check_csrf() -> None:
    """Abort 400 unless the form carries this session's token."""
    expected = session.get(CSRF_KEY, "")
    given = request.form.get(CSRF_FIELD, "")
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        abort(400, description="missing or stale CSRF token: reload the page and try again")


def sign_in(scope: str, installation_id: str | None = None) -> None:
    session.clear()   # a new session id and CSRF token on every sign-in (no fixation)
    session.permanent = True
    session[SESSION_KEY] = {"scope": scope, "installation_id": installation_id}
    csrf_token()


def sign_out() -> None:
    session.clear()


def current() -> dict | None:
    return session.get(SESSION_KEY)


def visible_ids() -> list[str] | None:
    """None for the admin (everything), else the one installation of this session."""
    who = current() or {}
    return None if who.get("scope") == "admin" else [who.get("installation_id", "")]


def may_see(installation_id: str) -> bool:
    ids = visible_ids()
    return ids is None or installation_id in ids


def require_session(view):
    """Console pages need a session; POSTs also need the CSRF token."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if current() is None:
            return redirect(url_for("console.login", next=request.full_path))
        if request.method == "POST":
            check_csrf()
        return view(*args, **kwargs)
    return wrapped


def require_admin(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if (current() or {}).get("scope") != "admin":
            abort(403, description="only the admin may do this")
        return view(*args, **kwargs)
    return require_session(wrapped)
