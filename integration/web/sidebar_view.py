"""What a sidebar shows for one ticket, and what it stores, shared by all three helpdesks.

The JSON sidebars (Zendesk, Freshdesk) receive `ticket_view()` as is; the Intercom
Canvas Kit app renders the same dict into components. Every read and write here is
scoped to the caller's installation: a ticket id is only ever looked up inside it.
"""
from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate
from sqlalchemy import select

from connectors.base import ASSIGNED
from integration.domain.drafting.coaching import coach_reply, questions_in
from integration.runtime import database
from integration.store import feedback, knowledge
from integration.store.models import AgentFeedback, Enrichment, FeedbackVerdict
from integration.web.sidebar_auth import Caller

JUDGED_LABELS = feedback.LABELS
# Helpdesks whose app puts a recommended macro's text into the reply editor (Freshdesk
# canned responses); Zendesk applies a macro by id, Intercom recommends articles only.
INSERTS_MACRO_TEXT = ("freshdesk",)


class NotFound(LookupError):
    pass


class FeedbackSchema(Schema):
    class Meta:
        unknown = RAISE

    ticket_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    label = fields.String(required=True, validate=validate.OneOf(JUDGED_LABELS))
    verdict = fields.String(required=True, validate=validate.OneOf(FeedbackVerdict.FROM_AGENTS))
    enrichment_id = fields.Integer(load_default=None)
    agent_id = fields.String(load_default=None, validate=validate.Length(max=64))
    locale = fields.String(load_default=None)


class CheckReplySchema(Schema):
    class Meta:
        unknown = RAISE

    ticket_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    text = fields.String(required=True, validate=validate.Length(min=1, max=20_000))
    customer_message = fields.String(load_default=None, validate=validate.Length(max=20_000))
    agent_id = fields.String(load_default=None, validate=validate.Length(max=64))
    locale = fields.String(load_default=None)


def load(schema: Schema, body) -> dict:
    if not isinstance(body, dict):
        raise ValidationError({"_schema": ["body must be a JSON object"]})
    return schema.load(body)


def label_values(analysis: dict) -> dict[str, str]:
    """The value each judged label showed, as stored with the feedback."""
    return {"sentiment": (analysis.get("sentiment") or {}).get("label", ""),
            "emotions": ",".join(analysis.get("detected") or ()) or "none",
            "urgency": analysis.get("urgency", ""), "topic": analysis.get("topic", ""),
            "priority": analysis.get("priority", "")}


def ticket_view(caller: Caller, ticket_id: str) -> dict:
    with database().session() as session:
        row = feedback.latest_enrichment(session, caller.installation_id, ticket_id)
        if row is None:
            raise NotFound(ticket_id)
        answers = _answers(session, caller, row.id)
        view = _view(row, answers)
        if caller.provider in INSERTS_MACRO_TEXT:
            _add_macro_texts(session, caller.installation_id, view["recommendations"])
        return view


def _answers(session, caller: Caller, enrichment_id: int) -> dict[str, str]:
    rows = session.execute(select(AgentFeedback.label, AgentFeedback.verdict).where(
        AgentFeedback.installation_id == caller.installation_id,
        AgentFeedback.enrichment_id == enrichment_id,
        AgentFeedback.agent_id == caller.agent_id,
        AgentFeedback.verdict.in_(FeedbackVerdict.FROM_AGENTS)))
    return dict(rows.all())


def _view(row: Enrichment, answers: dict[str, str]) -> dict:
    analysis = row.analysis or {}
    evidence = analysis.get("evidence") or {}
    scores = analysis.get("emotions") or {}
    sentiment = analysis.get("sentiment") or {}
    draft = analysis.get("draft") or {}
    written = row.written or {}
    return {
        "ticket_id": row.ticket_id, "enrichment_id": row.id,
        "analysed_at": row.created_at.isoformat(),
        "sentiment": {"label": sentiment.get("label"), "score": sentiment.get("score"),
                      "evidence": evidence.get("sentiment", [])},
        "emotions": [{"name": name, "score": scores.get(name),
                      "evidence": evidence.get(name, [])}
                     for name in analysis.get("detected") or ()],
        "urgency": {"level": analysis.get("urgency"), "evidence": evidence.get("urgency", [])},
        "topic": {"name": analysis.get("topic"), "evidence": evidence.get("topic", [])},
        "priority": {"value": analysis.get("priority"), "reasons": analysis.get("reasons", []),
                     "escalate": bool(analysis.get("escalate")),
                     "written": written.get("priority")},
        "flags": sorted(k for k, v in (analysis.get("flags") or {}).items() if v),
        "trend": analysis.get("trend"),
        "tips": draft.get("tips", []), "reply": draft.get("reply"),
        "recommendations": [_recommendation(r) for r in analysis.get("recommendations") or ()],
        "routing": _routing(analysis.get("route"), written),
        "feedback": answers, "labels": list(JUDGED_LABELS),
    }


def _recommendation(stored: dict) -> dict:
    return {"kind": stored.get("kind"), "id": str(stored.get("id")), "title": stored.get("title"),
            "url": stored.get("url"), "score": stored.get("score"), "why": stored.get("why"),
            "matched": list(stored.get("matched") or ()), "boosted": bool(stored.get("boosted")),
            "text": None}


def _routing(route: dict | None, written: dict) -> dict | None:
    """The routed group; `assigned` only when the connector really set it (never over a
    group a human chose: then `outcome` is kept_existing and the group stays a suggestion)."""
    if not route:
        return None
    outcome = written.get("group")
    return {"group": route.get("group"), "mode": route.get("mode"),
            "assigned": outcome == ASSIGNED, "outcome": outcome,
            "rule": route["rule_index"] + 1 if route.get("rule_index") is not None else None}


def _add_macro_texts(session, installation_id: str, recommendations: list[dict]) -> None:
    """A Freshdesk canned response's current text, for the app to put in the reply editor
    (its SDK inserts text, not a canned response by id); read now, so an edit shows."""
    wanted = [r["id"] for r in recommendations if r["kind"] == "macro"]
    texts = knowledge.bodies(session, installation_id, "macro", wanted) if wanted else {}
    for r in recommendations:
        if r["kind"] == "macro":
            r["text"] = texts.get(r["id"])


def store_answer(caller: Caller, body: dict) -> dict:
    agent_id = caller.agent_id or body.get("agent_id")
    with database().session() as session:
        row = _enrichment_for(session, caller, body["ticket_id"], body.get("enrichment_id"))
        value = label_values(row.analysis or {}).get(body["label"])
        saved = feedback.record_answer(
            session, installation_id=caller.installation_id, enrichment=row,
            label=body["label"], value=value, verdict=body["verdict"], agent_id=agent_id)
        return {"id": saved.id, "ticket_id": row.ticket_id, "enrichment_id": row.id,
                "label": saved.label, "value": value, "verdict": saved.verdict}


def _enrichment_for(session, caller: Caller, ticket_id: str, enrichment_id: int | None):
    if enrichment_id is None:
        row = feedback.latest_enrichment(session, caller.installation_id, ticket_id)
    else:
        row = session.get(Enrichment, enrichment_id)
        # Another installation's enrichment, or another ticket's, is simply not found.
        if row is not None and (row.installation_id != caller.installation_id
                                or row.ticket_id != ticket_id):
            row = None
    if row is None:
        raise NotFound(ticket_id)
    return row


def check_reply(caller: Caller, body: dict) -> dict:
    """Findings on the agent's draft; nothing is stored or sent."""
    with database().session() as session:
        row = feedback.latest_enrichment(session, caller.installation_id, body["ticket_id"])
        analysis = dict(row.analysis or {}) if row is not None else {}
    questions = questions_in(body["customer_message"]) if body.get("customer_message") \
        else analysis.get("questions") or []
    coaching = coach_reply(body["text"], analysis, caller.settings.get("drafting"),
                           customer_questions=questions)
    return {"ticket_id": body["ticket_id"], "enriched": row is not None, **coaching.to_dict()}
