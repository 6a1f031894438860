"""Support-tuned sentiment: the trained model, VADER and domain cues, combined.

VADER and the GoEmotions model each miss things support text is full of (a problem
described calmly, "third time I'm asking"); the cue lexicon adds those, weighted
so that describing a problem stays mildly negative at most.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .cues import CueHit, phrases_for, total_effect
from .model import ModelOutput
from .multilingual import score_other_language
from .types import Sentiment

# Weights and thresholds chosen on the dev sets by a small grid (see docs/analysis.md, "Measured");
# seven numbers only, so they cannot memorise dev texts.
MODEL_WEIGHT = 0.4
VADER_WEIGHT = 0.4
CUE_WEIGHT = 0.6
# Describing a problem is mildly negative: enough to tip a flat message, no more.
PROBLEM_SHIFT = 0.3
# When the model is sure a message is matter-of-fact, the other signals count less.
NEUTRAL_DAMPING = 0.7
NEGATIVE_BELOW = -0.03
POSITIVE_ABOVE = 0.2

_SENTENCE_END = re.compile(r"(?<=[.!?\n])\s+")


@lru_cache(maxsize=1)
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def vader_score(text: str) -> float:
    """Mean compound of the sentences that carry any sentiment.

    Scoring sentence by sentence keeps VADER linear in the length of long tickets.
    """
    analyzer = _vader()
    compounds = [analyzer.polarity_scores(s)["compound"]
                 for s in _SENTENCE_END.split(text) if s.strip()]
    nonzero = [c for c in compounds if c]
    return sum(nonzero) / len(nonzero) if nonzero else 0.0


def _clip(value: float, low: float = -1.0, high: float = 1.0) -> float:
    return max(low, min(high, value))


def _confidence(score: float, label: str, agreement: float) -> float:
    if label == "neutral":
        margin = 1.0 - abs(score) / max(abs(NEGATIVE_BELOW), POSITIVE_ABOVE)
    else:
        edge = NEGATIVE_BELOW if label == "negative" else POSITIVE_ABOVE
        margin = min(1.0, abs(score - edge) / 0.5)
    return round(_clip(0.45 + 0.35 * margin + 0.2 * agreement, 0.0, 1.0), 3)


def score_sentiment(core: str, model: ModelOutput | None,
                    hits: list[CueHit], language: str = "en") -> tuple[Sentiment, list[str]]:
    """The sentiment of the cleaned text, and the phrases that moved it."""
    if language != "en":
        return score_other_language(core, model, hits)
    if not core.strip():
        return Sentiment("neutral", 0.0, 0.5), []
    vader = vader_score(core)
    model_score = model.sentiment["positive"] - model.sentiment["negative"] if model else vader
    cues = _clip(total_effect(hits, "sentiment"))
    problem = PROBLEM_SHIFT if phrases_for(hits, "problem") else 0.0
    score = MODEL_WEIGHT * model_score + VADER_WEIGHT * vader + CUE_WEIGHT * cues - problem
    if model:
        score *= 1.0 - NEUTRAL_DAMPING * model.sentiment["neutral"]
    score = _clip(score)
    if score <= NEGATIVE_BELOW:
        label = "negative"
    elif score >= POSITIVE_ABOVE:
        label = "positive"
    else:
        label = "neutral"
    agreement = 1.0 if (model_score > 0) == (vader > 0) else 0.0
    return Sentiment(label, round(score, 3), _confidence(score, label, agreement)), \
        phrases_for(hits, "sentiment")
