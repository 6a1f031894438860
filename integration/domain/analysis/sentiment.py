"""Support-tuned sentiment: the trained model, VADER and domain cues, combined.

VADER and the GoEmotions model each miss things support text is full of (a problem
described calmly, "third time I'm asking"); the cue lexicon adds those, weighted
so that describing a problem stays mildly negative at most.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .cues import phrases_for, total_effect
from .multilingual import score_other_language
from .types import Sentiment
from .vader import compound

if TYPE_CHECKING:
    from .reading import Reading

# Weights and thresholds chosen on the dev sets by a small grid (see docs/analysis.md, "Measured");
# seven numbers only, so they cannot memorise dev texts. The two thresholds were re-chosen
# when the learned heads (heads.py) joined (positive 0.2 -> 0.16): sarcasm they catch moves
# sentiment too.
MODEL_WEIGHT = 0.4
VADER_WEIGHT = 0.4
CUE_WEIGHT = 0.6
# Describing a problem is mildly negative: enough to tip a flat message, no more.
PROBLEM_SHIFT = 0.3
# When the model is sure a message is matter-of-fact, the other signals count less.
NEUTRAL_DAMPING = 0.7
NEGATIVE_BELOW = -0.03
POSITIVE_ABOVE = 0.16
# Sarcastic praise counts against the situation it describes, at least this negatively.
SARCASM_SHIFT = 0.3

# Whitespace after a sentence's end: (?<=[.!?\n])\s+, written to start with \s so that the
# regex engine skips to the next whitespace instead of trying the lookbehind at every
# character (same matches; ~40% fewer instructions to split a message).
_SENTENCE_END = re.compile(r"\s(?<=[.!?\n]\s)\s*")


def vader_compounds(text: str) -> list[float]:
    """VADER's compound for each sentence (vader.compound: VADER's own score, computed faster).

    Scoring sentence by sentence keeps VADER linear in the length of long tickets.
    """
    return [compound(s) for s in _SENTENCE_END.split(text) if s.strip()]


def vader_mean(compounds: tuple[float, ...] | list[float]) -> float:
    """Mean compound of the sentences that carry any sentiment."""
    nonzero = [c for c in compounds if c]
    return sum(nonzero) / len(nonzero) if nonzero else 0.0


def vader_score(text: str) -> float:
    return vader_mean(vader_compounds(text))


def _clip(value: float, low: float = -1.0, high: float = 1.0) -> float:
    return max(low, min(high, value))


def _confidence(score: float, label: str, agreement: float) -> float:
    if label == "neutral":
        margin = 1.0 - abs(score) / max(abs(NEGATIVE_BELOW), POSITIVE_ABOVE)
    else:
        edge = NEGATIVE_BELOW if label == "negative" else POSITIVE_ABOVE
        margin = min(1.0, abs(score - edge) / 0.5)
    return round(_clip(0.45 + 0.35 * margin + 0.2 * agreement, 0.0, 1.0), 3)


def score_sentiment(reading: Reading, sarcasm: list[str] | None = None
                    ) -> tuple[Sentiment, list[str]]:
    """The sentiment of the reading's core text, and the phrases that moved it.

    Sarcasm (positive words about a bad situation) turns the positive signals around:
    the praise is aimed at the failure, so the message reads at least mildly negative.
    """
    if reading.language != "en":
        return score_other_language(reading.text, reading.model, list(reading.hits))
    if not reading.text.strip():
        return Sentiment("neutral", 0.0, 0.5), []
    model, hits = reading.model, reading.hits
    vader = vader_mean(reading.vader)
    model_score = model.sentiment["positive"] - model.sentiment["negative"] if model else vader
    cues = _clip(total_effect(hits, "sentiment"))
    problem = PROBLEM_SHIFT if phrases_for(hits, "problem") else 0.0
    score = MODEL_WEIGHT * model_score + VADER_WEIGHT * vader + CUE_WEIGHT * cues - problem
    if model:
        score *= 1.0 - NEUTRAL_DAMPING * model.sentiment["neutral"]
    if sarcasm:
        score = -abs(score) - SARCASM_SHIFT
    score = _clip(score)
    if score <= NEGATIVE_BELOW:
        label = "negative"
    elif score >= POSITIVE_ABOVE:
        label = "positive"
    else:
        label = "neutral"
    agreement = 1.0 if (model_score > 0) == (vader > 0) else 0.0
    words = phrases_for(hits, "sentiment")
    return Sentiment(label, round(score, 3), _confidence(score, label, agreement)), \
        words + [w for w in (sarcasm or ()) if w not in words]
