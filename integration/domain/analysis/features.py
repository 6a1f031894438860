"""Turn text into the sparse features the shipped linear model was trained on.

Shared by the trainer and the runtime so the two can never drift apart.
"""
from __future__ import annotations

import re

# Words (keeping inner apostrophes), runs of ! or ?, and single emoji/symbol code points.
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)?|[!?]+|[\U0001F300-\U0001FAFF\u2600-\u27BF]")
# Curly apostrophes and back-ticks are read as straight apostrophes.
_CURLY = ("\u2019", "\u2018", "`")
# The model is trained on Reddit text where names were masked as [NAME]; mapping every
# masked slot to one token keeps names out of the features (and out of the decision).
_MASK = re.compile(r"\[(?:name|religion)\]", re.IGNORECASE)


# Third-person pronouns and titles collapse to one token each, so that the model
# cannot learn (or use) a difference between he, she and they: fairness by design.
_NEUTRAL_FORMS: dict[str, str] = {
    **dict.fromkeys(("he", "she", "they", "him", "her", "them", "his", "hers", "their",
                     "theirs", "himself", "herself", "themselves", "themself"), "3p"),
    **dict.fromkeys(("he's", "she's", "they're", "they've", "he'd", "she'd", "they'd",
                     "he'll", "she'll", "they'll"), "3p's"),
    **dict.fromkeys(("mr", "mrs", "ms", "miss", "mx", "sir", "madam", "ma'am"), "title"),
}


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens, with punctuation runs collapsed to '!' / '?'."""
    text = _straight_apostrophes(text).lower()
    if "[" in text:
        text = _MASK.sub(" ", text)
    neutral = _NEUTRAL_FORMS.get
    return [t[0] if t[0] in "!?" else neutral(t, t) for t in _TOKEN.findall(text)]


def _straight_apostrophes(text: str) -> str:
    """Curly apostrophes straightened; str.translate would cost a dict lookup per character."""
    for mark in _CURLY if not text.isascii() else ("`",):
        if mark in text:
            text = text.replace(mark, "'")
    return text


def features(text: str) -> set[str]:
    """Unigrams and adjacent-word bigrams, as a set (presence, not counts)."""
    tokens = tokenize(text)
    feats = set(tokens)
    feats.update(f"{a} {b}" for a, b in zip(tokens, tokens[1:]))
    return feats
