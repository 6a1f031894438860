"""Understanding the customer: sentiment, emotions, urgency, flags, language, topic.

Pure code: text and settings in, an `Analysis` out. No network, database or Flask.
"""
from __future__ import annotations

from .cleanup import clean_message, mask_names
from .cues import find_cues
from .emotions import score_emotions
from .language import identify
from .model import predict
from .sentiment import score_sentiment
from .settings import AnalysisSettingsSchema, resolve_settings
from .signals import detect_flags, detect_urgency
from .topic import detect_topic
from .types import EMOTIONS, FLAGS, Analysis, Sentiment

ANALYZER_VERSION = "1.0.0"

__all__ = ["ANALYZER_VERSION", "Analysis", "AnalysisSettingsSchema", "analyze"]


def _unsupported(language: str, topic: str, topic_words: list[str],
                 language_confidence: float) -> Analysis:
    """No guessing on languages the sentiment model was not trained for."""
    evidence = {"language": [f"{language} is not a supported sentiment language"]}
    if topic_words:
        evidence["topic"] = topic_words
    return Analysis(
        language=language, sentiment=Sentiment("unknown", 0.0, 0.0),
        emotions={name: 0.0 for name in EMOTIONS}, detected=[], evidence=evidence,
        urgency="normal", flags={name: False for name in FLAGS}, topic=topic,
        analyzer_version=ANALYZER_VERSION, language_confidence=language_confidence,
    )


def analyze(text: str, settings: dict | None = None, *, names: tuple[str, ...] = ()) -> Analysis:
    """Analyse one customer message (raises marshmallow.ValidationError on bad settings).

    `names` are people's names known from the ticket; they are masked before scoring
    so that who the customer is can never move a label.
    """
    resolved = resolve_settings(settings)
    clean = clean_message(mask_names(text, names))
    guess = identify(clean.body, resolved.default_language)
    language = guess.code
    body = clean.body.lower()
    if language not in resolved.languages:
        topic, words = detect_topic(body, resolved.taxonomy, "unknown", language)
        return _unsupported(language, topic, words, guess.confidence)
    # Everything is read from the core text: boilerplate must not move any label.
    text = clean.core
    learned = predict(text, language=language)
    hits = find_cues(text.lower(), language)
    sentiment, sentiment_words = score_sentiment(text, learned, hits, language)
    if clean.thanks and sentiment.label != "negative":
        # A closing thanks after a message that is not a complaint thanks for help given.
        text = f"{text} {clean.thanks}"
        learned = predict(text, language=language)
        hits = find_cues(text.lower(), language)
        sentiment, sentiment_words = score_sentiment(text, learned, hits, language)
    core = text.lower()
    emotions, detected, evidence = score_emotions(hits, learned, resolved.thresholds)
    topic, topic_words = detect_topic(core, resolved.taxonomy, sentiment.label, language)
    flags, flag_evidence = detect_flags(hits, sentiment, detected)
    urgency, urgency_words = detect_urgency(hits, core, topic, flags)
    evidence.update(flag_evidence)
    for key, words in (("sentiment", sentiment_words), ("topic", topic_words),
                       ("urgency", urgency_words)):
        if words:
            evidence[key] = words
    return Analysis(language=language, sentiment=sentiment, emotions=emotions,
                    detected=detected, evidence=evidence, urgency=urgency, flags=flags,
                    topic=topic, analyzer_version=ANALYZER_VERSION,
                    language_confidence=guess.confidence)
