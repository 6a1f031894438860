"""`tactful eval`: score the analyzer on labelled JSONL files shaped like the dev sets.

The file's shape says what it measures: `labels` (GoEmotions, multi-label),
`urgency` (facility support), complaint / not_complaint labels, emotion labels
(TweetEval emotion), otherwise 3-class sentiment.
"""
from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from . import analyze
from .metrics import binary_f1, classification_report
from .model import EMOTION_SOURCES
from .types import Analysis

SENTIMENT = ["negative", "neutral", "positive"]


def shared_dir() -> Path:
    """Where the team's data lives: $TACTFUL_SHARED_DIR, else ../shared beside the repo."""
    configured = os.environ.get("TACTFUL_SHARED_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[3].parent / "shared"


def load_jsonl(path: str | Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _sentiment_report(records: list[dict], analyses: list[Analysis]) -> dict:
    pairs = [(r["label"], a.sentiment.label) for r, a in zip(records, analyses)
             if r.get("label") in SENTIMENT]
    return classification_report([g for g, _ in pairs], [p for _, p in pairs], SENTIMENT)


def _goemotions(records: list[dict], analyses: list[Analysis]) -> dict:
    pairs = [(r["sentiment"], a.sentiment.label) for r, a in zip(records, analyses)
             if r.get("sentiment") in SENTIMENT]
    report = {"sentiment": classification_report([g for g, _ in pairs],
                                                 [p for _, p in pairs], SENTIMENT)}
    report["emotions"] = {
        emotion: binary_f1([bool(gold & set(r["labels"])) for r in records],
                           [emotion in a.detected for a in analyses])
        for emotion, gold in EMOTION_SOURCES.items()}
    return report


def _complaints(records: list[dict], analyses: list[Analysis]) -> dict:
    def report(keep: Callable[[dict], bool]) -> dict:
        pairs = [(r["label"], "complaint" if a.flags["complaint"] else "not_complaint")
                 for r, a in zip(records, analyses) if keep(r)]
        return classification_report([g for g, _ in pairs], [p for _, p in pairs],
                                     ["complaint", "not_complaint"])

    return {"complaint_flag": report(lambda r: not str(r.get("domain", "")).startswith("random")),
            "complaint_flag_all_domains": report(lambda r: True)}


def _facility(records: list[dict], analyses: list[Analysis]) -> dict:
    high_gold = [r["urgency"] == "high" for r in records]
    urgency_gold = [{"medium": "normal"}.get(r["urgency"], r["urgency"]) for r in records]
    return {"sentiment": _sentiment_report(records, analyses),
            "urgency_high": binary_f1(high_gold, [a.urgency == "high" for a in analyses]),
            "urgency": classification_report(urgency_gold, [a.urgency for a in analyses],
                                             ["low", "normal", "high"])}


def _tweeteval_emotion(records: list[dict], analyses: list[Analysis]) -> dict:
    anger = binary_f1([r["label"] == "anger" for r in records],
                      ["anger" in a.detected or "frustration" in a.detected for a in analyses])
    return {"anger_or_frustration_vs_anger": anger}


def _realistic(records: list[dict], analyses: list[Analysis]) -> dict:
    """Our own labelled support messages (tests/data/realistic_messages.jsonl), every category.

    Reported for the whole file and per `split` (dev: looked at while building the cues;
    holdout: never looked at), so overfitting shows as a gap between the two.
    """
    report = {"all": _realistic_scores(records, analyses)}
    for split in sorted({r.get("split") for r in records} - {None}):
        pairs = [(r, a) for r, a in zip(records, analyses) if r.get("split") == split]
        report[split] = _realistic_scores([r for r, _ in pairs], [a for _, a in pairs])
    return report


def _realistic_scores(records: list[dict], analyses: list[Analysis]) -> dict:
    sarcastic = [a for r, a in zip(records, analyses) if r["sarcasm"]]
    return {
        "n": len(records),
        "sentiment": classification_report([r["sentiment"] for r in records],
                                           [a.sentiment.label for a in analyses], SENTIMENT),
        "sarcasm_read_negative": round(sum(a.sentiment.label == "negative" for a in sarcastic)
                                       / len(sarcastic), 4) if sarcastic else None,
        "sarcasm_detected": binary_f1([r["sarcasm"] for r in records],
                                      ["sarcasm" in a.evidence for a in analyses]),
        "abusive": binary_f1([r["abusive"] for r in records],
                             [a.flags["abusive"] for a in analyses]),
        "urgency_high": binary_f1([r["urgency"] == "high" for r in records],
                                  [a.urgency == "high" for a in analyses]),
        "urgency": classification_report([r["urgency"] for r in records],
                                         [a.urgency for a in analyses], ["low", "normal", "high"]),
        "resolved": binary_f1([r["resolved"] for r in records],
                              [a.flags["resolved"] for a in analyses]),
        "topic": classification_report([r["topic"] for r in records],
                                        [a.topic for a in analyses]),
    }


def _kind(records: list[dict]) -> str:
    first = records[0]
    labels = {r.get("label") for r in records}
    if "sarcasm" in first and "resolved" in first:
        return "realistic"
    if "labels" in first:
        return "goemotions"
    if "urgency" in first:
        return "facility"
    if labels <= {"complaint", "not_complaint"}:
        return "complaints"
    if labels <= {"anger", "joy", "optimism", "sadness"}:
        return "tweeteval_emotion"
    return "sentiment"


_EVALUATORS = {"goemotions": _goemotions, "facility": _facility, "complaints": _complaints,
               "tweeteval_emotion": _tweeteval_emotion, "sentiment": _sentiment_report,
               "realistic": _realistic}


def evaluate_records(records: list[dict], settings: dict | None = None,
                     on_progress: Callable[[int], None] | None = None) -> dict:
    analyses = []
    for i, record in enumerate(records, 1):
        analyses.append(analyze(record["text"], settings))
        if on_progress and i % 1000 == 0:
            on_progress(i)
    kind = _kind(records)
    report = {"kind": kind, "n": len(records), **_wrap(kind, _EVALUATORS[kind](records, analyses))}
    if kind == "sentiment" and any("language" in r for r in records):
        report["by_language"] = by_language(records, analyses)
    return report


def by_language(records: list[dict], analyses: list[Analysis]) -> dict[str, dict]:
    """Per gold language (the `language` field): sentiment scores and language-id accuracy.

    Sentiment is scored on every record, so a text the detector sent to the wrong
    language (or to an unsupported one, `unknown`) counts against the sentiment too.
    """
    report: dict[str, dict] = {}
    for language in sorted({r["language"] for r in records if "language" in r}):
        pairs = [(r, a) for r, a in zip(records, analyses) if r.get("language") == language]
        detected = sum(a.language == language for _, a in pairs)
        report[language] = {
            "n": len(pairs),
            "language_id_accuracy": round(detected / len(pairs), 4),
            "sentiment": _sentiment_report([r for r, _ in pairs], [a for _, a in pairs]),
        }
    return report


def _wrap(kind: str, report: dict) -> dict:
    return {"sentiment": report} if kind == "sentiment" else report


def evaluate_files(paths: Iterable[str | Path], **kwargs) -> dict[str, dict]:
    return {str(path): evaluate_records(load_jsonl(path), **kwargs) for path in paths}
