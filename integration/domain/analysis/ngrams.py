"""Features for the per-language sentiment models: word n-grams and in-word char n-grams.

Shared by the trainer and the runtime so the two can never drift apart. Character
n-grams carry the inflected forms (enfadado / enfadada / enfadadísimo) that a small
training set cannot list word by word; presence only, so scoring is a set of lookups.
"""
from __future__ import annotations

import re

# Emoticons (nose optional), words (any script, inner apostrophes kept), runs of ! or ?,
# single emoji. Emoticons first: ";-)" must not fall apart into punctuation.
_EMOTICON = r"(?<!\w)(?:[:;=8x][-']?[()\[\]dDpP/\\|*]+|<3+|\^\^|\)[-']?[:;])(?!\w)"
_TOKEN = re.compile(_EMOTICON + r"|[^\W\d_]+(?:['\u2019][^\W\d_]+)?|[!?]+"
                    r"|[\U0001F300-\U0001FAFF\u2600-\u27BF]")
_NOSE = re.compile(r"(?<=[:;=8x])[-']")
# Handles, links and hashtag marks are noise in tweets and e-mails alike; a hashtag's word stays.
_NOISE = re.compile(r"@\w+|https?://\S*|\bhttp\b|www\.\S+|&\w+;|#")
CHAR_SIZES = (3, 4, 5)
# Letters repeated for emphasis ("siiiii", "nooo") count as two: one feature, not many.
_STRETCH = re.compile(r"([^\W\d_])\1{2,}")


def tokenize(text: str) -> list[str]:
    text = _STRETCH.sub(r"\1\1", _NOISE.sub(" ", text.lower()).replace("\u2019", "'"))
    return [_normal(t) for t in _TOKEN.findall(text)]


def _normal(token: str) -> str:
    if token[0] in "!?":
        return token[0]
    return _NOSE.sub("", token)


def ngram_features(text: str) -> set[str]:
    """Word unigrams and bigrams ("w:"), and char n-grams of each padded word ("c:")."""
    tokens = tokenize(text)
    feats = {f"w:{t}" for t in tokens}
    feats.update(f"w:{a} {b}" for a, b in zip(tokens, tokens[1:]))
    for token in set(tokens):
        if len(token) < 2:
            continue
        padded = f"<{token}>"
        for size in CHAR_SIZES:
            feats.update(f"c:{padded[i:i + size]}" for i in range(len(padded) - size + 1))
    return feats
