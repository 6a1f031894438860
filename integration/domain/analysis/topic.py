"""Routing topic from a keyword taxonomy an installation can extend or replace."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

TOPICS_PATH = Path(__file__).with_name("data") / "topics.json"
FALLBACK_TOPIC = "other"


@lru_cache(maxsize=1)
def default_taxonomy() -> dict[str, tuple[str, ...]]:
    with open(TOPICS_PATH, encoding="utf-8") as handle:
        topics = json.load(handle)["topics"]
    return {name: tuple(keywords) for name, keywords in topics.items()}


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


def compile_taxonomy(taxonomy: dict[str, tuple[str, ...]]) -> CompiledTaxonomy:
    """One regex with a named group per topic: a single scan finds every keyword."""
    names = tuple(name for name, words in taxonomy.items() if words)
    groups = "|".join(f"(?P<t{i}>{'|'.join(taxonomy[name])})" for i, name in enumerate(names))
    return re.compile(r"(?<![\w'])(?:" + (groups or "(?!)") + r")(?![\w'])"), names


@lru_cache(maxsize=16)
def language_taxonomy(language: str) -> CompiledTaxonomy | None:
    """The shipped keywords for a language other than English (data/topics.<lang>.json)."""
    path = TOPICS_PATH.with_name(f"topics.{language}.json")
    if language == "en" or not path.exists():
        return None
    with open(path, encoding="utf-8") as handle:
        return compile_taxonomy({k: tuple(v) for k, v in json.load(handle)["topics"].items()})


def _scan(text: str, taxonomy: CompiledTaxonomy, found: dict[str, dict[str, None]]) -> None:
    regex, names = taxonomy
    for match in regex.finditer(text):
        found.setdefault(names[int(match.lastgroup[1:])], {})[match.group(0)] = None


def detect_topic(text: str, taxonomy: CompiledTaxonomy, sentiment_label: str,
                 language: str = "en") -> tuple[str, list[str]]:
    """(topic, matched keywords). Most distinct keywords wins; ties go to the earlier topic.

    Praise needs a message that is not negative. For a message in another language the
    language's own keywords count too, for the topics the installation has.
    """
    found: dict[str, dict[str, None]] = {}
    _scan(text, taxonomy, found)
    local = language_taxonomy(language)
    if local is not None:
        _scan(text, local, found)
    best, best_hits = FALLBACK_TOPIC, {}
    for name in taxonomy[1]:
        if name not in found or (name == "praise" and sentiment_label == "negative"):
            continue
        if len(found[name]) > len(best_hits):
            best, best_hits = name, found[name]
    return best, list(best_hits)
