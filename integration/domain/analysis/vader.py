"""VADER's compound score, computed as vaderSentiment 3.3 computes it, at a fraction of the cost.

`SentimentIntensityAnalyzer.polarity_scores` spends most of its time re-lowering the
sentence's words for every rule it checks, rebuilding the text character by character
to replace emoji, and scoring words that are not in its lexicon (they always score 0).
This module lowers each word once, skips the emoji pass when no emoji is present, and
applies the rules only to lexicon words, with the package's own lexicon, emoji table
and constants. Only the compound is computed (the analyzer uses nothing else).

The result must equal vaderSentiment's to the last digit: tests/analysis/test_vader.py
compares the two on every rule (negation, "but", "least", boosters, capitals, idioms,
emoji, punctuation), and bench/analyzer_equivalence.py on the evaluation texts.
"""
from __future__ import annotations

import math
import string
from functools import lru_cache

from vaderSentiment import vaderSentiment as upstream

_NEGATIONS = frozenset(upstream.NEGATE)
_BOOSTERS = upstream.BOOSTER_DICT
_IDIOMS = upstream.SPECIAL_CASES
# Every word of a multi-word idiom or booster: a lexicon word with none of them around
# it cannot be part of one, so the idiom rules have nothing to do.
_IDIOM_WORDS = frozenset(word for key in (*_IDIOMS, *_BOOSTERS) if " " in key
                         for word in key.split())
_SO_THIS = ("so", "this")
_NORMALIZE_ALPHA = 15
_PUNCTUATION = string.punctuation


@lru_cache(maxsize=1)
def upstream_analyzer() -> upstream.SentimentIntensityAnalyzer:
    """vaderSentiment's analyzer: it loads the lexicon and emoji table (once per process)."""
    return upstream.SentimentIntensityAnalyzer()


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, float], dict[str, str], frozenset[str], frozenset[str]]:
    """(lexicon, emoji descriptions, the emoji that stand for one character, the lexicon
    words that are scored: not boosters, which only shift their neighbours)."""
    analyzer = upstream_analyzer()
    single = frozenset(key for key in analyzer.emojis if len(key) == 1)
    return analyzer.lexicon, analyzer.emojis, single, frozenset(analyzer.lexicon.keys() - _BOOSTERS)


def _describe_emoji(text: str, emojis: dict[str, str]) -> str:
    """Each emoji replaced by its description, spaced from the word before it."""
    parts: list[str] = []
    after_space = True
    for char in text:
        description = emojis.get(char)
        if description is None:
            parts.append(char)
            after_space = char == " "
            continue
        if not after_space:
            parts.append(" ")
        parts.append(description)
        after_space = False
    return "".join(parts)


def _is_negation(word: str) -> bool:
    return word in _NEGATIONS or "n't" in word


def _booster(word: str, lowered: str, valence: float, caps_matter: bool) -> float:
    """How much a booster or dampener before a sentiment word moves it."""
    scalar = _BOOSTERS.get(lowered)
    if scalar is None:
        return 0.0
    if valence < 0:
        scalar = -scalar
    if caps_matter and word.isupper():
        scalar = scalar + upstream.C_INCR if valence > 0 else scalar - upstream.C_INCR
    return scalar


def _negated(valence: float, low: list[str], i: int, distance: int) -> float:
    """The negation rule for the word `distance` places before the sentiment word at `i`."""
    if distance == 1:
        return valence * upstream.N_SCALAR if _is_negation(low[i - 1]) else valence
    if distance == 2:
        if low[i - 2] == "never" and low[i - 1] in _SO_THIS:
            return valence * 1.25
        if low[i - 2] == "without" and low[i - 1] == "doubt":
            return valence
        return valence * upstream.N_SCALAR if _is_negation(low[i - 2]) else valence
    # VADER reads "this"/"so" right before the word as emphasis here, whatever precedes it.
    if (low[i - 3] == "never" and low[i - 2] in _SO_THIS) or low[i - 1] in _SO_THIS:
        return valence * 1.25
    if low[i - 3] == "without" and "doubt" in (low[i - 2], low[i - 1]):
        return valence
    return valence * upstream.N_SCALAR if _is_negation(low[i - 3]) else valence


def _idioms(valence: float, low: list[str], i: int) -> float:
    """Fixed phrases around the word at `i` (i >= 3) that set or shift its valence."""
    if _IDIOM_WORDS.isdisjoint(low[i - 3:i + 3]):
        return valence
    before = (f"{low[i - 1]} {low[i]}", f"{low[i - 2]} {low[i - 1]} {low[i]}",
              f"{low[i - 2]} {low[i - 1]}", f"{low[i - 3]} {low[i - 2]} {low[i - 1]}",
              f"{low[i - 3]} {low[i - 2]}")
    found = next((phrase for phrase in before if phrase in _IDIOMS), None)
    if found is not None:
        valence = _IDIOMS[found]
    if len(low) - 1 > i:
        after = f"{low[i]} {low[i + 1]}"
        if after in _IDIOMS:
            valence = _IDIOMS[after]
    if len(low) - 1 > i + 1:
        after = f"{low[i]} {low[i + 1]} {low[i + 2]}"
        if after in _IDIOMS:
            valence = _IDIOMS[after]
    for phrase in (before[3], before[4], before[2]):
        if phrase in _BOOSTERS:
            valence = valence + _BOOSTERS[phrase]
    return valence


def _valence(words: list[str], low: list[str], i: int, lexicon: dict[str, float],
             caps_matter: bool) -> float:
    """The valence of the lexicon word at `i`, after the rules about its neighbours."""
    word = low[i]
    valence = lexicon[word]
    if word == "no" and i != len(low) - 1 and low[i + 1] in lexicon:
        valence = 0.0           # "no" negates the next word instead of counting itself
    if ((i > 0 and low[i - 1] == "no") or (i > 1 and low[i - 2] == "no")
            or (i > 2 and low[i - 3] == "no" and low[i - 1] in ("or", "nor"))):
        valence = lexicon[word] * upstream.N_SCALAR
    if caps_matter and words[i].isupper():
        valence = valence + upstream.C_INCR if valence > 0 else valence - upstream.C_INCR
    for distance in (1, 2, 3):
        if i < distance or low[i - distance] in lexicon:
            continue
        shift = _booster(words[i - distance], low[i - distance], valence, caps_matter)
        if distance == 2 and shift != 0:
            shift = shift * 0.95
        elif distance == 3 and shift != 0:
            shift = shift * 0.9
        valence = _negated(valence + shift, low, i, distance)
        if distance == 3:
            valence = _idioms(valence, low, i)
    if i > 0 and low[i - 1] == "least" and low[i - 1] not in lexicon and \
            (i == 1 or low[i - 2] not in ("at", "very")):
        valence = valence * upstream.N_SCALAR
    return valence


def _contrast(valences: list[float], but_at: int) -> None:
    """After "but" counts more, before it less: in place, with VADER's exact bookkeeping.

    VADER locates each value by its first equal value in the list, so equal valences
    can be scaled at the first one's place; kept as is, since the result must match.
    """
    for position in range(len(valences)):
        value = valences[position]
        first = valences.index(value)
        if first < but_at:
            valences[first] = value * 0.5
        elif first > but_at:
            valences[first] = value * 1.5


def _emphasis(text: str) -> float:
    """What exclamation marks (up to 4) and repeated question marks add to a non-zero sum."""
    questions = text.count("?")
    added = min(text.count("!"), 4) * 0.292
    if questions > 3:
        return added + 0.96
    return added + questions * 0.18 if questions > 1 else added


def compound(text: str) -> float:
    """VADER's compound score of one sentence, -1..1, rounded to 4 places as VADER does."""
    lexicon, emojis, single, scoring = _tables()
    if not text.isascii() and not single.isdisjoint(text):
        text = _describe_emoji(text, emojis)
    # Each token without surrounding punctuation, unless that leaves 2 characters or fewer
    # (then it is probably an emoticon, kept whole). Inline: a call per token cost ~10%.
    words = [stripped if len(stripped := token.strip(_PUNCTUATION)) > 2 else token
             for token in text.split()]
    low = list(map(str.lower, words))
    if scoring.isdisjoint(low):
        return 0.0          # no sentiment word (most sentences): every valence is 0
    scored = [i for i, word in enumerate(low) if word in scoring
              and not (word == "kind" and i + 1 < len(low) and low[i + 1] == "of")]
    if not scored:
        return 0.0
    capitals = sum(map(str.isupper, words))
    caps_matter = 0 < len(words) - capitals < len(words)
    valences: list[float] = [0] * len(words)
    for i in scored:
        valences[i] = _valence(words, low, i, lexicon, caps_matter)
    if "but" in low:
        _contrast(valences, low.index("but"))
    total = float(sum(valences))
    if total > 0:
        total += _emphasis(text)
    elif total < 0:
        total -= _emphasis(text)
    score = total / math.sqrt(total * total + _NORMALIZE_ALPHA)
    return round(max(-1.0, min(1.0, score)), 4)
