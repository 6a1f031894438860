"""Per-emotion scores in [0, 1], the detected list, and the evidence for each.

The model's probability and the cue lexicon are combined as independent signals
(noisy-OR), then rescaled so that each emotion's tuned threshold sits at 0.5:
a score an agent can read the same way for every emotion.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from .cues import CueHit
from .model import ModelOutput
from .types import EMOTIONS

# Raw-probability level at which an emotion counts as present (chosen on dev).
BASE_THRESHOLDS: dict[str, float] = {
    "frustration": 0.4, "anger": 0.24, "confusion": 0.2,
    "anxiety": 0.175, "disappointment": 0.15, "gratitude": 0.66,
}
DISPLAY_THRESHOLD = 0.5


def _rescale(probability: float, threshold: float) -> float:
    """Piecewise-linear map sending `threshold` to 0.5, keeping 0 and 1 fixed."""
    if probability < threshold:
        return probability / (2 * threshold)
    return 0.5 + 0.5 * (probability - threshold) / (1 - threshold)


_EMOTION_NAMES = frozenset(EMOTIONS)


def _cue_strengths(hits: Sequence[CueHit]) -> dict[str, tuple[float, list[str]]]:
    """Emotion -> (noisy-OR of its cue weights, the phrases that carried it), for the
    emotions some cue carries.

    One pass over the hits' own effects instead of one pass per emotion: a hit names
    two or three effects, not six (the same products, in the same order).
    """
    found: dict[str, tuple[list[float], list[str]]] = {}
    for hit in hits:
        for emotion, weight in hit.effects.items():
            if weight > 0 and emotion in _EMOTION_NAMES:
                missing, phrases = found.setdefault(emotion, ([1.0], []))
                missing[0] *= 1.0 - weight
                if hit.phrase not in phrases:
                    phrases.append(hit.phrase.strip())
    return {emotion: (1.0 - missing[0], phrases) for emotion, (missing, phrases) in found.items()}


def score_emotions(hits: Sequence[CueHit], model: ModelOutput | None,
                   thresholds: dict[str, float] | None = None, *,
                   extra: Mapping[str, tuple[float, list[str]]] | None = None,
                   muted: frozenset[str] = frozenset(),
                   ) -> tuple[dict[str, float], list[str], dict[str, list[str]]]:
    """(scores, detected, evidence) over every name in EMOTIONS.

    `extra` adds evidence found beyond single cues (sarcasm: frustration, with its
    phrases); `muted` emotions are read as absent (the "thanks" in sarcastic thanks).
    """
    thresholds = thresholds or {}
    extra = extra or {}
    scores: dict[str, float] = {}
    detected: list[str] = []
    evidence: dict[str, list[str]] = {}
    strengths = _cue_strengths(hits)
    for emotion in EMOTIONS:
        if emotion in muted:
            scores[emotion] = 0.0
            continue
        cue, phrases = strengths.get(emotion) or (0.0, [])
        if emotion in extra:
            strength, words = extra[emotion]
            cue = 1.0 - (1.0 - cue) * (1.0 - strength)
            phrases += [w for w in words if w not in phrases]
        learned = model.emotions.get(emotion, 0.0) if model else 0.0
        combined = 1.0 - (1.0 - cue) * (1.0 - learned)
        score = round(_rescale(combined, BASE_THRESHOLDS[emotion]), 3)
        scores[emotion] = score
        if score >= thresholds.get(emotion, DISPLAY_THRESHOLD):
            detected.append(emotion)
            learned_words = model.evidence(emotion) if model else []
            # Model words already inside a cue phrase would only repeat it.
            evidence[emotion] = phrases + [w for w in learned_words
                                           if not any(w in p for p in phrases)]
    return scores, detected, evidence
