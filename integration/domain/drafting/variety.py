"""Deterministic variety: the same ticket always picks the same templates.

Python's hash() is salted per process, so choices come from SHA-256 instead. The seed
is built from what the ticket is *about*: words that only say who wrote it or how they
greet (names, pronouns, salutations, light dialect markers) are left out, so two
customers with the same problem get the same wording whatever their name or dialect.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence

from integration.domain.analysis.cleanup import clean_message

_WORD = re.compile(r"[\w']+", re.UNICODE)


def ticket_seed(text: str, ignore: Iterable[str] = (),
                canonical: dict[str, str] | None = None) -> str:
    """A stable seed from the ticket's content words.

    `canonical` maps informal spellings to standard ones ("gonna" -> "going to") so a
    dialect marker does not reshuffle the wording. The seed is taken from the text the
    analyzer scores (greeting, closing formulas such as "Thanks." / "Cheers." / "Thank
    y'all kindly.", signature and politeness cut, `analysis/data/dialect.json` variants
    mapped), so drafting and analysis agree on what only says who wrote it, and how.
    """
    skip = {word.lower() for word in ignore}
    standard = canonical or {}
    content = clean_message(text).core or text
    words = [standard.get(w, w) for w in _WORD.findall(content.lower().replace("\u2019", "'"))]
    kept = [w for w in words if w not in skip]
    return hashlib.sha256(" ".join(kept).encode("utf-8")).hexdigest()


def pick(options: Sequence[str], seed: str, slot: str) -> str:
    """One of `options`, chosen by `seed`; `slot` keeps different choices independent."""
    if not options:
        raise ValueError(f"no templates for {slot}")
    digest = hashlib.sha256(f"{seed}:{slot}".encode()).digest()
    return options[int.from_bytes(digest[:8], "big") % len(options)]
