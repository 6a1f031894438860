"""How drafting reads an Analysis: which feeling leads the reply, and how strongly."""
from __future__ import annotations

from integration.domain.analysis.types import EMOTIONS, Analysis

STRONG_AT = 0.6
POSITIVE = frozenset({"gratitude"})


def primary_emotion(analysis: Analysis) -> str | None:
    """The detected emotion the reply should answer first, or None for a calm message.

    A negative feeling outranks gratitude: "thanks in advance, but this is the third
    time" needs the frustration answered, not the thanks.
    """
    detected = [e for e in analysis.detected if e in EMOTIONS]
    negative = [e for e in detected if e not in POSITIVE]
    candidates = negative or detected
    if not candidates:
        return None
    # Ties resolve in EMOTIONS order so the choice never depends on list order upstream.
    return max(candidates, key=lambda e: (analysis.emotions.get(e, 0.0), -EMOTIONS.index(e)))


def intensity(analysis: Analysis, emotion: str | None) -> str:
    """"strong" or "mild": how hard the opening should lean into the feeling."""
    if emotion is None:
        return "mild"
    return "strong" if analysis.emotions.get(emotion, 0.0) >= STRONG_AT else "mild"


def is_upset(analysis: Analysis) -> bool:
    """Whether selling anything would be tone-deaf (the guard's upsell rule turns on)."""
    negative_feeling = any(e not in POSITIVE for e in analysis.detected)
    return (
        negative_feeling or analysis.sentiment.label == "negative"
        or analysis.flags.get("complaint", False) or analysis.flags.get("churn_risk", False)
    )
