"""The admin console: sign-in, installations (status, error rate, pause, dry run).

Server-rendered pages (Jinja templates in web/templates/console, one stylesheet, no
JavaScript). The settings editor, events and trends are their own blueprints
(console_settings, console_events, console_trends); they share console_auth.
"""
from __future__ import annotations

import hmac
from datetime import timedelta
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import func, select

from integration.pipeline import handoff, pause
from integration.runtime import database, settings
from integration.store import installations
from integration.store.models import Event, EventStatus, Installation, utcnow
from integration.web import console_auth as auth

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates")
STYLESHEET = Path(__file__).parent / "static" / "console.css"
ERROR_WINDOW = timedelta(hours=24)


@bp.app_context_processor
def console_globals():
    return {"csrf_token": auth.csrf_token, "console_user": auth.current,
            "csrf_field": auth.CSRF_FIELD}


@bp.get("/style.css")
def stylesheet():
    """The console's stylesheet.
    ---
    get:
      tags: [console]
      summary: The console's stylesheet
      responses:
        200: {description: CSS, content: {text/css: {schema: {type: string}}}}
    """
    return Response(STYLESHEET.read_text(encoding="utf-8"), mimetype="text/css")


@bp.get("/")
def index():
    """Console home: the installations, or the sign-in page.
    ---
    get:
      tags: [console]
      summary: Redirects to the installations page (or sign-in)
      responses:
        302: {description: Redirect}
    """
    return redirect(url_for("console.installations_page" if auth.current() else "console.login"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with the admin token (form field `token`, plus `csrf_token`).
    ---
    get:
      tags: [console]
      summary: The sign-in page
      responses:
        200: {description: HTML page, content: {text/html: {schema: {type: string}}}}
    post:
      tags: [console]
      summary: Sign in with the admin token
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties: {token: {type: string}, csrf_token: {type: string}}
      responses:
        302: {description: Signed in; redirect to the installations}
        400: {description: Missing or stale CSRF token}
        401: {description: Wrong token; the page is shown again with the reason}
    """
    error, status = None, 200
    if request.method == "POST":
        auth.check_csrf()
        expected = settings().admin_token
        given = request.form.get("token", "").strip()
        if not expected:
            error, status = "The admin sign-in is disabled: set TACTFUL_ADMIN_TOKEN.", 403
        elif hmac.compare_digest(given.encode(), expected.encode()):
            auth.sign_in("admin")
            return redirect(_safe_next(request.args.get("next")))
        else:
            error, status = "That token is not the admin token.", 401
    return render_template("console/login.html", error=error), status


def _safe_next(target: str | None) -> str:
    # Only our own console paths: never an open redirect.
    if target and target.startswith("/console/") and not target.startswith("//"):
        return target
    return url_for("console.installations_page")


@bp.post("/logout")
@auth.require_session
def logout():
    """Sign out.
    ---
    post:
      tags: [console]
      summary: Sign out (form with `csrf_token`)
      responses:
        302: {description: Signed out; redirect to sign-in}
    """
    auth.sign_out()
    return redirect(url_for("console.login"))


def installation_rows() -> list[dict]:
    """Every visible installation with its last event and error rate over ERROR_WINDOW."""
    since = utcnow() - ERROR_WINDOW
    ids = auth.visible_ids()
    with database().session() as session:
        stmt = select(Installation).order_by(Installation.created_at)
        if ids is not None:
            stmt = stmt.where(Installation.id.in_(ids))
        rows = list(session.scalars(stmt))
        last = dict(session.execute(select(Event.installation_id, func.max(Event.received_at))
                                    .group_by(Event.installation_id)).all())
        counts = session.execute(select(Event.installation_id, Event.status, func.count())
                                 .where(Event.received_at >= since)
                                 .group_by(Event.installation_id, Event.status)).all()
    return [_row_view(row, last.get(row.id), counts) for row in rows]


def _row_view(row: Installation, last_event, counts) -> dict:
    mine = {status: n for inst, status, n in counts if inst == row.id}
    total = sum(mine.values())
    failed = mine.get(EventStatus.FAILED, 0)
    return {"id": row.id, "provider": row.provider, "account": row.account,
            "status": row.status, "paused": row.paused, "dry_run": row.dry_run,
            "webhook_url": installations.webhook_url(settings().public_url, row.provider,
                                                     row.id),
            "last_event": last_event, "total": total, "failed": failed,
            "error_rate": (failed / total) if total else None}


@bp.get("/installations")
@auth.require_session
def installations_page():
    """The installations, with status, webhook URL, last event and error rate.
    ---
    get:
      tags: [console]
      summary: Installations page
      responses:
        200: {description: HTML page, content: {text/html: {schema: {type: string}}}}
        302: {description: Not signed in; redirect to sign-in}
    """
    return render_template("console/installations.html", rows=installation_rows(),
                           window_hours=int(ERROR_WINDOW.total_seconds() // 3600))


MODES = {"pause": {"paused": True}, "resume": {"paused": False},
         "dry-run-on": {"dry_run": True}, "dry-run-off": {"dry_run": False}}


@bp.post("/installations/<installation_id>/mode")
@auth.require_session
def change_mode(installation_id: str):
    """Pause, resume, or switch dry run on or off (form field `action`).
    ---
    post:
      tags: [console]
      summary: Pause / resume / dry run
      parameters:
      - {in: path, name: installation_id, required: true, schema: {type: string}}
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties:
                action: {type: string, enum: [pause, resume, dry-run-on, dry-run-off]}
                csrf_token: {type: string}
      responses:
        302: {description: Done; back to the installations page}
        400: {description: Unknown action or missing CSRF token}
        404: {description: No such installation (or not this session's)}
    """
    if not auth.may_see(installation_id):
        abort(404, description="no such installation")
    action = request.form.get("action", "")
    if action not in MODES:
        abort(400, description=f"action must be one of {', '.join(MODES)}")
    try:
        resumed = pause.set_mode(database(), installation_id, **MODES[action])
    except LookupError:
        abort(404, description="no such installation")
    if resumed:
        handoff.trigger_dispatch(current_app.extensions["celery"])
    return redirect(url_for("console.installations_page"))
