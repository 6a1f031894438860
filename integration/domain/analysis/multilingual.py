"""Sentiment for the languages other than English: the language's model plus its cues.

VADER is English-only, so here the per-language model (trained on UMSAB tweets) is the
main signal, and the language's cue lexicon (data/cues.<lang>.json) shifts it: support
phrases such as "es urgente... muy molesto" are rare in tweets, and the model alone
would call them neutral.
"""
from __future__ import annotations

import math

from .cues import CueHit, phrases_for, total_effect
from .model import SENTIMENT_CLASSES, ModelOutput
from .types import Sentiment

# How far one unit of cue sentiment moves the log-odds (a strong cue, -0.6, is worth
# about +1.5 for "negative"). Not fitted: the cues almost never fire on tweets.
CUE_LOGIT = 2.5
# Describing a problem ("no funciona") leans negative without deciding it alone.
PROBLEM_LOGIT = 0.6


def score_other_language(core: str, model: ModelOutput | None,
                         hits: list[CueHit]) -> tuple[Sentiment, list[str]]:
    """The label the model's probabilities and the cues agree on, and the cue phrases."""
    if not core.strip():
        return Sentiment("neutral", 0.0, 0.5), []
    probabilities = model.sentiment if model else dict.fromkeys(SENTIMENT_CLASSES, 1 / 3)
    logits = {label: math.log(max(p, 1e-9)) for label, p in probabilities.items()}
    cues = max(-1.0, min(1.0, total_effect(hits, "sentiment")))
    if cues < 0:
        logits["negative"] += -cues * CUE_LOGIT
    elif cues > 0:
        logits["positive"] += cues * CUE_LOGIT
    if phrases_for(hits, "problem"):
        logits["negative"] += PROBLEM_LOGIT
    top = max(logits.values())
    total = sum(math.exp(v - top) for v in logits.values())
    shifted = {label: math.exp(v - top) / total for label, v in logits.items()}
    label = max(SENTIMENT_CLASSES, key=lambda c: shifted[c])
    score = round(shifted["positive"] - shifted["negative"], 3)
    return Sentiment(label, score, round(shifted[label], 3)), phrases_for(hits, "sentiment")
