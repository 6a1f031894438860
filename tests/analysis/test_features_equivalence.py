"""Faster featurising, same features: the shortcuts against the plain pipelines they replace."""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from integration.domain.analysis import features, ngrams

DATA = Path(__file__).resolve().parents[1] / "data" / "realistic_messages.jsonl"


def _reference_ngram_tokens(text: str) -> list[str]:
    """Stretch the whole text, split it, then normalise each token (the original order)."""
    text = ngrams._STRETCH.sub(r"\1\1", ngrams._NOISE.sub(" ", text.lower()).replace("\u2019", "'"))
    tokens = ngrams._TOKEN.findall(text)
    return [t[0] if t[0] in "!?" else ngrams._NOSE.sub("", t) for t in tokens]


def _reference_ngram_features(text: str) -> set[str]:
    tokens = _reference_ngram_tokens(text)
    feats = {f"w:{t}" for t in tokens}
    feats.update(f"w:{a} {b}" for a, b in zip(tokens, tokens[1:]))
    for token in set(tokens):
        if len(token) < 2:
            continue
        padded = f"<{token}>"
        for size in ngrams.CHAR_SIZES:
            feats.update(f"c:{padded[i:i + size]}" for i in range(len(padded) - size + 1))
    return feats


def _reference_tokens(text: str) -> list[str]:
    apostrophes = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
    text = features._MASK.sub(" ", text.translate(apostrophes).lower())
    return [t[0] if t[0] in "!?" else features._NEUTRAL_FORMS.get(t, t)
            for t in features._TOKEN.findall(text)]


# Letters that stretch, emoticon parts (noses, "x", "8", "d", "p"), apostrophes of every
# kind, noise (handles, links, entities, hashtags), masks, emoji, and non-Latin scripts.
_ALPHABET = list("aaoosxXdDpP8:;=-'()[]/\\|*<3^!?.,#@&  \u2019\u2018`\u00e9\u00fc\u00df") + [
    "http://x.io/a", "www.example.com", "&amp;", "[NAME]", "[religion]", "😡", "🙂", "д", "ş",
    "ı", "She", "HE'S", "they're", "Mr", "ma'am", "sooo", "nooooo", "xddd", ":ppp", ";-)",
]


def _random_texts(count: int, seed: int = 9) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 40)))
            for _ in range(count)]


def _texts() -> list[str]:
    lines = DATA.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines if line.strip()] + _random_texts(3000)


def test_ngram_tokens_equal_the_plain_pipeline():
    texts = _texts()
    assert [ngrams.tokenize(t) for t in texts] == [_reference_ngram_tokens(t) for t in texts]


def test_ngram_features_equal_the_plain_pipeline_in_insertion_order():
    # Same strings inserted in the same order: the set iterates the same way, so the
    # model sums its weights in the same order and gives the same last bit.
    for text in _texts():
        assert list(ngrams.ngram_features(text)) == list(_reference_ngram_features(text))


def test_word_tokens_equal_the_plain_pipeline():
    texts = _texts()
    assert [features.tokenize(t) for t in texts] == [_reference_tokens(t) for t in texts]


@pytest.mark.parametrize("text, expected", [
    ("Siiiiii :-) xDDD", ["sii", ":)", "xdd"]),
    ("noooo!!! @user http://t.co/x #genial", ["noo", "!", "genial"]),
    ("l\u2019appli", ["l'appli"]),
])
def test_ngram_tokens_examples(text, expected):
    assert ngrams.tokenize(text) == expected


def test_random_texts_exercise_the_shortcuts():
    texts = _random_texts(3000)
    stretched = sum(bool(re.search(r"([^\W\d_])\1{2,}", t.lower())) for t in texts)
    noses = sum(bool(re.search(r"[:;=8x][-']", t.lower())) for t in texts)
    assert stretched > 300 and noses > 300
