"""The cue index is an optimisation only: it must find exactly what one big alternation finds."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from integration.domain.analysis.cues import _entries, find_cues
from integration.domain.analysis.regex_first import prefixes, top_level_branches

REALISTIC = Path(__file__).parents[1] / "data" / "realistic_messages.jsonl"


def _single_alternation():
    entries = _entries()[0]
    parts = "|".join(f"(?P<c{i}>{pattern})" for i, (pattern, _) in enumerate(entries))
    return re.compile(r"(?<![\w'])(?:" + parts + r")(?![\w'])")


def _texts():
    with open(REALISTIC, encoding="utf-8") as handle:
        texts = [json.loads(line)["text"].lower() for line in handle]
    return texts + ["3rd time i'm asking!! 2 hours on hold :( :-) 10/10 would not",
                    "f***ing app, ???, 😡😡 and 🤦\u200d\u2640\ufe0f", "in 45 minutes by 5pm", ""]


def test_indexed_scan_equals_one_alternation():
    regex = _single_alternation()
    for text in _texts():
        expected = [(m.group(0), m.start()) for m in regex.finditer(text)]
        assert [(h.phrase, h.start) for h in find_cues(text)] == expected, text


@pytest.mark.parametrize("pattern, expected", [
    ("abc|de", {"ab", "de"}),
    ("(?:the )?cat", {"th", "ca"}),
    ("a?", {"", "a"}),
    ("x+y", {"xx", "xy"}),
    (r"\d+th", {f"{a}{b}" for a in range(10) for b in range(10)} | {f"{d}t" for d in range(10)}),
])
def test_prefixes_are_a_superset_of_how_matches_start(pattern, expected):
    assert prefixes(pattern) == expected


def test_unbounded_starts_are_none_and_branches_split_at_top_level_only():
    assert prefixes(r"\w+ing") is None
    assert top_level_branches(r"a(?:b|c)|[|]|d\|e") == ["a(?:b|c)", "[|]", r"d\|e"]


def test_a_start_followed_by_anything_is_kept_as_a_shorter_prefix():
    # The text is looked up under every start of its first characters, so "f*" stands
    # for "f*" followed by anything; only a whole pattern's sequence may stop early.
    assert prefixes(r"f\*{2,}\w*", 3) == {"f*", "f**"}
    assert prefixes(r"ab(c\w*)y", 3) == {"abc"}
    assert prefixes(r"(x\w*)y", 3) is None
