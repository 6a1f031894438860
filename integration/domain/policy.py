"""Policy: an Analysis + installation settings + ticket facts -> priority, tags, escalation.

Pure: no I/O. Settings keys (validated by PolicySettingsSchema; unknown keys rejected):
- tag_prefix (default "tactful_"): lower-case letters, digits, "_" or "-".
- vip_tags (default []): ticket tags that mark a VIP requester; priority goes one step up.
- escalate_threshold (default 0.8): anger or frustration score at which a human is needed now.
- escalate_on_churn (default true), escalate_on_abuse (default true).
- urgent_on_escalate (default true): an escalated message with high urgency becomes "urgent".
- emotion_tags (default true): add tactful_emotion_<name> tags.

Customer memory (TicketFacts.customer) adds tactful_customer_at_risk and
tactful_customer_repeat_topic, and raises an at-risk or repeatedly unhappy customer to high.
"""
from __future__ import annotations

import re

from marshmallow import Schema, fields, validate

from .analysis.types import (
    EMOTIONS,
    FLAGS,
    PRIORITIES,
    SENTIMENT_LABELS,
    URGENCY_LEVELS,
    Analysis,
    Decision,
    TicketFacts,
)

_SAFE_TAG_PART = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


class PolicySettingsSchema(Schema):
    tag_prefix = fields.Str(load_default="tactful_",
                            validate=validate.Regexp(r"^[a-z0-9_-]{0,30}$"))
    vip_tags = fields.List(fields.Str(validate=validate.Length(min=1, max=80)),
                           load_default=list)
    escalate_threshold = fields.Float(load_default=0.8, validate=validate.Range(0.0, 1.0))
    escalate_on_churn = fields.Bool(load_default=True)
    escalate_on_abuse = fields.Bool(load_default=True)
    urgent_on_escalate = fields.Bool(load_default=True)
    emotion_tags = fields.Bool(load_default=True)


def _raise(current: str, target: str) -> str:
    return max(current, target, key=PRIORITIES.index)


def _escalation_reasons(analysis: Analysis, settings: dict) -> list[str]:
    reasons = []
    for emotion in ("anger", "frustration"):
        score = analysis.emotions.get(emotion, 0.0)
        if score >= settings["escalate_threshold"]:
            reasons.append(f"strong {emotion} ({score:.2f})")
    if settings["escalate_on_churn"] and analysis.flags.get("churn_risk"):
        reasons.append("churn risk")
    if settings["escalate_on_abuse"] and analysis.flags.get("abusive"):
        reasons.append("abusive language")
    return reasons


def _text_priority(analysis: Analysis, escalation: list[str], settings: dict
                   ) -> tuple[str, list[str]]:
    """Priority from the message alone, with a reason for every step up or down."""
    priority, reasons = "normal", []
    if analysis.urgency == "high":
        priority = "high"
        reasons.append("high urgency")
    elif analysis.flags.get("resolved") and analysis.sentiment.label != "negative":
        priority = "low"
        reasons.append("the customer says it is resolved")
    elif analysis.urgency == "low" and analysis.sentiment.label != "negative":
        priority = "low"
        reasons.append("low urgency")
    if escalation:
        target = "urgent" if priority == "high" and settings["urgent_on_escalate"] else "high"
        priority = _raise(priority, target)
        reasons.append("escalated: " + ", ".join(escalation))
    elif analysis.flags.get("repeated_contact") and analysis.sentiment.label == "negative":
        priority = _raise(priority, "high")
        reasons.append("repeated contact from an unhappy customer")
    elif analysis.trend == "worsening" and analysis.sentiment.label == "negative":
        priority = _raise(priority, "high")
        reasons.append("the customer's mood is worsening across the thread")
    if not reasons:
        reasons.append("nothing pressing in the message")
    return priority, reasons


def _apply_facts(priority: str, reasons: list[str], facts: TicketFacts,
                 settings: dict) -> str:
    vip = sorted(set(facts.tags) & set(settings["vip_tags"]))
    if vip:
        bumped = PRIORITIES[min(PRIORITIES.index(priority) + 1, len(PRIORITIES) - 1)]
        reasons.append(f"VIP requester ({', '.join(vip)}): {priority} -> {bumped}")
        priority = bumped
    existing = facts.existing_priority
    if existing in PRIORITIES and PRIORITIES.index(existing) > PRIORITIES.index(priority):
        reasons.append(f"kept the existing priority {existing}: Tactful only raises priority")
        priority = existing
    return priority


def _tags(analysis: Analysis, priority: str, escalate: bool, settings: dict) -> list[str]:
    """Every tag comes from a fixed vocabulary, so automation rules can rely on them."""
    prefix = settings["tag_prefix"]
    sentiment = analysis.sentiment.label
    sentiment = sentiment if sentiment in SENTIMENT_LABELS else "unknown"
    urgency = analysis.urgency if analysis.urgency in URGENCY_LEVELS else "normal"
    topic = analysis.topic if _SAFE_TAG_PART.match(analysis.topic or "") else "other"
    language = analysis.language if _LANGUAGE.match(analysis.language or "") else "und"
    names = [f"sentiment_{sentiment}", f"urgency_{urgency}", f"topic_{topic}",
             f"lang_{language}", f"priority_{priority}", "done"]
    if settings["emotion_tags"]:
        names += [f"emotion_{e}" for e in analysis.detected if e in EMOTIONS]
    names += [f"flag_{f}" for f in FLAGS if analysis.flags.get(f)]
    if analysis.trend == "worsening":
        names.append("trend_worsening")
    if escalate:
        names.append("escalate")
    return sorted({prefix + name for name in names})


def is_vip(tags, settings: dict | None) -> bool:
    """The ticket carries one of the installation's VIP tags."""
    return bool(set(tags) & set(_SETTINGS.load(settings or {})["vip_tags"]))


def _customer_priority(priority: str, reasons: list[str], analysis: Analysis,
                       customer) -> str:
    """What the customer's history adds: a reason, and high for an at-risk customer."""
    if customer is None:
        return priority
    if customer.at_risk:
        reasons.append("customer at risk: " + "; ".join(customer.reasons))
        return _raise(priority, "high")
    if customer.repeat_topic:
        reasons.append(f"contacted us before about {customer.repeat_topic.replace('_', ' ')}"
                       " on another ticket")
        if analysis.sentiment.label == "negative":
            return _raise(priority, "high")
    return priority


def _customer_tags(customer, prefix: str) -> list[str]:
    if customer is None:
        return []
    names = ["customer_at_risk"] if customer.at_risk else []
    names += ["customer_repeat_topic"] if customer.repeat_topic else []
    return [prefix + name for name in names]


# Built once: a schema instance builds its nested schemas on first load, per instance.
_SETTINGS = PolicySettingsSchema()


def decide(analysis: Analysis, settings: dict | None = None,
           facts: TicketFacts | None = None) -> Decision:
    """Priority (never lower than a human set it), reasons, tags and custom fields."""
    resolved = _SETTINGS.load(settings or {})
    facts = facts or TicketFacts()
    escalation = _escalation_reasons(analysis, resolved)
    priority, reasons = _text_priority(analysis, escalation, resolved)
    priority = _customer_priority(priority, reasons, analysis, facts.customer)
    priority = _apply_facts(priority, reasons, facts, resolved)
    escalate = bool(escalation)
    tags = sorted({*_tags(analysis, priority, escalate, resolved),
                   *_customer_tags(facts.customer, resolved["tag_prefix"])})
    return Decision(
        priority=priority, reasons=reasons, tags=tags, escalate=escalate,
        custom_fields={"sentiment": analysis.sentiment.label,
                       "emotions": ",".join(analysis.detected),
                       "priority": priority, "topic": analysis.topic},
    )
