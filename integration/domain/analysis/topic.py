"""Routing topic from a keyword taxonomy an installation can extend or replace."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

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


CompiledTaxonomy = tuple[re.Pattern, tuple[str, ...]]


def _group(name: str, keywords: list[str]) -> str:
    return f"(?P<{name}>{'|'.join(keywords)})" if keywords else ""


def compile_taxonomy(taxonomy: dict[str, tuple[str, ...]]) -> CompiledTaxonomy:
    """One regex with a strong (s<i>) and a weak (w<i>) group per topic: one scan finds all."""
    names = tuple(name for name, words in taxonomy.items() if words)
    groups = []
    for i, name in enumerate(names):
        weak = [k[len(_WEAK_MARK):] for k in taxonomy[name] if k.startswith(_WEAK_MARK)]
        strong = [k for k in taxonomy[name] if not k.startswith(_WEAK_MARK)]
        groups += [g for g in (_group(f"s{i}", strong), _group(f"w{i}", weak)) if g]
    pattern = "|".join(groups) or "(?!)"
    return re.compile(r"(?<![\w'])(?:" + pattern + r")(?![\w'])"), names


@lru_cache(maxsize=16)
def language_taxonomy(language: str) -> CompiledTaxonomy | None:
    """The shipped keywords for a language other than English (data/topics.<lang>.json)."""
    path = TOPICS_PATH.with_name(f"topics.{language}.json")
    if language == "en" or not path.exists():
        return None
    with open(path, encoding="utf-8") as handle:
        return compile_taxonomy({k: tuple(v) for k, v in json.load(handle)["topics"].items()})


def _scan(text: str, taxonomy: CompiledTaxonomy, found: dict[str, dict[str, float]]) -> None:
    """Keyword weights per topic name: a strong keyword 1, a weak one WEAK."""
    regex, names = taxonomy
    for match in regex.finditer(text):
        group = match.lastgroup
        found.setdefault(names[int(group[1:])], {})[match.group(0)] = \
            1.0 if group[0] == "s" else WEAK


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
