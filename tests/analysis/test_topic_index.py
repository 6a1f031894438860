"""The topic scan's grouped regex is an optimisation only: it must find exactly what one
plain alternation of the taxonomy's keywords finds, keyword for keyword and weight for weight."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from integration.domain.analysis.topic import (
    _WEAK_MARK,
    TOPICS_PATH,
    WEAK,
    _scan,
    build_taxonomy,
    compile_taxonomy,
    default_taxonomy,
)

DATA = TOPICS_PATH.parent
REALISTIC = Path(__file__).parents[1] / "data" / "realistic_messages.jsonl"


def _texts() -> list[str]:
    with open(REALISTIC, encoding="utf-8") as handle:
        texts = [json.loads(line)["text"].lower() for line in handle]
    return texts + ["where's my parcel (urgent) with the c++ sdk? a.b refund money back",
                    "mi pedido no ha llegado, où est mon colis, wo ist mein paket", ""]


def _plain(taxonomy: dict[str, tuple[str, ...]]):
    """The scan as one alternation with a strong and a weak group per topic."""
    names = tuple(name for name, words in taxonomy.items() if words)
    groups = []
    for i, name in enumerate(names):
        weak = [k[len(_WEAK_MARK):] for k in taxonomy[name] if k.startswith(_WEAK_MARK)]
        strong = [k for k in taxonomy[name] if not k.startswith(_WEAK_MARK)]
        groups += [f"(?P<{kind}{i}>{'|'.join(words)})"
                   for kind, words in (("s", strong), ("w", weak)) if words]
    regex = re.compile(r"(?<![\w'])(?:" + ("|".join(groups) or "(?!)") + r")(?![\w'])")

    def scan(text: str) -> dict[str, dict[str, float]]:
        found: dict[str, dict[str, float]] = {}
        for match in regex.finditer(text):
            group = match.lastgroup
            found.setdefault(names[int(group[1:])], {})[match.group(0)] = \
                1.0 if group[0] == "s" else WEAK
        return found
    return scan


def _taxonomies():
    yield "default", dict(default_taxonomy())
    for path in sorted(DATA.glob("topics.*.json")):
        with open(path, encoding="utf-8") as handle:
            yield path.stem, {k: tuple(v) for k, v in json.load(handle)["topics"].items()}
    # An installation's own keywords are literals, special characters included.
    yield "custom", build_taxonomy({"shipping_delivery": ["where's my parcel", "(urgent)"],
                                    "vip": ["c++ sdk", "a.b"]}, replace=False)
    yield "replaced", build_taxonomy({"only": ["refund", "money back"]}, replace=True)


@pytest.mark.parametrize("name, taxonomy", list(_taxonomies()), ids=lambda v: str(v)[:20])
def test_grouped_scan_equals_one_alternation(name, taxonomy):
    compiled, reference = compile_taxonomy(taxonomy), _plain(taxonomy)
    for text in _texts():
        found: dict[str, dict[str, float]] = {}
        _scan(text, compiled, found)
        # Order too: the first keywords found are the evidence an agent sees.
        expected = reference(text)
        assert [(k, list(v.items())) for k, v in found.items()] == \
            [(k, list(v.items())) for k, v in expected.items()], (name, text)
