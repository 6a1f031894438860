"""Understanding the customer: sentiment, emotions, urgency, flags, language, topic.

Pure code: text and settings in, an `Analysis` out. No network, database or Flask.
Each message is read once (`reading.read_message`); every label is computed from
that one reading. `analyze(..., thread=[...])` also reads the customer's earlier
messages in the ticket for the sentiment trend and thread-level signals.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from . import heads
from .emotions import score_emotions
from .reading import Reading, read_message
from .sarcasm import detect_sarcasm
from .sentiment import score_sentiment
from .settings import AnalysisSettings, AnalysisSettingsSchema, resolve_settings
from .signals import detect_flags, detect_resolved, detect_urgency, unsettles
from .thread import apply_thread
from .topic import detect_topic
from .types import EMOTIONS, FLAGS, Analysis, Sentiment

ANALYZER_VERSION = "1.3.0"
# Sarcasm is frustration aimed at the situation the praise names.
SARCASM_FRUSTRATION = 0.6
# Where an insult leaves the sentiment score at least (it is negative whatever else it says).
ABUSE_SCORE = 0.3

# What keeps a learned verdict from applying (see _learned).
_TURN = re.compile(r"\b(?:but|however|although|though)\b")
_STILL_OPEN = re.compile(r"\?|\b(?:but|however|although|though|except|still|only)\b")

__all__ = ["ANALYZER_VERSION", "Analysis", "AnalysisSettingsSchema", "analyze", "analyze_reading"]


def _unsupported(reading: Reading, resolved: AnalysisSettings) -> Analysis:
    """No guessing on languages the sentiment model was not trained for."""
    topic, topic_words = detect_topic(reading.lowered, resolved.taxonomy, "unknown",
                                      reading.language)
    evidence = {"language": [f"{reading.language} is not a supported sentiment language"]}
    if topic_words:
        evidence["topic"] = topic_words
    return Analysis(
        language=reading.language, sentiment=Sentiment("unknown", 0.0, 0.0),
        emotions={name: 0.0 for name in EMOTIONS}, detected=[], evidence=evidence,
        urgency="normal", flags={name: False for name in FLAGS}, topic=topic,
        analyzer_version=ANALYZER_VERSION,
        language_confidence=reading.language_confidence,
    )


def analyze_reading(reading: Reading, resolved: AnalysisSettings) -> Analysis:
    """Every label, from one reading of one message.

    The cue rules decide first; a learned head (heads.py) that fires raises its label
    too, with the words that pushed it as evidence.
    """
    if not reading.supported:
        return _unsupported(reading, resolved)
    sarcasm = detect_sarcasm(reading)
    if not sarcasm and _learned(reading, "sarcasm") and not _learned(reading, "resolved"):
        sarcasm = _head_evidence(reading, "sarcasm")
    sentiment, sentiment_words = score_sentiment(reading, sarcasm)
    emotions, detected, evidence = score_emotions(
        reading.hits, reading.model, resolved.thresholds,
        extra={"frustration": (SARCASM_FRUSTRATION, sarcasm)} if sarcasm else None,
        muted=frozenset({"gratitude"}) if sarcasm else frozenset())
    settled = detect_resolved(reading.hits, reading.lowered, sarcasm, detected)
    if not settled and not sarcasm and _learned(reading, "resolved"):
        settled = _head_evidence(reading, "resolved")
    topic, topic_words = detect_topic(reading.lowered, resolved.taxonomy, sentiment.label,
                                      reading.language)
    abusive = _head_evidence(reading, "abusive") if _learned(reading, "abusive") else []
    if abusive and sentiment.label != "negative":
        # An insult aimed at the agent or the company is never a neutral message.
        sentiment = Sentiment("negative", min(sentiment.score, -ABUSE_SCORE),
                              sentiment.confidence)
    flags, flag_evidence = detect_flags(reading.hits, sentiment, detected, settled)
    if abusive and not flags["abusive"]:
        flags["abusive"] = True
        flag_evidence["abusive"] = abusive
    urgency, urgency_words = detect_urgency(reading.hits, reading.lowered, topic, flags)
    if urgency != "high" and not flags["resolved"] and _learned(reading, "urgent"):
        urgency, urgency_words = "high", _head_evidence(reading, "urgent")
    evidence.update(flag_evidence)
    for key, words in (("sentiment", sentiment_words), ("topic", topic_words),
                       ("urgency", urgency_words), ("sarcasm", sarcasm)):
        if words:
            evidence[key] = words
    return Analysis(language=reading.language, sentiment=sentiment, emotions=emotions,
                    detected=detected, evidence=evidence, urgency=urgency, flags=flags,
                    topic=topic, analyzer_version=ANALYZER_VERSION,
                    language_confidence=reading.language_confidence)


def _learned(reading: Reading, head: str) -> bool:
    """Whether a head raises its label, within what the label means.

    Sarcasm needs a positive word and no turn ("Great product, but the sync fails" is
    mixed); a resolution, no question and nothing still wrong after it."""
    if not reading.heads or not heads.fires(reading.heads, head):
        return False
    if head == "sarcasm":
        return (not reading.head_features.isdisjoint(heads.POSITIVE_WORDS)
                and not _TURN.search(reading.lowered))
    if head == "resolved":
        return not (_STILL_OPEN.search(reading.lowered) or any(unsettles(h) for h in reading.hits))
    # Abuse is an insult aimed at the agent or the business, not at the world at large.
    return head != "abusive" or not reading.head_features.isdisjoint(heads.AIMED)


def _head_evidence(reading: Reading, head: str) -> list[str]:
    return heads.evidence(set(reading.head_features), head) or [f"{head} (learned)"]


def analyze(text: str, settings: dict | None = None, *, names: tuple[str, ...] = (),
            thread: Sequence[str] | None = None, unanswered: int = 0) -> Analysis:
    """Analyse one customer message (raises marshmallow.ValidationError on bad settings).

    `names` are people's names known from the ticket; they are masked before scoring
    so that who the customer is can never move a label. `thread` is the customer's
    earlier messages in the same ticket, oldest first: the latest message (`text`)
    still decides every label; the thread adds `trend` and thread-level flags
    (`unanswered`: the customer's follow-ups since the last agent reply).
    """
    resolved = resolve_settings(settings)
    reading = read_message(text, names=names, default_language=resolved.default_language,
                           languages=resolved.languages)
    analysis = analyze_reading(reading, resolved)
    if thread is None:
        return analysis
    earlier = [analyze_reading(read_message(message, names=names,
                                            default_language=resolved.default_language,
                                            languages=resolved.languages), resolved)
               for message in thread if message and message.strip()]
    return apply_thread(analysis, earlier, unanswered)
