"""The agent sidebar API for the Zendesk and Freshdesk apps (Intercom: sidebar_intercom.py).

GET  /sidebar/<provider>/tickets/<ticket_id>  the ticket's latest enrichment, as shown
POST /sidebar/<provider>/feedback             "Was this right?" for one label
POST /sidebar/<provider>/check-reply          coaching on the agent's own draft

Each call is authenticated per installation (sidebar_auth) before anything is read, and
every lookup is scoped to that installation.
"""
from __future__ import annotations

import logging

from flask import Blueprint, request
from marshmallow import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from integration.logs import fields
from integration.web import sidebar_view
from integration.web.sidebar_auth import Caller, SidebarAuthError, authenticate

bp = Blueprint("sidebar", __name__, url_prefix="/sidebar")
log = logging.getLogger("tactful.sidebar")
JSON_SIDEBARS = ("zendesk", "freshdesk")


def _error(status: int, code: str, reason, key: str = "reason"):
    return {"error": code, key: reason}, status


def _caller(provider: str) -> Caller:
    if provider not in JSON_SIDEBARS:
        raise SidebarAuthError(
            f"no JSON sidebar for {provider!r}: Intercom uses /sidebar/intercom/initialize",
            404, "unknown-provider")
    return authenticate(provider, request)


def _guarded(handler):
    """Auth, validation and storage errors as precise JSON; the handler sees a Caller."""
    def run(provider: str, **kwargs):
        try:
            caller = _caller(provider)
            return handler(caller, **kwargs)
        except SidebarAuthError as exc:
            log.info(f"sidebar.{exc.code}", extra=fields(provider=provider))
            return _error(exc.status, exc.code, exc.reason)
        except ValidationError as exc:
            return _error(400, "invalid-request", exc.messages, key="reasons")
        except sidebar_view.NotFound:
            return _error(404, "not-enriched",
                          "Tactful has not analysed this ticket in this account yet")
        except SQLAlchemyError:
            log.error("sidebar.database-unavailable")
            return _error(503, "database-unavailable", "the store is unreachable; retry")
    run.__name__, run.__doc__ = handler.__name__, handler.__doc__
    return run


@bp.get("/<provider>/tickets/<ticket_id>")
@_guarded
def get_ticket(caller: Caller, ticket_id: str):
    """The latest enrichment of the calling installation's ticket, as the sidebar shows it.
    ---
    get:
      tags: [sidebar]
      summary: What Tactful read and suggested for one ticket
      description: Signed per installation (Zendesk ZAF JWT, Freshdesk app HMAC).
      responses:
        200: {description: The sidebar view}
        401: {$ref: '#/components/responses/Error'}
        404: {$ref: '#/components/responses/Error'}
    """
    return sidebar_view.ticket_view(caller, ticket_id)


@bp.post("/<provider>/feedback")
@_guarded
def post_feedback(caller: Caller):
    """"Was this right?": an agent's answer about one label.
    ---
    post:
      tags: [sidebar]
      summary: Store an agent's verdict on a label
      requestBody:
        required: true
        content: {application/json: {schema: FeedbackSchema}}
      responses:
        201: {description: Stored}
        400: {$ref: '#/components/responses/Error'}
        401: {$ref: '#/components/responses/Error'}
        404: {$ref: '#/components/responses/Error'}
    """
    body = sidebar_view.load(sidebar_view.FeedbackSchema(), request.get_json(silent=True))
    saved = sidebar_view.store_answer(caller, body)
    log.info("sidebar.feedback", extra=fields(installation=caller.installation_id,
                                              label=saved["label"], verdict=saved["verdict"]))
    return saved, 201


@bp.post("/<provider>/check-reply")
@_guarded
def post_check_reply(caller: Caller):
    """Live coaching: the guard's findings on the agent's own draft; nothing is sent.
    ---
    post:
      tags: [sidebar]
      summary: Check an agent's reply before sending
      requestBody:
        required: true
        content: {application/json: {schema: CheckReplySchema}}
      responses:
        200: {description: Findings, each with a suggested rewrite, and a readability figure}
        400: {$ref: '#/components/responses/Error'}
        401: {$ref: '#/components/responses/Error'}
    """
    body = sidebar_view.load(sidebar_view.CheckReplySchema(), request.get_json(silent=True))
    return sidebar_view.check_reply(caller, body)
