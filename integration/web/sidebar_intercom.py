"""The Intercom inbox app: Canvas Kit initialize and submit, rendered from the shared view.

POST /sidebar/intercom/initialize  the conversation details app (and, when Intercom sends
                                   card_creation_options, the reply card with our draft)
POST /sidebar/intercom/submit      a teammate clicked: insert the reply, answer "Was this
                                   right?", or check their own reply

Requests are signed by Intercom (X-Body-Signature, see sidebar_auth). Strings come from
sidebar_i18n/<locale>.json, chosen by the teammate's locale in the request.
"""
from __future__ import annotations

import json
import logging
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, request
from marshmallow import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from integration.logs import fields
from integration.store.models import FeedbackVerdict
from integration.web import sidebar_view
from integration.web.sidebar_auth import Caller, SidebarAuthError, authenticate

bp = Blueprint("sidebar_intercom", __name__, url_prefix="/sidebar/intercom")
log = logging.getLogger("tactful.sidebar")
STRINGS = Path(__file__).parent / "sidebar_i18n"
FEEDBACK_PREFIX = "fb_"


@lru_cache(maxsize=8)
def strings(locale: str) -> dict:
    path = STRINGS / f"{locale}.json"
    if not path.is_file():
        path = STRINGS / "en.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _text(text: str, style: str = "paragraph", id_: str | None = None) -> dict:
    component = {"type": "text", "text": text, "style": style}
    if id_:
        component["id"] = id_
    return component


def _canvas(components: list[dict], stored: dict | None = None) -> dict:
    canvas = {"content": {"components": components}}
    if stored:
        canvas["stored_data"] = stored
    return {"canvas": canvas}


def _handle(action):
    def run():
        try:
            caller = authenticate("intercom", request)
            return action(caller, request.get_json(silent=True) or {})
        except SidebarAuthError as exc:
            log.info(f"sidebar.{exc.code}", extra=fields(provider="intercom"))
            return {"error": exc.code, "reason": exc.reason}, exc.status
        except SQLAlchemyError:
            log.error("sidebar.database-unavailable")
            return {"error": "database-unavailable", "reason": "the store is unreachable"}, 503
    run.__name__, run.__doc__ = action.__name__, action.__doc__
    return run


def _conversation_id(body: dict) -> str | None:
    conversation = body.get("conversation") or {}
    found = conversation.get("id") or (body.get("context") or {}).get("conversation_id")
    return str(found) if found not in (None, "") else None


@bp.post("/initialize")
@_handle
def initialize(caller: Caller, body: dict):
    """Canvas Kit initialize: the inbox app's first canvas for a conversation.
    ---
    post:
      tags: [sidebar]
      summary: Intercom Canvas Kit initialize (X-Body-Signature)
      responses:
        200: {description: A Canvas Kit canvas}
        400: {$ref: '#/components/responses/Error'}
        401: {$ref: '#/components/responses/Error'}
    """
    options = body.get("card_creation_options")
    if isinstance(options, dict) and options.get("ticket_id"):
        return _reply_card(caller, str(options["ticket_id"]))
    ticket_id = _conversation_id(body)
    if ticket_id is None:
        return {"error": "invalid-request", "reason": "no conversation in the request"}, 400
    return _ticket_canvas(caller, ticket_id)


@bp.post("/submit")
@_handle
def submit(caller: Caller, body: dict):
    """Canvas Kit submit: a button or form in the inbox app (feedback, check my reply).
    ---
    post:
      tags: [sidebar]
      summary: Intercom Canvas Kit submit (X-Body-Signature)
      responses:
        200: {description: The next Canvas Kit canvas}
        400: {$ref: '#/components/responses/Error'}
        401: {$ref: '#/components/responses/Error'}
    """
    stored = (body.get("current_canvas") or {}).get("stored_data") or {}
    ticket_id = str(stored.get("ticket_id") or _conversation_id(body) or "")
    component = str(body.get("component_id") or "")
    inputs = body.get("input_values") or {}
    if not ticket_id:
        return {"error": "invalid-request", "reason": "no conversation in the request"}, 400
    if component == "insert_reply":
        answer = _ticket_canvas(caller, ticket_id, notice=strings(caller.locale)["inserted"])
        # Intercom then calls initialize with these options and puts our card in the reply.
        answer["card_creation_options"] = {"ticket_id": ticket_id}
        return answer
    if component.startswith(FEEDBACK_PREFIX):
        return _feedback(caller, ticket_id, component.removeprefix(FEEDBACK_PREFIX),
                         inputs.get(component))
    if component == "check_reply":
        return _check(caller, ticket_id, str(inputs.get("draft") or ""))
    return {"error": "invalid-request", "reason": f"unknown component {component!r}"}, 400


def _ticket_canvas(caller: Caller, ticket_id: str, notice: str | None = None,
                   extra: list[dict] | None = None, draft: str = "") -> dict:
    s = strings(caller.locale)
    try:
        view = sidebar_view.ticket_view(caller, ticket_id)
    except sidebar_view.NotFound:
        return _canvas([_text(s["empty"], "muted", "empty"), *_check_form(s, draft),
                        *(extra or [])], {"ticket_id": ticket_id})
    components = [_text(notice, "muted", "notice")] if notice else []
    components += _summary(view, s) + _routing(view, s) + _knowledge(view, s)
    components += _reply_section(view, s) + _feedback_section(view, s)
    components += _check_form(s, draft) + (extra or [])
    return _canvas(components, {"ticket_id": ticket_id, "enrichment_id": view["enrichment_id"]})


def _evidence(items: list[str]) -> str:
    quoted = ", ".join(f"\u201c{item}\u201d" for item in items[:3])
    return f" \u2014 {quoted}" if items else ""


def _summary(view: dict, s: dict) -> list[dict]:
    emotions = ", ".join(f"{e['name']}{_evidence(e['evidence'])}" for e in view["emotions"])
    priority = view["priority"]
    lines = [
        _text(s["title"], "header"),
        _text(f"*{s['sentiment']}:* {view['sentiment']['label']}"
              f"{_evidence(view['sentiment']['evidence'])}", id_="sentiment"),
        _text(f"*{s['emotions']}:* {emotions or s['none']}", id_="emotions"),
        _text(f"*{s['urgency']}:* {view['urgency']['level']}"
              f"{_evidence(view['urgency']['evidence'])}", id_="urgency"),
        _text(f"*{s['priority']}:* {priority['value']} \u2014 {s['why']}: "
              f"{'; '.join(priority['reasons']) or s['none']}", id_="priority"),
    ]
    if view.get("trend"):
        lines.append(_text(f"*{s['trend']}:* {_trend_text(view['trend'])}", id_="trend"))
    return lines


def _trend_text(trend) -> str:
    if isinstance(trend, dict):
        return ", ".join(f"{k}: {v}" for k, v in trend.items() if not isinstance(v, list | dict))
    return str(trend)


def _routing(view: dict, s: dict) -> list[dict]:
    routing = view.get("routing")
    if not routing:
        return []
    verb = s["assigned_group"] if routing["assigned"] else s["suggested_group"]
    return [_text(f"*{verb}:* {routing['group']}", id_="routing")]


def _knowledge(view: dict, s: dict) -> list[dict]:
    """Suggested articles as a list whose items open the article (links only: Intercom
    has no macros to apply)."""
    if not view["recommendations"]:
        return []
    items = []
    for i, rec in enumerate(view["recommendations"]):
        item = {"type": "item", "id": f"rec_{i}", "title": rec["title"],
                "subtitle": _why(rec, s),
                "tertiary_text": s.get(f"kind_{rec['kind']}", str(rec["kind"] or ""))}
        if (rec.get("url") or "").startswith(("https://", "http://")):
            item["action"] = {"type": "url", "url": rec["url"]}
        items.append(item)
    return [{"type": "divider"}, _text(s["recommendations"], "header"),
            {"type": "list", "items": items}]


def _why(rec: dict, s: dict) -> str:
    if not rec.get("matched"):
        return rec.get("why") or ""
    why = f"{s['matched']}: {', '.join(rec['matched'])}"
    return f"{why}; {s['helped_before']}" if rec.get("boosted") else why


def _reply_section(view: dict, s: dict) -> list[dict]:
    out = [{"type": "divider"}, _text(s["tips"], "header")]
    out += [_text(f"\u2022 {tip}", id_=f"tip_{i}") for i, tip in enumerate(view["tips"])]
    if view.get("reply"):
        out += [_text(s["reply"], "header"), _text(view["reply"], id_="reply"),
                {"type": "button", "id": "insert_reply", "label": s["insert"],
                 "action": {"type": "submit"}, "style": "primary"}]
    return out


def _feedback_section(view: dict, s: dict) -> list[dict]:
    out = [{"type": "divider"}, _text(s["was_right"], "header")]
    for label in view["labels"]:
        out.append({"type": "single-select", "id": f"{FEEDBACK_PREFIX}{label}",
                    "label": s[label], "value": view["feedback"].get(label),
                    "action": {"type": "submit"},
                    "options": [{"type": "option", "id": FeedbackVerdict.AGREE, "text": s["yes"]},
                                {"type": "option", "id": FeedbackVerdict.WRONG, "text": s["no"]}]})
    return out


def _check_form(s: dict, draft: str) -> list[dict]:
    return [{"type": "divider"},
            {"type": "textarea", "id": "draft", "label": s["draft_label"],
             "placeholder": s["draft_placeholder"], "value": draft},
            {"type": "button", "id": "check_reply", "label": s["check"],
             "action": {"type": "submit"}, "style": "secondary"}]


def _feedback(caller: Caller, ticket_id: str, label: str, verdict) -> dict:
    s = strings(caller.locale)
    try:
        body = sidebar_view.FeedbackSchema().load(
            {"ticket_id": ticket_id, "label": label, "verdict": verdict})
        sidebar_view.store_answer(caller, body)
    except (sidebar_view.NotFound, ValidationError):
        return _ticket_canvas(caller, ticket_id, notice=s["error"])
    return _ticket_canvas(caller, ticket_id, notice=s["thanks"])


def _check(caller: Caller, ticket_id: str, draft: str) -> dict:
    s = strings(caller.locale)
    if not draft.strip():
        return _ticket_canvas(caller, ticket_id, extra=[_text(s["draft_placeholder"], "error")])
    result = sidebar_view.check_reply(caller, {"ticket_id": ticket_id, "text": draft})
    found = [_text(f"*{s['readability']}:* {result['readability']:.0f}/100", id_="readability")]
    if result["ok"]:
        found.append(_text(s["no_findings"], id_="no_findings"))
    for i, finding in enumerate(result["findings"]):
        suggestion = finding["suggestion"] or s["remove_sentence"]
        found.append(_text(f"*{s['rule_' + finding['rule']]}* (\u201c{finding['phrase']}\u201d)"
                           f" \u2014 {s['suggestion']}: {suggestion}", id_=f"finding_{i}"))
    return _ticket_canvas(caller, ticket_id, extra=found, draft=draft)


def _reply_card(caller: Caller, ticket_id: str) -> dict:
    try:
        view = sidebar_view.ticket_view(caller, ticket_id)
    except sidebar_view.NotFound:
        return _canvas([_text(strings(caller.locale)["empty"], "muted")])
    paragraphs = [p for p in (view.get("reply") or "").split("\n\n") if p.strip()]
    return _canvas([_text(p, id_=f"card_{i}") for i, p in enumerate(paragraphs)])
