"""The shipped linear model: loaded once, lazily, from a gzip'd JSON file.

Scoring is a pure-Python sparse dot product over the features that occur in the
text, which keeps the default install free of numpy and fast per message.
"""
from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .features import features
from .ngrams import ngram_features

# Which GoEmotions labels make up each emotion an agent cares about. The model is
# trained on these unions and evaluated against them (the definition).
EMOTION_SOURCES: dict[str, frozenset[str]] = {
    "frustration": frozenset({"anger", "annoyance", "disappointment"}),
    "anger": frozenset({"anger"}),
    "confusion": frozenset({"confusion"}),
    "anxiety": frozenset({"fear", "nervousness"}),
    "disappointment": frozenset({"disappointment"}),
    "gratitude": frozenset({"gratitude"}),
}

MODEL_PATH = Path(__file__).with_name("data") / "model.json.gz"
# Sentiment-only models for other languages (`tactful train --language xx`).
LANGUAGE_MODEL_PATTERN = "sentiment.{language}.json.gz"
SENTIMENT_CLASSES: tuple[str, ...] = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class ModelOutput:
    sentiment: dict[str, float]          # class -> probability (sums to 1)
    emotions: dict[str, float]           # emotion -> probability
    hits: tuple[tuple[str, list[float]], ...]  # (feature, weight row) found in the text
    columns: dict[str, int]              # emotion -> its column in a weight row

    def evidence(self, emotion: str, limit: int = 3) -> list[str]:
        """The features that pushed `emotion` up most (computed only when asked)."""
        if emotion not in self.columns:
            return []       # a sentiment-only model (languages other than English)
        column = self.columns[emotion]
        pushing = sorted((row[column], feat) for feat, row in self.hits
                         if row[column] > 0.05 and explains(feat))
        return [feat for _, feat in reversed(pushing[-limit:])]


def read_model_file(path: Path) -> dict | None:
    """A shipped model file's payload (gzip'd JSON), or None when the file is absent."""
    if not path.exists():
        return None
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=1)
def load_model(path: str | None = None) -> dict | None:
    """The model payload, or None when no model file ships (rules then work alone)."""
    return read_model_file(Path(path) if path else MODEL_PATH)


@lru_cache(maxsize=16)
def load_language_model(language: str) -> dict | None:
    """The sentiment model for `language`, loaded the first time a message needs it.

    Read directly, not through load_model: its one-entry cache holds the English model,
    which a language's first message would otherwise push out (and reload after)."""
    return read_model_file(MODEL_PATH.with_name(LANGUAGE_MODEL_PATTERN.format(language=language)))


def _sigmoid(value: float) -> float:
    if value < -30:
        return 0.0
    return 1.0 / (1.0 + math.exp(-value))


def _softmax(values: list[float]) -> list[float]:
    top = max(values)
    exps = [math.exp(v - top) for v in values]
    total = sum(exps)
    return [e / total for e in exps]


def _dot(model: dict, feats: set[str]) -> tuple[tuple[tuple[str, list[float]], ...], list[float]]:
    """The (feature, weight row) pairs found in the model, and bias plus those rows summed.

    filter/map run the lookups in C: a comprehension with a walrus cost a bytecode loop
    per feature, a third of a non-English message (which has ~600 features, half known).
    Rows are summed in the features' order, column by column, exactly as before.
    """
    weights = model["weights"]
    known = list(filter(weights.__contains__, feats))
    rows = list(map(weights.__getitem__, known))
    return tuple(zip(known, rows)), [sum(column) for column in zip(model["bias"], *rows)]


def predict(text: str, model: dict | None = None, *, language: str = "en",
            feats: set[str] | None = None) -> ModelOutput | None:
    """Probabilities for every head; None when no model is available for `language`.

    `feats` are `features(text)` when the caller already has them (English only)."""
    if language != "en":
        return _predict_language(text, model or load_language_model(language))
    model = model or load_model()
    if model is None:
        return None
    hits, totals = _dot(model, features(text) if feats is None else feats)
    n_sent = len(SENTIMENT_CLASSES)
    sentiment = dict(zip(SENTIMENT_CLASSES, _softmax(totals[:n_sent])))
    names = model["outputs"][n_sent:]
    emotions = {name: _sigmoid(totals[n_sent + i]) for i, name in enumerate(names)}
    columns = {name: n_sent + i for i, name in enumerate(names)}
    return ModelOutput(sentiment, emotions, hits, columns)


def _predict_language(text: str, model: dict | None) -> ModelOutput | None:
    """Sentiment only: the other languages' models have no emotion heads."""
    if model is None:
        return None
    hits, totals = _dot(model, ngram_features(text))
    return ModelOutput(dict(zip(SENTIMENT_CLASSES, _softmax(totals))), {}, hits, {})


# Words too common to explain anything to an agent, even when the model leans on them.
_NOT_EVIDENCE = frozenset((
    "! ? a an the i i'm me my you your it it's is are was be this that to of and or in on "
    "at for with so do does did have has had just im what how why all we they he she will "
    "would can could should there here them then than been being"
).split())


@lru_cache(maxsize=65536)
def explains(feature: str) -> bool:
    """Whether a feature means something to an agent (not only function words)."""
    return any(word not in _NOT_EVIDENCE and len(word) > 2 for word in feature.split())
