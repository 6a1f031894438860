"""Support-domain cue lexicon: one regex pass finds every phrase that matters.

The cues live in `data/cues.json` so they can be reviewed without reading code.
Each cue carries effects (emotion strength, sentiment shift, flags, urgency), and
the matched words become the evidence an agent sees.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CUES_PATH = Path(__file__).with_name("data") / "cues.json"
# Other languages: data/cues.<lang>.json, same format; a language without a file has no cues.
LANGUAGE_CUES_PATTERN = "cues.{language}.json"


def cues_path(language: str) -> Path:
    if language == "en":
        return CUES_PATH
    return CUES_PATH.with_name(LANGUAGE_CUES_PATTERN.format(language=language))


@dataclass(frozen=True)
class CueHit:
    phrase: str                 # the words as they appear (lower-cased)
    effects: dict[str, float]
    start: int


@lru_cache(maxsize=16)
def _compiled(language: str = "en") -> tuple[re.Pattern, list[dict[str, float]]]:
    path = cues_path(language)
    if not path.exists():
        return re.compile("(?!)"), []
    with open(path, encoding="utf-8") as handle:
        entries = json.load(handle)["cues"]
    # One named group per cue: a single left-to-right scan, and m.lastgroup says which fired.
    parts = [f"(?P<c{i}>{pattern})" for i, (pattern, _) in enumerate(entries)]
    regex = re.compile(r"(?<![\w'])(?:" + "|".join(parts) + r")(?![\w'])")
    return regex, [effects for _, effects in entries]


def find_cues(text: str, language: str = "en") -> list[CueHit]:
    """Every cue in `text` (expected lower-case), left to right, non-overlapping."""
    regex, effects = _compiled(language)
    return [CueHit(m.group(0), effects[int(m.lastgroup[1:])], m.start())
            for m in regex.finditer(text)]


def total_effect(hits: list[CueHit], effect: str) -> float:
    return sum(hit.effects.get(effect, 0.0) for hit in hits)


def phrases_for(hits: list[CueHit], effect: str) -> list[str]:
    """Distinct phrases that carried `effect`, in order of appearance."""
    seen: dict[str, None] = {}
    for hit in hits:
        if hit.effects.get(effect):
            seen.setdefault(hit.phrase.strip(), None)
    return list(seen)
