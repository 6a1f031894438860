"""Learned support heads: sarcasm, abuse, high urgency and resolution, from one reading.

The cue rules are precise but only know the phrasings someone wrote down; on messages
written by people who never saw the cue files they found a fifth of the sarcasm. These
four binary heads are linear models over what the reading already holds: the words
(the same unigrams and bigrams as the sentiment model), which cue effects fired, the
sentiment model's and VADER's leanings in coarse bins, and a few pairings a linear
model cannot form by itself ("praise" together with "something went wrong" is what
sarcasm is). They are trained on our own labelled support messages (`tactful train
--support`, data in tests/data) and shipped as `data/heads.en.json.gz`.

A head's verdict joins the rule's: either one raises the label. The threshold of each
head is chosen, by cross-validation on the training messages, for the best F1 of that
joint decision, never on the regression set's holdout or blind splits.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path

from .features import features
from .model import explains, read_model_file

HEADS: tuple[str, ...] = ("sarcasm", "abusive", "urgent", "resolved")
HEADS_PATH = Path(__file__).with_name("data") / "heads.en.json.gz"
# Effects whose firing is itself a feature (sign kept: "sentiment-" and "sentiment+").
_CUE_EFFECTS = ("sentiment", "problem", "complaint", "churn_risk", "repeated_contact",
                "abusive", "resolved", "urgency", "gratitude", "sarcasm", "frustration",
                "anger", "anxiety", "confusion", "disappointment", "adverse")
# Praise and thanks, as the word features (unigrams and bigrams) spell them: half of
# what sarcasm is made of. Looked up in the message's feature set, not searched for.
_PRAISE = frozenset((
    "great fantastic wonderful brilliant awesome perfect lovely amazing excellent superb "
    "terrific nice love loving loved thanks bravo kudos congrats congratulations impressive "
    "stellar outstanding pleasure favourite favorite appreciate genius masterpiece incredible "
    "best"
).split()) | frozenset(("thank you", "10 10", "chef's kiss", "so glad"))
_OPENER = re.compile(r"^\W*(?:oh |wow |well |yay |ah |so )?(?:great|fantastic|wonderful"
                     r"|brilliant|awesome|perfect|lovely|amazing|excellent|nice|love|thanks"
                     r"|thank you|bravo|kudos|congrat\w*|wow|cool|sure|yeah|oh)\b")
# Sarcasm says something positive about something going wrong: without a positive
# word, praise or thanks there is nothing ironic, whatever the head says.
POSITIVE_WORDS = frozenset({"x:praise", "x:opener", "v:max3", "v:max4"})
_SECOND_PERSON = frozenset("you your you're youre yours ur u yall y'all ya".split())
# Who a support message can insult besides "you": the business and its people.
_BUSINESS = frozenset((
    "company companies support staff team agent agents rep reps service app product "
    "business store shop bank airline management employee employees helpdesk morons "
    "idiots clowns scammers thieves crooks"
).split()) | frozenset(("customer service", "help desk", "people there"))
# An insult is abusive when it is aimed at the agent or the business (see analyze_reading).
AIMED = frozenset({"x:you", "x:business"})
# An opening interjection is in the first few words.
OPENER_REACH = 24
_DIGITS = re.compile(r"\d")
# `\d` where the text is ASCII: a range test per character instead of a Unicode
# category lookup (half of that search's cost).
_ASCII_DIGITS = re.compile(r"[0-9]")
# `\b[A-Z]{4,}\b`, spelled to start with a character class so that the engine skips
# ahead to capitals instead of trying a match at every position (a fifth of the
# cost); the lookbehind is the leading `\b` (no word character before the capital).
_SHOUT = re.compile(r"[A-Z](?<!\w[A-Z])[A-Z]{3,}\b")


# The cue effects that say something went wrong (with praise: "x:praise+trouble").
_TROUBLE = frozenset(("cue:problem+", "cue:complaint+", "cue:sentiment-",
                      "cue:repeated_contact+", "cue:adverse+", "cue:frustration+"))
# A cue's effects dict (one per lexicon entry, shared by all its hits) -> the "cue:"
# features it fires, in its items' order: worked out once per cue, not per hit (the
# per-hit loop was a third of head_features). The dict is kept so its id stays its own.
_CUE_FEATURES: dict[int, tuple[dict[str, float], tuple[str, ...]]] = {}
_CUE_FEATURES_LIMIT = 10_000


def _cue_features(effects: dict[str, float]) -> tuple[str, ...]:
    known = _CUE_FEATURES.get(id(effects))
    if known is not None and known[0] is effects:
        return known[1]
    fired = tuple(f"cue:{name}{'+' if value > 0 else '-'}"
                  for name, value in effects.items() if name in _CUE_EFFECTS and value)
    if len(_CUE_FEATURES) < _CUE_FEATURES_LIMIT:
        _CUE_FEATURES[id(effects)] = (effects, fired)
    return fired


def _bin(value: float, step: float = 0.2) -> int:
    return min(int(value / step), int(1 / step) - 1)


def head_features(text: str, words: set[str] | None, hits, model_sentiment: dict | None,
                  model_emotions: dict | None, vader: tuple[float, ...]) -> set[str]:
    """The features every head reads, from what the reading already found.

    `words` are `features(text)` when the caller has them (the sentiment model reads
    the same set), else they are computed here.
    """
    feats = set(words if words is not None else features(text))
    effects = set()
    for hit in hits:
        effects.update(_cue_features(hit.effects))
    feats |= effects
    negative = positive = 0.0
    if model_sentiment:
        negative, positive = model_sentiment["negative"], model_sentiment["positive"]
        feats.add(f"m:neg{_bin(negative)}")
        feats.add(f"m:pos{_bin(positive)}")
    for name, value in (model_emotions or {}).items():
        if value >= 0.3:
            feats.add(f"m:{name}")
    if vader:
        feats.add(f"v:max{_bin((max(vader) + 1) / 2)}")
        feats.add(f"v:min{_bin((min(vader) + 1) / 2)}")
    praise = not feats.isdisjoint(_PRAISE)
    trouble = negative >= 0.4 or not effects.isdisjoint(_TROUBLE)
    if praise:
        feats.add("x:praise")
        if trouble:
            feats.add("x:praise+trouble")
    if _OPENER.match(text[:OPENER_REACH].lower()):
        feats.add("x:opener")
        if trouble:
            feats.add("x:opener+trouble")
    if not feats.isdisjoint(_SECOND_PERSON):
        feats.add("x:you")
        if negative >= 0.5:
            feats.add("x:you+negative")
    if not feats.isdisjoint(_BUSINESS):
        feats.add("x:business")
    if (_ASCII_DIGITS if text.isascii() else _DIGITS).search(text):
        feats.add("x:digits")
    if _SHOUT.search(text):
        feats.add("x:shout")
    length = text.count(" ") + 1
    feats.add("x:len" + ("s" if length <= 6 else "m" if length <= 25 else "l"))
    return feats


@lru_cache(maxsize=1)
def load_heads(path: str | None = None) -> dict | None:
    return read_model_file(Path(path) if path else HEADS_PATH)


def score_heads(feats: set[str], model: dict | None = None) -> dict[str, float]:
    """Each head's probability; {} when no heads model ships."""
    model = model or load_heads()
    if model is None:
        return {}
    # The rows of the features the heads know, in the set's order as before (the float
    # sums follow it). Rows are non-empty lists, so filter(None) drops only unknown
    # features; map and filter keep the per-feature loop in C.
    rows = list(filter(None, map(model["weights"].get, feats)))
    # Features weigh 1/sqrt(their number), as in training: length alone decides nothing.
    scale = 1.0 / math.sqrt(len(feats)) if feats else 0.0
    totals = [bias + scale * sum(column)
              for bias, column in zip(model["bias"], zip(*rows) if rows else
                                      ((),) * len(model["bias"]))]
    return {name: 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total))))
            for name, total in zip(model["heads"], totals)}


def fires(probabilities: dict[str, float], head: str, model: dict | None = None) -> bool:
    model = model or load_heads()
    if model is None or head not in probabilities:
        return False
    return probabilities[head] >= model["thresholds"][head]


def evidence(feats: set[str], head: str, limit: int = 3, model: dict | None = None
             ) -> list[str]:
    """The words that pushed `head` up most (derived features are not evidence)."""
    model = model or load_heads()
    if model is None:
        return []
    column = model["heads"].index(head)
    weights = model["weights"]
    pushing = sorted((weights[f][column], f) for f in feats
                     if f in weights and ":" not in f and weights[f][column] > 0.05
                     and explains(f))
    return [f for _, f in reversed(pushing[-limit:])]
