"""The console's events: search by ticket, one event's story, dead letters and re-drive."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from sqlalchemy import select

from integration.pipeline import handoff
from integration.pipeline import redrive as dead_letters
from integration.runtime import database
from integration.store.models import Enrichment, Event, EventStatus, Installation
from integration.web import console_auth as auth

bp = Blueprint("console_events", __name__, url_prefix="/console", template_folder="templates")
PAGE = 100
STATUSES = EventStatus.OPEN + EventStatus.FINAL


def _visible(stmt, column):
    ids = auth.visible_ids()
    return stmt if ids is None else stmt.where(column.in_(ids))


@bp.get("/events")
@auth.require_session
def events_page():
    """Events, newest first; `?ticket=` searches by ticket id, `?status=` filters.
    ---
    get:
      tags: [console]
      summary: Events page
      parameters:
      - {in: query, name: ticket, schema: {type: string}}
      - {in: query, name: status, schema: {type: string}}
      - {in: query, name: installation, schema: {type: string}}
      responses:
        200: {description: HTML page, content: {text/html: {schema: {type: string}}}}
        400: {description: Unknown status}
    """
    ticket = request.args.get("ticket", "").strip()
    status = request.args.get("status", "").strip()
    installation = request.args.get("installation", "").strip()
    if status and status not in STATUSES:
        abort(400, description=f"status must be one of {', '.join(STATUSES)}")
    stmt = _visible(select(Event), Event.installation_id).order_by(Event.id.desc()).limit(PAGE)
    if ticket:
        stmt = stmt.where(Event.ticket_id == ticket)
    if status:
        stmt = stmt.where(Event.status == status)
    if installation:
        stmt = stmt.where(Event.installation_id == installation)
    with database().session() as session:
        events = list(session.scalars(stmt))
        session.expunge_all()
    return render_template("console/events.html", events=events, ticket=ticket, status=status,
                           installation=installation, statuses=STATUSES, title="Events")


@bp.get("/dead-letters")
@auth.require_session
def dead_letters_page():
    """Failed events, each with a re-drive button, and a bulk re-drive form.
    ---
    get:
      tags: [console]
      summary: Dead letters page
      parameters:
      - {in: query, name: installation, schema: {type: string}}
      - {in: query, name: requeued, schema: {type: integer},
         description: "how many the last bulk re-drive re-queued (shown)"}
      responses:
        200: {description: HTML page, content: {text/html: {schema: {type: string}}}}
    """
    installation = request.args.get("installation", "").strip()
    stmt = _visible(select(Event), Event.installation_id).where(
        Event.status == EventStatus.FAILED).order_by(Event.id.desc()).limit(PAGE)
    if installation:
        stmt = stmt.where(Event.installation_id == installation)
    with database().session() as session:
        events = list(session.scalars(stmt))
        session.expunge_all()
    return render_template("console/events.html", events=events, ticket="", status="failed",
                           installation=installation, statuses=STATUSES, title="Dead letters",
                           dead_letters=True, requeued=request.args.get("requeued"))


@bp.post("/dead-letters/redrive")
@auth.require_session
def redrive_bulk():
    """Re-drive every failed event, or one installation's (form field `installation`).
    ---
    post:
      tags: [console]
      summary: Bulk re-drive of dead letters
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties:
                installation: {type: string, description: empty for all visible installations}
                csrf_token: {type: string}
      responses:
        302: {description: "Re-queued; back to the dead letters with ?requeued=N"}
        400: {description: Missing or stale CSRF token}
        404: {description: No such installation (or not this session's)}
    """
    installation = request.form.get("installation", "").strip()
    ids = auth.visible_ids()
    if installation and not auth.may_see(installation):
        abort(404, description="no such installation")
    if not installation and ids is not None:
        installation = ids[0]           # an installation session re-drives only its own
    reopened = dead_letters.retry_failed_bulk(database(), installation or None)
    requeued = sum(reopened.values())
    if requeued:
        handoff.trigger_dispatch(current_app.extensions["celery"])
    return redirect(url_for("console_events.dead_letters_page", requeued=requeued,
                            **({"installation": installation} if installation else {})))


def event_story(event_id: int) -> dict:
    """What Tactful read, decided and wrote for one event (404 if not this session's)."""
    with database().session() as session:
        event = session.get(Event, event_id)
        if event is None or not auth.may_see(event.installation_id):
            abort(404, description="no such event")
        installation = session.get(Installation, event.installation_id)
        enrichment = session.scalar(select(Enrichment).where(Enrichment.event_id == event_id)
                                    .order_by(Enrichment.id.desc()).limit(1))
        session.expunge_all()
    return {"event": event, "installation": installation, "enrichment": enrichment}


@bp.get("/events/<int:event_id>")
@auth.require_session
def event_page(event_id: int):
    """One event: the message as analysed, the analysis with evidence, the decision and
    its reasons, what was written back, and the note.
    ---
    get:
      tags: [console]
      summary: One event's page
      parameters:
      - {in: path, name: event_id, required: true, schema: {type: integer}}
      responses:
        200: {description: HTML page, content: {text/html: {schema: {type: string}}}}
        404: {description: No such event (or not this session's)}
    """
    story = event_story(event_id)
    return render_template("console/event.html", **story,
                           redriven=request.args.get("redriven"))


@bp.post("/events/<int:event_id>/redrive")
@auth.require_session
def redrive(event_id: int):
    """Re-drive a failed or ignored event (form with `csrf_token`).
    ---
    post:
      tags: [console]
      summary: Re-drive one dead-lettered event
      parameters:
      - {in: path, name: event_id, required: true, schema: {type: integer}}
      responses:
        302: {description: Requeued; back to the event page}
        404: {description: No such event (or not this session's)}
        409: {description: The event is not failed or ignored}
    """
    event_story(event_id)   # 404 unless this session may see it
    if not dead_letters.retry_failed(database(), event_id):
        abort(409, description="the event is not failed or ignored")
    handoff.trigger_dispatch(current_app.extensions["celery"])
    return redirect(url_for("console_events.event_page", event_id=event_id, redriven=1))
