"""Features for the per-language sentiment models: word n-grams and in-word char n-grams.

Shared by the trainer and the runtime so the two can never drift apart. Character
n-grams carry the inflected forms (enfadado / enfadada / enfadadísimo) that a small
training set cannot list word by word; presence only, so scoring is a set of lookups.
"""
from __future__ import annotations

import re
from functools import lru_cache

# Emoticons (nose optional), words (any script, inner apostrophes kept), runs of ! or ?,
# single emoji. Emoticons first: ";-)" must not fall apart into punctuation.
_EMOTICON = r"(?<!\w)(?:[:;=8x][-']?[()\[\]dDpP/\\|*]+|<3+|\^\^|\)[-']?[:;])(?!\w)"
_TOKEN = re.compile(_EMOTICON + r"|[^\W\d_]+(?:['\u2019][^\W\d_]+)?|[!?]+"
                    r"|[\U0001F300-\U0001FAFF\u2600-\u27BF]")
_NOSE = re.compile(r"(?<=[:;=8x])[-']")
# Handles, links and hashtag marks are noise in tweets and e-mails alike; a hashtag's word stays.
_NOISE = re.compile(r"@\w+|https?://\S*|\bhttp\b|www\.\S+|&\w+;|#")
_NOISE_MARKS = ("@", "http", "www", "&", "#")      # each _NOISE match holds one
CHAR_SIZES = (3, 4, 5)
# Letters repeated for emphasis ("siiiii", "nooo") count as two: one feature, not many.
_STRETCH = re.compile(r"([^\W\d_])\1{2,}")


def tokenize(text: str) -> list[str]:
    text = text.lower()
    if any(mark in text for mark in _NOISE_MARKS):
        text = _NOISE.sub(" ", text)
    # map: the cached _form is called from C, without a bytecode loop per token.
    return list(map(_form, _TOKEN.findall(text.replace("\u2019", "'"))))


@lru_cache(maxsize=65536)
def _form(token: str) -> str:
    """A token's feature form: stretched letters cut to two, "!!!" as "!", no emoticon nose.

    Stretching the token equals stretching the text before splitting it: only letters
    are stretched, and a letter stays a letter, so every token keeps its extent.
    """
    if token[0] in "!?":
        return token[0]
    token = _STRETCH.sub(r"\1\1", token)
    # Only an emoticon's nose is dropped: a token without "-" or "'" has none.
    return _NOSE.sub("", token) if "-" in token or "'" in token else token


def ngram_features(text: str) -> set[str]:
    """Word unigrams and bigrams ("w:"), and char n-grams of each padded word ("c:")."""
    tokens = tokenize(text)
    feats = {f"w:{t}" for t in tokens}
    feats.update(f"w:{a} {b}" for a, b in zip(tokens, tokens[1:]))
    for token in set(tokens):
        if len(token) >= 2:
            feats.update(_char_ngrams(token))
    return feats


@lru_cache(maxsize=65536)
def _char_ngrams(token: str) -> tuple[str, ...]:
    """The char n-gram features of one word, in size order (cached: words recur, and
    building the strings is most of the featurising)."""
    padded = f"<{token}>"
    return tuple(f"c:{padded[i:i + size]}" for size in CHAR_SIZES
                 for i in range(len(padded) - size + 1))
