"""Analysis values built by hand, so drafting tests never depend on the analyzer's scores."""
from __future__ import annotations

import pytest

from integration.domain.analysis.types import EMOTIONS, FLAGS, Analysis, Sentiment


def build_analysis(
    emotion: str | None = None, score: float = 0.9, *, topic: str = "other",
    language: str = "en", flags: tuple[str, ...] = (), evidence: dict | None = None,
    urgency: str = "normal", sentiment: str = "negative", also: dict[str, float] | None = None,
) -> Analysis:
    """An Analysis with one leading emotion (or none) and whatever else a test needs."""
    emotions = {name: 0.0 for name in EMOTIONS}
    detected = []
    for name, value in ({emotion: score} if emotion else {}).items() | (also or {}).items():
        emotions[name] = value
        detected.append(name)
    polarity = {"negative": -0.6, "positive": 0.7}.get(sentiment, 0.0)
    return Analysis(
        language=language, sentiment=Sentiment(sentiment, polarity, 0.8), emotions=emotions,
        detected=sorted(detected), evidence=evidence or {}, urgency=urgency,
        flags={name: name in flags for name in FLAGS}, topic=topic,
    )


@pytest.fixture
def make_analysis():
    return build_analysis
