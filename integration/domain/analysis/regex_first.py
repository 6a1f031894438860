"""How a regular expression's matches can start (a superset), and its top-level branches.

Used to index the cue lexicon by a word's first two characters. It reads the pattern's parse tree
from the standard library's own regex parser; anything it does not recognise makes
the answer None ("may start with anything"), which is always safe.
"""
from __future__ import annotations

# The standard library's own regex parser (Python 3.11+; pyproject requires it).
from re import _constants as _c
from re import _parser as _p

_ZERO_WIDTH = {_c.AT, _c.ASSERT, _c.ASSERT_NOT}
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}
_MAX_RANGE = 512


class _AnyChar(Exception):
    """The pattern may start with any character."""


def _structure(pattern: str):
    """(index, character, group depth after it) for each character outside classes and
    escapes: where `pattern`'s groups open and close and its top-level "|" stand."""
    depth, in_class, escaped = 0, False, False
    for index, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        else:
            depth += (char == "(") - (char == ")")
            yield index, char, depth


def top_level_branches(pattern: str) -> list[str]:
    """`pattern` split at its top-level "|" (outside groups, classes and escapes)."""
    branches, start = [], 0
    for index, char, depth in _structure(pattern):
        if char == "|" and depth == 0:
            branches.append(pattern[start:index])
            start = index + 1
    branches.append(pattern[start:])
    return branches


def group_end(pattern: str) -> int | None:
    """Where the group that opens `pattern` closes (outside classes and escapes)."""
    return next((index for index, char, depth in _structure(pattern)
                 if char == ")" and depth == 0), None)


def prefixes(pattern: str, length: int = 2) -> frozenset[str] | None:
    """Every start a match of `pattern` can have, cut to `length` characters (a superset).

    A string shorter than `length` means a match may end there, or go on with anything
    (`f\\*{2,}\\w*` gives "f*" and "f**"): a caller looks a text up under every start
    of its own first `length` characters. None: unbounded from the first character
    (a class such as \\w, or something this reader does not know).
    """
    try:
        return frozenset(_seq_prefixes(list(_p.parse(pattern)), length, open_ended=True))
    except Exception:
        return None


def _seq_prefixes(items, length: int, open_ended: bool = False) -> set[str]:
    partial = {""}
    for op, av in items:
        done = {p for p in partial if len(p) >= length}
        open_ = {p for p in partial if len(p) < length}
        if not open_:
            return done
        grown = set()
        try:
            for need in {length - len(p) for p in open_}:
                tails = _item_prefixes(op, av, need)
                grown |= {p + t for p in open_ if length - len(p) == need for t in tails}
        except _AnyChar:
            # Only the whole pattern's sequence may stop here: inside a group, what
            # follows the group would be appended as if the group had ended.
            if not open_ended or "" in partial:
                raise
            return partial
        partial = done | grown
    return partial


def _item_prefixes(op, av, length: int) -> set[str]:
    if op is _c.LITERAL:
        return {chr(av)}
    if op is _c.IN:
        return _charset(av)
    if op is _c.BRANCH:
        return set().union(*(_seq_prefixes(list(b), length) for b in av[1]))
    if op is _c.SUBPATTERN:
        return _seq_prefixes(list(av[-1]), length)
    if op in _REPEATS:
        low, high, body = av
        # Up to `length` copies, each optional: a superset of every allowed repeat count.
        result = {""}
        for _ in range(min(high, length)):
            grown = {p + t for p in result if len(p) < length
                     for t in _seq_prefixes(list(body), length - len(p))}
            result |= grown
        return result if low == 0 else result - {""} | _at_least_one(body, length)
    if op in _ZERO_WIDTH:
        return {""}
    raise _AnyChar


def _at_least_one(body, length: int) -> set[str]:
    return _seq_prefixes(list(body), length)


_DIGITS = {str(d) for d in range(10)}


def _charset(items) -> set[str]:
    chars: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            chars.add(chr(av))
        elif op is _c.CATEGORY and av is _c.CATEGORY_DIGIT:
            chars |= _DIGITS            # callers look every digit up under one key
        elif op is _c.RANGE and av[1] - av[0] <= _MAX_RANGE:
            chars.update(chr(code) for code in range(av[0], av[1] + 1))
        else:                           # NEGATE, CATEGORY (\w, \d), huge ranges
            raise _AnyChar
    return chars
