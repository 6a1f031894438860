"""Sentiment tuned for support text, and clean-up that keeps boilerplate out of it."""
import pytest

from integration.domain.analysis import ANALYZER_VERSION, analyze
from integration.domain.analysis.cleanup import clean_message

CALM_PROBLEM = "I was charged twice, can you check?"


def test_describing_a_problem_is_mildly_negative_at_most():
    sentiment = analyze(CALM_PROBLEM).sentiment
    assert sentiment.label in ("neutral", "negative")
    assert sentiment.score > -0.4


def test_repeated_angry_contact_is_strongly_negative():
    sentiment = analyze("Third time I'm asking, this is ridiculous").sentiment
    assert sentiment.label == "negative"
    assert sentiment.score <= -0.6
    assert sentiment.score < analyze(CALM_PROBLEM).sentiment.score


@pytest.mark.parametrize("text", [
    "Thank you so much, you saved my day!",
    "The new dashboard is great, love it",
])
def test_praise_is_positive(text):
    assert analyze(text).sentiment.label == "positive"


def test_plain_question_is_neutral():
    assert analyze("What are your opening hours on Saturday?").sentiment.label == "neutral"


def test_scores_and_confidence_stay_in_range():
    for text in (CALM_PROBLEM, "worst service ever!!!", "thanks!", "ok"):
        sentiment = analyze(text).sentiment
        assert -1.0 <= sentiment.score <= 1.0
        assert 0.0 <= sentiment.confidence <= 1.0


WRAPPED = [
    "Hi team,\n\nI was charged twice, can you please check? Thanks in advance!",
    "@acme_support I was charged twice, can you check? Please help",
    "Hello,\nI was charged twice, can you check?\n\nBest regards,\nJohn Smith\nACME Ltd",
    "I was charged twice, can you check?\n\nSent from my iPhone",
    "I was charged twice, can you check?\n\n"
    "On Mon, 3 Jun 2024 at 10:00, Support <help@acme.test> wrote:\n"
    "> This is terrible, we are awful and you should be furious",
    "I was charged twice, can you check?\n> old quoted line: you idiots, worst service ever",
    "I was charged twice, can you check?\n--\nThis email and any attachments are confidential "
    "and intended solely for the addressee. Terrible things happen if you forward it.",
]


@pytest.mark.parametrize("text", WRAPPED)
def test_boilerplate_does_not_move_the_score(text):
    plain = analyze(CALM_PROBLEM)
    wrapped = analyze(text)
    assert wrapped.sentiment == plain.sentiment
    assert wrapped.detected == plain.detected
    assert wrapped.flags == plain.flags


def test_cleanup_keeps_the_customers_words():
    clean = clean_message("Hi Anna,\n\nMy parcel is lost. Please help!\n\nKind regards,\nBob")
    assert clean.body.startswith("My parcel is lost")
    assert "Bob" not in clean.body
    assert "lost" in clean.core and "please" not in clean.core.lower()


def test_long_tickets_are_scored_sentence_by_sentence():
    long_text = " ".join(["The export finished but the totals look wrong again."] * 60)
    analysis = analyze(long_text)
    assert analysis.sentiment.label == "negative"


def test_version_is_exported():
    assert ANALYZER_VERSION and analyze("hello").analyzer_version == ANALYZER_VERSION


def test_empty_text_is_neutral():
    assert analyze("   ").sentiment.label == "neutral"
