"""Support-domain cue lexicon: one regex pass finds every phrase that matters.

The cues live in `data/cues.json` so they can be reviewed without reading code.
Each cue carries effects (emotion strength, sentiment shift, flags, urgency), and
the matched words become the evidence an agent sees.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from .regex_first import prefixes, top_level_branches

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


_DIGIT = "0"
# How many characters of a word's start pick the cue branches tried there.
KEY_LENGTH = 3


def _key(chars: str) -> str:
    """Digits share one key: `\\d` in a cue matches any of them."""
    return "".join(_DIGIT if c.isdigit() else c for c in chars)


@lru_cache(maxsize=1)
def _entries() -> tuple[list[tuple[str, dict[str, float]]], dict[str, list[tuple[int, int]]]]:
    """(cues, their top-level branches indexed by how a match can start).

    A branch is (cue index, branch number). The index maps each possible KEY_LENGTH-
    character start (or a shorter one, where a match can be that short; "" = anything)
    to the branches that can begin that way.
    """
    with open(CUES_PATH, encoding="utf-8") as handle:
        entries = [tuple(entry) for entry in json.load(handle)["cues"]]
    index: dict[str, list[tuple[int, int]]] = {}
    for cue, (pattern, _) in enumerate(entries):
        for number, branch in enumerate(top_level_branches(pattern)):
            starts = prefixes(branch, KEY_LENGTH) or {""}
            for start in {_key(s) for s in starts}:
                index.setdefault(start, []).append((cue, number))
    return entries, index


def _regex_for(key: str) -> re.Pattern | None:
    """The cue branches that can start with `key` (KEY_LENGTH characters), in lexicon order.

    Trying only what can start where a word starts keeps a message's scan several times
    cheaper than one alternation of the whole lexicon, with the same result (same
    order, so the same leftmost non-overlapping matches). Three characters rather than
    two rule out most branches at common words ("the", "and"): 25% off the scan.
    """
    index = _entries()[1]
    chosen = sorted({branch for size in range(len(key) + 1)
                     for branch in index.get(key[:size], ())})
    return _alternation(tuple(chosen)) if chosen else None


@cache     # bounded by the lexicon: one per distinct set of branches
def _alternation(chosen: tuple[tuple[int, int], ...]) -> re.Pattern:
    entries = _entries()[0]
    branches = {i: top_level_branches(entries[i][0]) for i, _ in chosen}
    parts = "|".join(f"(?P<c{i}x{j}>{branches[i][j]})" for i, j in chosen)
    return re.compile(f"(?:{parts})(?![\\w'])")


# A word's first KEY_LENGTH characters, as they appear -> the alternation tried there,
# filled on first use (a dict read is the cheapest lookup on the scan's hot path).
# Bounded, since any characters can occur; past the bound a start's key is worked out
# each time (the alternations themselves are cached).
_BY_RAW_START: dict[str, re.Pattern | None] = {}
_RAW_START_LIMIT = 50_000
_UNSEEN = object()


def _by_start(start_chars: str) -> re.Pattern | None:
    regex = _regex_for(_key(start_chars))
    if len(_BY_RAW_START) < _RAW_START_LIMIT:
        _BY_RAW_START[start_chars] = regex
    return regex


# Where a cue may start: a non-space character not preceded by a word character.
_STARTS = re.compile(r"(?<![\w'])\S")


@lru_cache(maxsize=16)
def _compiled(language: str) -> tuple[re.Pattern, list[dict[str, float]]]:
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
    if language != "en":
        # Other languages' cue files are small: one alternation scans them.
        regex, effects = _compiled(language)
        return [CueHit(m.group(0), effects[int(m.lastgroup[1:])], m.start())
                for m in regex.finditer(text)]
    entries = _entries()[0]
    hits: list[CueHit] = []
    resume = 0
    for start in _STARTS.finditer(text):
        position = start.start()
        if position < resume:
            continue
        start_chars = text[position:position + KEY_LENGTH]
        regex = _BY_RAW_START.get(start_chars, _UNSEEN)
        if regex is _UNSEEN:
            regex = _by_start(start_chars)
        match = regex.match(text, position) if regex is not None else None
        if match:
            cue = int(match.lastgroup[1:match.lastgroup.index("x")])
            hits.append(CueHit(match.group(0), entries[cue][1], position))
            resume = match.end()
    return hits


def total_effect(hits: list[CueHit], effect: str) -> float:
    return sum(hit.effects.get(effect, 0.0) for hit in hits)


def phrases_for(hits: list[CueHit], effect: str) -> list[str]:
    """Distinct phrases that carried `effect`, in order of appearance."""
    seen: dict[str, None] = {}
    for hit in hits:
        if hit.effects.get(effect):
            seen.setdefault(hit.phrase.strip(), None)
    return list(seen)
