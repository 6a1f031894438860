"""Urgency and the flags an agent acts on: complaint, churn, repeat contact, abuse, resolved."""
from __future__ import annotations

import re
from collections.abc import Sequence

from .cues import CueHit, phrases_for
from .types import FLAGS, Sentiment

# Chosen on dev: how much time pressure makes a message "high" or "low".
HIGH_URGENCY_AT = 0.6
LOW_URGENCY_AT = -0.3
_COMPLAINT_EMOTIONS = frozenset({"frustration", "anger", "disappointment"})
_CALM_TOPICS = frozenset({"praise", "feature_request"})
# What undoes a resolution when it comes after it: a new problem, a question, a plea.
_UNSETTLING = ("problem", "complaint", "churn_risk", "repeated_contact", "abusive",
               "frustration", "anger", "anxiety", "confusion", "disappointment")
_OPEN_QUESTION = re.compile(r"\?|\b(?:but|however|although|except|only)\b")
# A message that is only a thank-you ("Thanks so much!") confirms the help it thanks for.
_SHORT_THANKS_WORDS = 8
_WORD = re.compile(r"[^\W\d_]+")


def unsettles(hit: CueHit) -> bool:
    """Whether a cue says something is (still) wrong: a problem, a plea, a question."""
    return hit.effects.get("sentiment", 0.0) < -0.1 or hit.effects.get("urgency", 0.0) > 0 or any(
        hit.effects.get(k, 0.0) > 0 for k in _UNSETTLING)


def detect_resolved(hits: Sequence[CueHit], text: str, sarcasm: list[str],
                    detected: list[str]) -> list[str]:
    """The phrases that say the customer's problem is solved or the answer understood.

    Only when nothing after the last of them reopens it ("it works now, but the export
    still fails?"), and never in sarcasm ("great, fixed it myself after 3 days").
    """
    if sarcasm:
        return []
    resolving = [h for h in hits if h.effects.get("resolved")]
    if not resolving:
        return _short_thanks(hits, text, detected)
    last = resolving[-1]
    tail = text[last.start + len(last.phrase):]
    if any(h.start > last.start and unsettles(h) for h in hits) or _OPEN_QUESTION.search(tail):
        return []
    return list(dict.fromkeys(h.phrase.strip() for h in resolving))


def _short_thanks(hits: Sequence[CueHit], text: str, detected: list[str]) -> list[str]:
    if ("gratitude" not in detected or "?" in text or any(unsettles(h) for h in hits)
            or len(_WORD.findall(text)) > _SHORT_THANKS_WORDS):
        return []
    return phrases_for(list(hits), "gratitude")[:1]


def _flag_effects(hits: list[CueHit]) -> tuple[dict[str, float], dict[str, dict[str, None]]]:
    """Per flag: its summed effect (cues.total_effect) and its distinct phrases in order
    (cues.phrases_for), in one pass over the hits' own effects rather than two passes
    per flag. Sums add the same values in the same order (absent ones add 0.0)."""
    totals = dict.fromkeys(FLAGS, 0.0)
    phrases: dict[str, dict[str, None]] = {name: {} for name in FLAGS}
    for hit in hits:
        for name, value in hit.effects.items():
            if name in totals:
                totals[name] += value
                if value:
                    phrases[name].setdefault(hit.phrase.strip(), None)
    return totals, phrases


def detect_flags(hits: Sequence[CueHit], sentiment: Sentiment, detected: list[str],
                 resolved: list[str] | None = None
                 ) -> tuple[dict[str, bool], dict[str, list[str]]]:
    """Every name in FLAGS -> bool, plus the phrases that raised each one."""
    hits = list(hits)
    totals, phrases = _flag_effects(hits)
    flags = {name: totals[name] > 0 for name in FLAGS}
    flags["resolved"] = bool(resolved)
    evidence = {name: list(phrases[name]) for name in FLAGS if flags[name]}
    if resolved:
        evidence["resolved"] = list(resolved)
    # In a message to support, negativity or a negative emotion is itself a complaint,
    # however politely it is phrased ("my order never arrived, nobody tells me why").
    if not flags["complaint"]:
        upset = [e for e in detected if e in _COMPLAINT_EMOTIONS]
        if sentiment.label == "negative" or upset:
            flags["complaint"] = True
            evidence["complaint"] = (phrases_for(hits, "problem") or upset
                                     or [f"sentiment {sentiment.score:+.2f}"])
    return flags, evidence


def _urgency_points(hits: Sequence[CueHit], subject_end: int) -> float:
    # A time-pressure word in an email's subject line is deliberate: it counts double.
    return sum(hit.effects.get("urgency", 0.0) * (2 if hit.start < subject_end else 1)
               for hit in hits)


def detect_urgency(hits: Sequence[CueHit], text: str, topic: str,
                   flags: dict[str, bool]) -> tuple[str, list[str]]:
    """'low' | 'normal' | 'high', and the phrases that decided it."""
    subject_end = text.find("\n") if text.startswith("subject:") else 0
    points = _urgency_points(hits, subject_end)
    if flags.get("resolved"):
        # "It works now, I have a demo in an hour" is relief, not a deadline to act on.
        return "low", ["resolved"]
    if topic == "security_fraud":
        points += 0.3
    phrases = phrases_for(hits, "urgency")
    if points >= HIGH_URGENCY_AT:
        return "high", [p for p in phrases if _sign(hits, p) > 0]
    pressing = flags["churn_risk"] or flags["abusive"] or flags["repeated_contact"]
    if not pressing and (points <= LOW_URGENCY_AT or (topic in _CALM_TOPICS and points <= 0)):
        return "low", [p for p in phrases if _sign(hits, p) < 0] or [f"topic {topic}"]
    return "normal", []


def _sign(hits: Sequence[CueHit], phrase: str) -> float:
    return sum(h.effects.get("urgency", 0.0) for h in hits if h.phrase.strip() == phrase)

