"""One reading per message: the text is cleaned, identified, featurised and scanned once.

Everything downstream (sentiment, emotions, flags, urgency, topic, sarcasm, resolution)
consumes a `Reading` instead of going back to the text. That keeps a message's cost at
one cue scan, one model pass and one VADER pass, whatever the labels need, and it is
the one place a new language plugs in: `language` travels with the reading.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache

from .cleanup import CleanText, clean_message, closing_gratitude, mask_names
from .cues import CueHit, find_cues
from .features import features, tokenize
from .heads import head_features, load_heads, score_heads
from .language import identify
from .model import SENTIMENT_CLASSES, ModelOutput, _sigmoid, _softmax, load_model, predict
from .sentiment import score_sentiment, vader_compounds


@dataclass(frozen=True)
class Reading:
    """What was read from one customer message, once."""

    clean: CleanText
    language: str
    text: str                       # the core text every label is read from
    lowered: str                    # `text`, lower-cased (cue and topic offsets refer to it)
    model: ModelOutput | None
    hits: tuple[CueHit, ...]
    vader: tuple[float, ...]        # VADER compound per sentence of `text`
    supported: bool                 # sentiment and emotions are reported for `language`
    language_confidence: float = 0.0
    # The learned support heads (heads.py): probabilities, and the features they read
    # (for evidence). Empty for languages without heads, and when none ship.
    heads: dict[str, float] = field(default_factory=dict)
    head_features: frozenset[str] = frozenset()

    def effect(self, name: str) -> float:
        return sum(hit.effects.get(name, 0.0) for hit in self.hits)


@lru_cache(maxsize=8)
def _thanks_reading(thanks: str) -> tuple[tuple[CueHit, ...], tuple[float, ...], frozenset[str]]:
    """The standard closing thank-you is one of two fixed phrases: read each once per process."""
    return tuple(find_cues(thanks.lower())), tuple(vader_compounds(thanks)), \
        frozenset(features(thanks))


def extend_model(output: ModelOutput | None, core: str, thanks: str) -> ModelOutput | None:
    """The model's output for `core + " " + thanks`, from the core's features already found.

    The text's features are the core's, the thank-you's, and the one bigram joining the
    two; the core's are in `output.hits`, so the core is not featurised again.
    """
    model = load_model()
    if output is None or model is None:
        return output
    weights = model["weights"]
    last_word = core.rsplit(None, 1)[-1:] or [""]
    tail, head = tokenize(last_word[0])[-1:], tokenize(thanks)[:1]
    extra = set(_thanks_reading(thanks)[2])
    if tail and head:
        extra.add(f"{tail[0]} {head[0]}")
    seen = {feat for feat, _ in output.hits}
    hits = output.hits + tuple((f, weights[f]) for f in sorted(extra - seen) if f in weights)
    totals = [sum(column) for column in zip(model["bias"], *(row for _, row in hits))]
    n_sent = len(SENTIMENT_CLASSES)
    names = model["outputs"][n_sent:]
    return ModelOutput(dict(zip(SENTIMENT_CLASSES, _softmax(totals[:n_sent]))),
                       {name: _sigmoid(totals[n_sent + i]) for i, name in enumerate(names)},
                       hits, output.columns)


def read_message(text: str, *, names: tuple[str, ...] = (), default_language: str = "en",
                 languages: frozenset[str] = frozenset({"en"}), use_heads: bool = True
                 ) -> Reading:
    """Clean `text`, identify its language and read it once.

    A message in a language without sentiment support is still read for the topic, but
    neither the model nor VADER is run on it: they only know English.
    """
    clean = clean_message(mask_names(text, names))
    guess = identify(clean.body, default_language)
    language, confidence = guess.code, guess.confidence
    if language not in languages:
        lowered = clean.body.lower()
        return Reading(clean, language, clean.body, lowered, None, (), (), supported=False,
                       language_confidence=confidence)
    core = clean.core
    english = language == "en"
    hits = tuple(find_cues(core.lower(), language))
    # The English model and the support heads read the same word features: found once.
    words = features(core) if english else None
    # VADER and the closing-thanks extension know English only; other languages have
    # their own model and cue file.
    reading = Reading(clean, language, core, core.lower(),
                      predict(core, language=language, feats=words),
                      hits, tuple(vader_compounds(core)) if english else (), supported=True,
                      language_confidence=confidence)
    thanks = closing_gratitude(clean.standard, clean.closings, hits) if core and english else ""
    if thanks and score_sentiment(reading)[0].label != "negative":
        reading, words = _with_thanks(reading, thanks), None
    return with_heads(reading, words=words) if english and use_heads else reading


def with_heads(reading: Reading, model: dict | None = None, *,
               words: set[str] | None = None) -> Reading:
    """The reading with its support heads scored (English; see heads.py).

    `words` are `features(reading.text)` when the caller already has them."""
    model = model or load_heads()
    if model is None or not reading.text.strip():
        return reading
    out = reading.model
    feats = frozenset(head_features(reading.text, words, reading.hits,
                                    out.sentiment if out else None,
                                    out.emotions if out else None, reading.vader))
    return replace(reading, heads=score_heads(feats, model), head_features=feats)


def _with_thanks(reading: Reading, thanks: str) -> Reading:
    """A closing thanks after a message that is not a complaint thanks for help given.

    It joins the reading as its cue hits, VADER sentence and model features, read once
    per process, so the customer's text is never scanned a second time.
    """
    offset = len(reading.text) + 1
    thanks_hits, thanks_vader, _ = _thanks_reading(thanks)
    text = f"{reading.text} {thanks}"
    hits = reading.hits + tuple(CueHit(h.phrase, h.effects, h.start + offset)
                                for h in thanks_hits)
    model = extend_model(reading.model, reading.text, thanks)
    return replace(reading, text=text, lowered=text.lower(), model=model, hits=hits,
                   vader=reading.vader + thanks_vader)
