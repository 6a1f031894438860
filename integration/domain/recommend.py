"""Recommending help-centre articles and macros for a ticket: BM25 over the installation's
knowledge, with a boost for what earlier tickets of this customer or topic were pointed to.

Pure: takes the items' text and the ticket's text, returns ranked values. At a few hundred
items per installation an in-memory BM25 index costs milliseconds, so no search service
(and no database-specific full-text index) is needed; see docs/memory.md for the numbers.
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

K1, B = 1.4, 0.75
TITLE_WEIGHT = 3            # a title word counts as this many body words
PREFERRED_BOOST = 1.25      # items that served this customer's / topic's earlier tickets
TOP_N = 3
# Help-centre words a customer's phrasing stands for (data/support_vocabulary.json) join
# the search at this weight; the customer's own words count fully.
EXPANSION_WEIGHT = 0.5
VOCABULARY_PATH = Path(__file__).with_name("data") / "support_vocabulary.json"

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    "a an and are as at be but by can do does for from has have how i if in into is it its "
    "me my no not of on or our so that the their then there this to was we what when where "
    "which who why will with you your yours am been being did get got just also any all "
    "please hi hello thanks thank us they them he she".split())


@dataclass(frozen=True)
class KnowledgeDoc:
    kind: str           # "article" or "macro"
    id: str
    title: str
    body: str
    url: str | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class Recommendation:
    kind: str
    id: str
    title: str
    url: str | None
    score: float
    why: str
    # What `why` says, as values, so a sidebar can word it in the agent's language.
    matched: tuple[str, ...] = ()
    boosted: bool = False

    def to_dict(self) -> dict:
        """What `tactful recommend` prints: kind, id, title, url, score, why."""
        return {key: getattr(self, key) for key in ("kind", "id", "title", "url", "score", "why")}

    def to_stored(self) -> dict:
        """What an enrichment keeps for the sidebar: to_dict() plus matched and boosted."""
        out = asdict(self)
        out["matched"] = list(self.matched)
        return out


def stem(word: str) -> str:
    """A light suffix strip so "refunds"/"refunded"/"refunding" meet; no dictionary needed."""
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def tokens(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1]


class Index:
    """BM25 (Robertson/Sparck Jones idf, Okapi tf saturation) over titles and bodies."""

    def __init__(self, docs: list[KnowledgeDoc]):
        self.docs = docs
        self.terms = [Counter(tokens(d.title) * TITLE_WEIGHT + tokens(d.body)) for d in docs]
        self.lengths = [sum(t.values()) for t in self.terms]
        self.avg_length = (sum(self.lengths) / len(docs)) if docs else 0.0
        frequency = Counter(term for t in self.terms for term in t)
        n = len(docs)
        self.idf = {term: math.log(1 + (n - df + 0.5) / (df + 0.5))
                    for term, df in frequency.items()}

    def scores(self, query: list[str] | dict[str, float]) -> list[float]:
        """BM25 of every item; `query` is a list of terms or a term -> weight mapping."""
        weights = query if isinstance(query, dict) else dict.fromkeys(query, 1.0)
        out = []
        for terms, length in zip(self.terms, self.lengths, strict=True):
            norm = K1 * (1 - B + B * length / self.avg_length) if self.avg_length else K1
            out.append(sum(w * self.idf.get(q, 0.0) * terms[q] * (K1 + 1) / (terms[q] + norm)
                           for q, w in weights.items() if q in terms))
        return out


def recommend(index: Index, text: str, *, preferred: frozenset[str] = frozenset(),
              limit: int = TOP_N) -> list[Recommendation]:
    """The best `limit` items for `text`, each with the words that matched."""
    query = list(dict.fromkeys(tokens(text)))
    weighted = expanded_query(text, query)
    said = _words_said(text)
    scored = []
    for doc, score in zip(index.docs, index.scores(weighted), strict=True):
        if score <= 0:
            continue
        boosted = doc.key in preferred
        scored.append((score * PREFERRED_BOOST if boosted else score, boosted, doc))
    scored.sort(key=lambda item: (-item[0], item[2].key))
    found = []
    for score, boosted, doc in scored[:limit]:
        matched = tuple(said.get(term, term) for term in _matched(index, doc, query))
        found.append(Recommendation(doc.kind, doc.id, doc.title, doc.url, round(score, 3),
                                    _why(matched, boosted), matched, boosted))
    return found


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[tuple[re.Pattern, tuple[str, ...]], ...]:
    with open(VOCABULARY_PATH, encoding="utf-8") as handle:
        entries = json.load(handle)["expansions"]
    return tuple((re.compile(rf"(?<![a-z]){pattern}"), tuple(tokens(words)))
                 for pattern, words in entries)


def expanded_query(text: str, query: list[str]) -> dict[str, float]:
    """The customer's terms at weight 1, and the help-centre terms their phrasing stands
    for at EXPANSION_WEIGHT ("can't get in" also searches login, password, access)."""
    weights = dict.fromkeys(query, 1.0)
    lowered = text.lower().replace("\u2019", "'")
    for pattern, words in _vocabulary():
        if pattern.search(lowered):
            for word in words:
                weights.setdefault(word, EXPANSION_WEIGHT)
    return weights


def _matched(index: Index, doc: KnowledgeDoc, query: list[str]) -> tuple[str, ...]:
    """The query's words this item holds, rarest first (at most four)."""
    terms = index.terms[index.docs.index(doc)]
    return tuple(sorted((q for q in query if q in terms),
                        key=lambda q: -index.idf.get(q, 0.0))[:4])


def _words_said(text: str) -> dict[str, str]:
    """Each stem's first word as the customer wrote it ("charg" -> "charged"), for `why`."""
    said: dict[str, str] = {}
    for word in _WORD.findall(text.lower()):
        said.setdefault(stem(word), word)
    return said


def _why(matched: tuple[str, ...], boosted: bool) -> str:
    why = "matched: " + ", ".join(matched)
    if boosted:
        why += "; helped an earlier ticket of this customer or topic"
    return why


def note_section(recommendations: list[Recommendation]) -> str:
    """The note's "Suggested help" block (titles and links only, never article text)."""
    if not recommendations:
        return ""
    lines = ["Suggested help (Tactful):"]
    for r in recommendations:
        label = "macro" if r.kind == "macro" else "article"
        link = f" {r.url}" if r.url else f" (id {r.id})"
        lines.append(f"- [{label}] {r.title}{link} ({r.why})")
    return "\n".join(lines)
