"""The hard classes of support messages, and the floors on our own labelled set.

Each class is tested with a handful of messages of different shapes, not with the
examples from the issue; the labelled set (tests/data/realistic_messages.jsonl) carries
the floors, measured on all of it and on its held-out split.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from integration.domain.analysis import analyze
from integration.domain.analysis.evaluate import evaluate_files

REALISTIC = Path(__file__).parents[1] / "data" / "realistic_messages.jsonl"


@pytest.mark.parametrize("text", [
    "Oh wonderful, the upload failed again and I lost an hour of work.",
    "Brilliant. The invoice has the wrong company name for the fourth month running.",
    "Perfect timing, your app crashed right when the client was watching.",
    "Love how I've been waiting nine days for a reply.",
    "Nice, the parcel went missing. Exactly what I needed this week.",
])
def test_sarcastic_praise_reads_negative_and_is_marked(text):
    a = analyze(text)
    assert a.sentiment.label == "negative"
    assert "sarcasm" in a.evidence
    assert "gratitude" not in a.detected


@pytest.mark.parametrize("text", [
    "Great, that update fixed the crash for us.",
    "Perfect, can you also send the receipt to my accountant?",
    "Great product, but the sync has been failing since Monday.",
    "Fantastic support from Dana today, thank you.",
])
def test_sincere_praise_is_not_sarcasm(text):
    assert "sarcasm" not in analyze(text).evidence


@pytest.mark.parametrize("text, emotion", [
    ("\U0001f620\U0001f620", "anger"),
    ("still waiting \U0001f624", "frustration"),
    ("no reply yet :(", "disappointment"),
    ("is my data gone?? \U0001f630", "anxiety"),
])
def test_emoji_and_emoticons_are_signals(text, emotion):
    a = analyze(text)
    assert emotion in a.detected
    assert a.sentiment.label == "negative"


def test_a_smiley_reads_positive():
    assert analyze("Got the new card today :)").sentiment.label == "positive"


@pytest.mark.parametrize("text", [
    "Your billing team are liars and I want my money back.",
    "Are you people deaf? I said the order number twice.",
    "Fix it, you useless clowns.",
    "The app is broken and so is your whole incompetent staff.",
])
def test_insults_at_staff_or_company_are_abusive_and_negative(text):
    a = analyze(text)
    assert a.flags["abusive"], a.evidence
    assert a.sentiment.label == "negative"


@pytest.mark.parametrize("text", [
    "The new layout is rubbish, I can't find the export button.",
    "Really disappointed with the delay on my order.",
    "Why is the app so slow today?",
])
def test_harsh_words_about_a_product_are_not_abuse(text):
    assert not analyze(text).flags["abusive"]


@pytest.mark.parametrize("text", [
    "The printer driver fails and my thesis has to be submitted by 5pm.",
    "Our cafe can't take card payments and the lunch rush starts soon.",
    "My daughter's medication delivery is missing and she has none left.",
    "Nobody in the warehouse can log in, trucks are waiting to be loaded.",
    "The flight is tomorrow morning and my booking disappeared from the app.",
])
def test_implied_urgency_is_high(text):
    assert analyze(text).urgency == "high"


@pytest.mark.parametrize("text", [
    "Could you tell me if the price changes next year?",
    "The colour of the button looks a little off on my tablet.",
])
def test_no_time_pressure_is_not_high(text):
    assert analyze(text).urgency != "high"


@pytest.mark.parametrize("text", [
    "Yep, that sorted it. Cheers!",
    "Reinstalled as you said and it's working again, thanks.",
    "The replacement arrived yesterday, all good.",
    "Ah, that makes sense now. Thank you!",
    "You can close this one, I found the option.",
])
def test_resolution_and_confirmation_raise_resolved(text):
    a = analyze(text)
    assert a.flags["resolved"], a.evidence
    assert a.sentiment.label != "negative"
    assert a.urgency != "high"


@pytest.mark.parametrize("text", [
    "That didn't fix it, still the same error.",
    "It works now on the laptop, but the phone still crashes.",
    "I never got it, the tracking is wrong.",
    "Is it fixed?",
])
def test_a_reopened_or_open_problem_is_not_resolved(text):
    assert not analyze(text).flags["resolved"]


@pytest.mark.parametrize("text", [
    "Where is my order #90210?",
    "Tracking number please, the order was placed ten days ago.",
    "The parcel still hasn't been delivered.",
])
def test_orders_and_tracking_are_shipping(text):
    assert analyze(text).topic == "shipping_delivery"


def test_weak_topic_words_do_not_outvote_strong_ones():
    a = analyze("The checkout page shows an error when I go to pay, fix it soon please")
    assert a.topic == "technical_problem"


def test_weak_evidence_alone_leaves_the_topic_generic():
    assert analyze("I tried to pay this morning.").topic == "other"


def test_realistic_set_floors_hold_on_the_messages_never_trained_on():
    """The learned heads train on the `dev` split (and tests/data/support_train.jsonl), so
    the floors are asserted where they mean something: the `holdout` split, never looked
    at while writing cues, and the `blind` split, written by someone who never saw the
    analyzer. `all` is reported as well."""
    report = evaluate_files([REALISTIC])[str(REALISTIC)]
    assert report["all"]["n"] >= 500
    for split in ("holdout", "blind"):
        held = report[split]
        assert held["sarcasm_read_negative"] >= 0.70, split
        assert held["abusive"]["f1"] >= 0.85, split
        assert held["urgency_high"]["f1"] >= 0.80, split
        assert held["resolved"]["f1"] >= 0.85, split
    for split in ("all", "dev", "holdout", "blind"):
        assert {"sentiment", "sarcasm_read_negative", "abusive", "urgency_high", "resolved",
                "topic"} <= set(report[split])
