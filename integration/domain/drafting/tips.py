"""Coaching tips: two or three specific pointers for the agent, drawn from the analysis.

Each tip is keyed to something the analyzer actually found (a flag, the dominant
emotion, urgency, the topic) and quotes the evidence when there is some, so the agent
can see why it is there. Wording lives in the catalogue's `tips` section.
"""
from __future__ import annotations

import re

from integration.domain.analysis.types import Analysis, Decision

from .catalog import DEFAULT_LOCALE, load_catalog
from .note import language_name
from .reading import primary_emotion

MAX_TIPS = 3
_SCORE = re.compile(r"\s*\(\d+(?:\.\d+)?\)")
# Most actionable first: a repeat contact or a churn threat changes how the reply must start.
_FLAG_ORDER = ("repeated_contact", "churn_risk", "abusive")


def coaching_tips(
    analysis: Analysis, *, decision: Decision | None = None, supported: bool = True,
    settings: dict | None = None, locale: str = DEFAULT_LOCALE,
) -> list[str]:
    """Two or three tips, most important first; `locale` is the agent's language."""
    catalog = load_catalog(locale, (settings or {}).get("extra_templates"))
    tips = catalog["tips"]
    language = language_name(catalog, analysis.language)
    chosen: list[str] = []
    quoted: set[str] = set()
    for key, evidence_key in _tip_keys(analysis, decision, supported, tips):
        if key not in tips:
            continue
        evidence = _fresh_evidence(analysis, evidence_key, quoted)
        text = tips[key].format(
            evidence=f" (\u201c{evidence}\u201d)" if evidence else "",
            reason=_reasons(decision),
            language=language,
        )
        if text not in chosen:
            chosen.append(text)
        if len(chosen) == MAX_TIPS:
            break
    return chosen


def _reasons(decision: Decision | None) -> str:
    """Policy's reasons without raw scores: "strong anger", not "strong anger (0.93)"."""
    if decision is None or not decision.reasons:
        return "see policy"
    return "; ".join(_SCORE.sub("", reason) for reason in decision.reasons[:2])


def _fresh_evidence(analysis: Analysis, evidence_key: str | None, quoted: set[str]) -> str | None:
    """The first evidence phrase no earlier tip quoted.

    Two tips citing one phrase read as filler.
    """
    for phrase in analysis.evidence.get(evidence_key, []) if evidence_key else []:
        if phrase not in quoted:
            quoted.add(phrase)
            return phrase
    return None


def _tip_keys(
    analysis: Analysis, decision: Decision | None, supported: bool, tips: dict,
) -> list[tuple[str, str | None]]:
    """Candidate (tip key, evidence label) pairs in priority order; rendering skips gaps."""
    keys: list[tuple[str, str | None]] = []
    if not supported:
        keys.append(("language.unsupported", None))
    if analysis.flags.get("resolved"):
        keys.append(("flag.resolved", "resolved"))
    if "sarcasm" in analysis.evidence:
        # Their "great" is not good news: the sentiment tip below must not say "match it".
        keys.append(("tone.sarcasm", "sarcasm"))
    if analysis.trend == "worsening":
        keys.append(("trend.worsening", "trend"))
    keys += [(f"flag.{flag}", flag) for flag in _FLAG_ORDER if analysis.flags.get(flag)]
    if decision is not None and decision.escalate:
        keys.append(("decision.escalate", None))
    emotion = primary_emotion(analysis)
    if emotion:
        specific = f"emotion.{emotion}.{analysis.topic}"     # the topic's variant, when written
        keys.append((specific if specific in tips else f"emotion.{emotion}", emotion))
    if analysis.urgency == "high":
        keys.append(("urgency.high", "urgency"))
    # An installation's own topic has no tip of its own; "topic unclear" is the honest stand-in.
    topic_key = f"topic.{analysis.topic}"
    if not analysis.flags.get("resolved"):      # nothing left to route or pin down
        keys.append((topic_key if topic_key in tips else "topic.other", None))
    if analysis.flags.get("complaint"):
        keys.append(("flag.complaint", "complaint"))
    if not emotion:
        keys.append((f"sentiment.{analysis.sentiment.label}", None))
    return keys
