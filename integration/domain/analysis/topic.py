"""Routing topic from a keyword taxonomy an installation can extend or replace."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from re import _constants, _parser

from .regex_first import group_end, prefixes, top_level_branches

TOPICS_PATH = Path(__file__).with_name("data") / "topics.json"
FALLBACK_TOPIC = "other"
# A topic needs this much keyword weight to be named: one strong keyword, or two weak ones.
STRONG_EVIDENCE = 1.0
WEAK = 0.5
_WEAK_MARK = "\x00weak\x00"      # prefixes a weak keyword inside a taxonomy tuple


@lru_cache(maxsize=1)
def default_taxonomy() -> dict[str, tuple[str, ...]]:
    with open(TOPICS_PATH, encoding="utf-8") as handle:
        topics = json.load(handle)["topics"]
    return {name: tuple(k if isinstance(k, str) else _WEAK_MARK + k[0] for k in keywords)
            for name, keywords in topics.items()}


def build_taxonomy(extra: dict[str, list[str]] | None, replace: bool) -> dict[str, tuple[str, ...]]:
    """The installation's taxonomy. Plain keywords are matched literally, not as regex."""
    taxonomy = {} if replace else dict(default_taxonomy())
    for name, keywords in (extra or {}).items():
        literal = tuple(re.escape(k.lower().strip()) for k in keywords)
        # An installation's own keywords come first: they are its most specific intent.
        taxonomy[name] = literal + taxonomy.get(name, ())
        if not replace:
            taxonomy = {name: taxonomy[name], **{k: v for k, v in taxonomy.items() if k != name}}
    return taxonomy


# (the one scan's regex, topic names in the installation's order, marker group -> (topic
# name, keyword weight)).
CompiledTaxonomy = tuple[re.Pattern, tuple[str, ...], dict[str, tuple[str, float]]]


def compile_taxonomy(taxonomy: dict[str, tuple[str, ...]]) -> CompiledTaxonomy:
    """One regex for every keyword of every topic: one scan finds all.

    Each keyword branch ends in an empty marker group that names its topic and weight,
    and the branches are grouped by the character a match can start with (in their
    order within each group, so the same leftmost, first-listed match wins as in one
    plain alternation): at a word start the regex engine skips every group but one with
    one character compare, where a plain alternation tries each keyword. Any branch
    whose first character is unknown keeps the plain alternation.
    """
    names = tuple(name for name, words in taxonomy.items() if words)
    branches: list[tuple[str, str, float]] = []      # (branch, topic, weight) in scan order
    for name in names:
        weak = [k[len(_WEAK_MARK):] for k in taxonomy[name] if k.startswith(_WEAK_MARK)]
        strong = [k for k in taxonomy[name] if not k.startswith(_WEAK_MARK)]
        branches += [(branch, name, weight) for keywords, weight in ((strong, 1.0), (weak, WEAK))
                     for keyword in keywords for branch in top_level_branches(keyword)]
    markers: dict[str, tuple[str, float]] = {}

    def marked(branch: str, name: str, weight: float) -> str:
        marker = f"k{len(markers)}"
        markers[marker] = (name, weight)
        return f"{branch}(?P<{marker}>)"

    spread = [(part, name, weight) for branch, name, weight in branches
              for part in _spread(branch)]
    firsts = [_first_chars(branch) for branch, _, _ in spread]
    if any(first is None or "" in first for first in firsts):
        pattern = "|".join(marked(*branch) for branch in branches)
    else:
        groups = []
        for char in sorted(set().union(*firsts)):
            group = "(?:" + "|".join(marked(*branch) for branch, first in zip(spread, firsts)
                                     if char in first) + ")"
            # The engine's one-compare skip needs a literal first: the parser lifts it out
            # of a group whose branches all start with it; a lookahead (tried at every
            # word start: ~150 instructions) does for any other.
            if _parser.parse(group)[0][0] is not _constants.LITERAL:
                group = f"(?={re.escape(char)}){group}"
            groups.append(group)
        pattern = "|".join(groups)
    return re.compile(r"(?<![\w'])(?:" + (pattern or "(?!)") + r")(?![\w'])"), names, markers


# Past this many alternatives a branch is not spread out (see _spread).
_MAX_SPREAD = 64


def _spread(branch: str) -> list[str]:
    """`branch` as alternatives tried in the same order that start with a character
    rather than a group, where a leading non-capturing group allows it: "(?:a|b)c" is
    "ac|bc", and "(?:a)?b" is "ab|b". Lets each join its first character's group."""
    if not branch.startswith("(?:"):
        return [branch]
    end = group_end(branch)
    if end is None:
        return [branch]
    options, rest = top_level_branches(branch[3:end]), branch[end + 1:]
    if rest[:1] == "?" and rest[1:2] not in ("?", "+"):
        options, rest = options + [""], rest[1:]        # greedy: with the group first
    elif rest[:1] in ("*", "+", "?", "{"):
        return [branch]
    parts = [part for option in options for part in _spread(option + rest)]
    return parts if len(parts) <= _MAX_SPREAD else [branch]


@lru_cache(maxsize=16)
def language_taxonomy(language: str) -> CompiledTaxonomy | None:
    """The shipped keywords for a language other than English (data/topics.<lang>.json)."""
    path = TOPICS_PATH.with_name(f"topics.{language}.json")
    if language == "en" or not path.exists():
        return None
    with open(path, encoding="utf-8") as handle:
        return compile_taxonomy({k: tuple(v) for k, v in json.load(handle)["topics"].items()})


# Any group but a non-capturing one or a lookaround (a capture, a name, inline flags),
# or a backreference: such a branch could not be copied or spread, so it keeps the
# plain alternation.
_UNSAFE = re.compile(r"\((?!\?(?::|=|!|<=|<!))|\\[1-9]")


def _first_chars(branch: str) -> frozenset[str] | None:
    """The characters a match of `branch` can start with; None when unknown."""
    return None if _UNSAFE.search(branch) else prefixes(branch, 1)


def _scan(text: str, taxonomy: CompiledTaxonomy, found: dict[str, dict[str, float]]) -> None:
    """Keyword weights per topic name: a strong keyword 1, a weak one WEAK."""
    regex, _, markers = taxonomy
    for match in regex.finditer(text):
        name, weight = markers[match.lastgroup]
        found.setdefault(name, {})[match.group(0)] = weight


def detect_topic(text: str, taxonomy: CompiledTaxonomy, sentiment_label: str,
                 language: str = "en") -> tuple[str, list[str]]:
    """(topic, matched keywords): the most keyword weight wins, and it must be strong evidence.

    A weak keyword ("pay" in "checkout erroring, can't pay") counts half, so it cannot
    outvote a strong one; a message with only weak evidence is "other", so the draft
    stays generic instead of talking about an invoice because the customer said "pay".
    Praise needs a message that is not negative. For a message in another language the
    language's own keywords count too, for the topics the installation has.
    """
    found: dict[str, dict[str, float]] = {}
    _scan(text, taxonomy, found)
    local = language_taxonomy(language)
    if local is not None:
        _scan(text, local, found)
    best, best_key, best_hits = FALLBACK_TOPIC, (0.0, 0), {}
    for name in taxonomy[1]:       # the installation's order: ties go to the earlier topic
        if name not in found or (name == "praise" and sentiment_label == "negative"):
            continue
        hits = found[name]
        key = (sum(hits.values()), sum(w == 1.0 for w in hits.values()))
        if key > best_key:
            best, best_key, best_hits = name, key, hits
    if best_key[0] < STRONG_EVIDENCE:
        return FALLBACK_TOPIC, []
    return best, list(best_hits)
