"""The whole conversation: the customer's earlier messages in the ticket.

The latest message decides every label. The thread adds what one message cannot
show: where the customer's mood is heading (`trend`), and that they have had to
write again (repeated contact, follow-ups nobody answered).
"""
from __future__ import annotations

from dataclasses import replace

from .types import Analysis

# How far the latest sentiment score must move from the recent earlier ones to be a trend.
TREND_DELTA = 0.25
CROSSING_DELTA = 0.1
# The earlier messages the latest is compared with: the customer's most recent mood.
RECENT = 2
# This many earlier messages in one ticket means the customer keeps having to write.
REPEATED_AFTER = 2


def sentiment_trend(earlier: list[Analysis], latest: Analysis) -> str:
    """'improving' | 'steady' | 'worsening' from the sentiment scores, oldest first."""
    known = [a.sentiment for a in earlier if a.sentiment.label != "unknown"]
    if not known or latest.sentiment.label == "unknown":
        return "steady"
    recent = known[-RECENT:]
    delta = latest.sentiment.score - sum(s.score for s in recent) / len(recent)
    negative_now = latest.sentiment.label == "negative"
    was_negative = all(s.label == "negative" for s in recent)
    # A smaller move counts when it crosses into (or out of) negative.
    if delta <= -TREND_DELTA or (negative_now and not was_negative and delta <= -CROSSING_DELTA):
        return "worsening"
    if delta >= TREND_DELTA or (not negative_now and any(s.label == "negative" for s in recent)
                                and delta >= CROSSING_DELTA):
        return "improving"
    return "steady"


def apply_thread(latest: Analysis, earlier: list[Analysis], unanswered: int = 0) -> Analysis:
    """`latest` with the trend and the thread-level flags added.

    `unanswered` counts the customer's follow-ups since the last public agent reply
    (connectors know it; a plain list of messages does not say).
    """
    flags = dict(latest.flags)
    evidence = {k: list(v) for k, v in latest.evidence.items()}
    thread_words = []
    if len(earlier) >= REPEATED_AFTER:
        thread_words.append(f"{len(earlier)} earlier messages in this ticket")
    if unanswered:
        thread_words.append(f"{unanswered} unanswered follow-up{'s' if unanswered > 1 else ''}")
    if thread_words and not flags.get("resolved"):
        flags["repeated_contact"] = True
        evidence["repeated_contact"] = [*evidence.get("repeated_contact", ()), *thread_words]
    trend = sentiment_trend(earlier, latest)
    if trend != "steady":
        scores = [f"{a.sentiment.score:+.2f}" for a in earlier[-RECENT:]]
        evidence["trend"] = [f"{' '.join(scores)} -> {latest.sentiment.score:+.2f}"]
    return replace(latest, flags=flags, evidence=evidence, trend=trend)
