"""The fast VADER compound equals vaderSentiment's own, rule by rule and on random sentences."""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from integration.domain.analysis import vader
from integration.domain.analysis.sentiment import vader_compounds

DATA = Path(__file__).resolve().parents[1] / "data" / "realistic_messages.jsonl"

# One sentence per rule VADER applies (and a few where rules meet).
RULES = [
    "The book was good.", "The book was GOOD, really.", "ALL CAPS GOOD NEWS",
    "VADER is not smart, handsome, nor funny.", "Not bad at all",
    "It isn't a horrible book.", "At least it isn't a horrible book.",
    "This is the least helpful answer", "least helpful", "very least helpful thing",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "good good but good good bad bad", "great but great", "nice, nice, nice but awful awful",
    "The book was only kind of good.", "kind of awful", "She is kind", "sort of great",
    "just enough good", "It was extremely good and barely bad",
    "Sentiment analysis has never been good.", "Sentiment analysis has never been this good!",
    "never so good", "the movie is so this good", "Without a doubt, excellent idea.",
    "without any doubt good", "Most automated sentiment analysis tools are shit.",
    "With VADER, sentiment analysis is the shit!", "On the other hand, VADER is quite bad ass",
    "yeah right, great service", "that was the kiss of death for a good plan",
    "no problem at all", "no good", "no, not good", "no or nor good", "there is no or bad",
    "no", "NO", "NO good here", "I'm fed up", "cut the mustard well",
    "Make sure you :) or :D today!", "Catch utf-8 emoji such as 💘 and 💋 and 😁",
    "angry😡😡😡", "😡 😡", "🙂", "great!!!!!!", "great???", "bad????", "good?", "",
    "   ", "!!!", "The app keeps crashing when I open the settings page.",
    "Thanks for the quick help last week, it worked perfectly.",
    "I was charged twice for my subscription this month.",
    "Honestly this is ridiculous, I want a refund or I will cancel.",
    "I DON'T like it", "I don't LIKE it at ALL", "uber good", "FRIGGIN FUNNY!!!",
    "a b c d good e f", "x y z w the shit", "at least good", "least good",
]
_VOCABULARY = (
    "good bad great love hate awful nice happy sad angry no not never so this but least at "
    "very kind of sort the shit bomb bad ass without doubt can't isn't don't extremely barely "
    "kinda fed up yeah right bus stop kiss death to die for cut mustard hand mouth or nor "
    "really just enough help thanks refund broken worst best lol :) :( :D <3 😡 😀 💘 😁 "
    "it is was I you we problem fine ok okay fix fixed kind-of sort-of totally utterly"
).split()


def _upstream(text: str) -> float:
    return vader.upstream_analyzer().polarity_scores(text)["compound"]


def _random_sentences(count: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    sentences = []
    for _ in range(count):
        words = []
        for _ in range(rng.randint(1, 14)):
            word = rng.choice(_VOCABULARY)
            shape = rng.random()
            if shape < 0.12:
                word = word.upper()
            elif shape < 0.2:
                word = word.capitalize()
            if rng.random() < 0.15:
                word += rng.choice([",", ".", "!", "?", "!!", "??", "...", "'"])
            words.append(word)
        sentences.append(" ".join(words))
    return sentences


@pytest.mark.parametrize("sentence", RULES)
def test_each_rule_scores_as_vader_does(sentence):
    assert vader.compound(sentence) == _upstream(sentence)


def test_random_sentences_score_as_vader_does():
    sentences = _random_sentences(4000)
    differ = [(s, vader.compound(s), _upstream(s)) for s in sentences
              if vader.compound(s) != _upstream(s)]
    assert differ == []
    # The draw exercises the rules: most sentences carry sentiment, many "but" or negation.
    assert sum(_upstream(s) != 0 for s in sentences) > 2500
    assert sum(" but " in f" {s.lower()} " for s in sentences) > 250


def test_realistic_messages_score_as_vader_does():
    texts = [json.loads(line)["text"] for line in DATA.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    sentences = [s for text in texts for s in re.split(r"(?<=[.!?\n])\s+", text) if s.strip()]
    assert len(sentences) > 300
    assert [vader.compound(s) for s in sentences] == [_upstream(s) for s in sentences]


def test_the_reading_scores_without_polarity_scores(monkeypatch):
    """vader_compounds scores each sentence with the port; VADER's slow path is never called."""
    def forbidden(_text):
        raise AssertionError("polarity_scores was called")
    monkeypatch.setattr(vader.upstream_analyzer(), "polarity_scores", forbidden)
    scores = vader_compounds("Great. Awful!  Fine?")
    assert scores == [vader.compound("Great."), vader.compound("Awful!"), vader.compound("Fine?")]
    assert scores[0] > 0 > scores[1]


def test_sentence_split_equals_the_plain_lookbehind():
    """sentiment._SENTENCE_END is (?<=[.!?\\n])\\s+ rewritten to start with \\s (for speed)."""
    from integration.domain.analysis.sentiment import _SENTENCE_END
    plain = re.compile(r"(?<=[.!?\n])\s+")
    rng = random.Random(7)
    alphabet = " \n\t\r.!?,ab\u00a0\u2028\u3000"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))
             for _ in range(5000)]
    assert all(_SENTENCE_END.split(text) == plain.split(text) for text in texts)
