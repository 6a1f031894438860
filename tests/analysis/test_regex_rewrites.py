"""Patterns spelled differently for speed find exactly what their plain spelling finds."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from integration.domain.analysis import heads, sarcasm

# The characters the patterns turn on, a few words they look for, and Unicode letters,
# digits and spaces that a category test reads differently from an ASCII one.
_PIECES = st.sampled_from([
    "A", "B", "Z", "a", "z", "_", "'", " ", "\n", "\t", ".", "!", "?", ",", "\u2026",
    "1", "9", "\u0663", "\u00e9", "\u00c9", "\u0130", "\u00a0", "ABCD", "WHY", "NOW",
    "great", "oh ", "wow, ", "well ", "perfect", " another", " again", "so ", "nice one",
])
_TEXTS = st.lists(_PIECES, max_size=40).map("".join)

_PLAIN_SHOUT = re.compile(r"\b[A-Z]{4,}\b")
_PLAIN_INTERJECTION = re.compile(r"(?:^|[.!?\n]\s*)" + sarcasm._PRAISE_OPENING)


@settings(max_examples=2000, deadline=None)
@given(_TEXTS)
def test_shout_and_digits_as_spelled_plainly(text):
    found = heads._SHOUT.search(text)
    plain = _PLAIN_SHOUT.search(text)
    assert (found and found.span()) == (plain and plain.span())
    digits = heads._ASCII_DIGITS if text.isascii() else heads._DIGITS
    assert bool(digits.search(text)) == bool(re.search(r"\d", text))


@settings(max_examples=2000, deadline=None)
@given(_TEXTS)
def test_interjections_as_one_finditer(text):
    lowered = text.lower()
    assert [m.span() for m in sarcasm._interjections(lowered)] == \
        [m.span() for m in _PLAIN_INTERJECTION.finditer(lowered)]
