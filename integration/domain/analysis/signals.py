"""Urgency and the flags an agent acts on: complaint, churn risk, repeat contact, abuse."""
from __future__ import annotations

from .cues import CueHit, phrases_for, total_effect
from .types import FLAGS, Sentiment

# Chosen on dev: how much time pressure makes a message "high" or "low".
HIGH_URGENCY_AT = 0.6
LOW_URGENCY_AT = -0.3
_COMPLAINT_EMOTIONS = frozenset({"frustration", "anger", "disappointment"})
_CALM_TOPICS = frozenset({"praise", "feature_request"})


def detect_flags(hits: list[CueHit], sentiment: Sentiment, detected: list[str]
                 ) -> tuple[dict[str, bool], dict[str, list[str]]]:
    """Every name in FLAGS -> bool, plus the phrases that raised each one."""
    flags = {name: total_effect(hits, name) > 0 for name in FLAGS}
    evidence = {name: phrases_for(hits, name) for name in FLAGS if flags[name]}
    # In a message to support, negativity or a negative emotion is itself a complaint,
    # however politely it is phrased ("my order never arrived, nobody tells me why").
    if not flags["complaint"]:
        upset = [e for e in detected if e in _COMPLAINT_EMOTIONS]
        if sentiment.label == "negative" or upset:
            flags["complaint"] = True
            evidence["complaint"] = (phrases_for(hits, "problem") or upset
                                     or [f"sentiment {sentiment.score:+.2f}"])
    return flags, evidence


def _urgency_points(hits: list[CueHit], subject_end: int) -> float:
    # A time-pressure word in an email's subject line is deliberate: it counts double.
    return sum(hit.effects.get("urgency", 0.0) * (2 if hit.start < subject_end else 1)
               for hit in hits)


def detect_urgency(hits: list[CueHit], text: str, topic: str,
                   flags: dict[str, bool]) -> tuple[str, list[str]]:
    """'low' | 'normal' | 'high', and the phrases that decided it."""
    subject_end = text.find("\n") if text.startswith("subject:") else 0
    points = _urgency_points(hits, subject_end)
    if topic == "security_fraud":
        points += 0.3
    phrases = phrases_for(hits, "urgency")
    if points >= HIGH_URGENCY_AT:
        return "high", [p for p in phrases if _sign(hits, p) > 0]
    pressing = flags["churn_risk"] or flags["abusive"] or flags["repeated_contact"]
    if not pressing and (points <= LOW_URGENCY_AT or (topic in _CALM_TOPICS and points <= 0)):
        return "low", [p for p in phrases if _sign(hits, p) < 0] or [f"topic {topic}"]
    return "normal", []


def _sign(hits: list[CueHit], phrase: str) -> float:
    return sum(h.effects.get("urgency", 0.0) for h in hits if h.phrase.strip() == phrase)

