"""The learned support heads (heads.py): what they add to the cue rules, and the guards
that keep them from reading sarcasm, abuse or urgency into messages that have none."""
from __future__ import annotations

import pytest

from integration.domain.analysis import analyze, analyze_reading, heads
from integration.domain.analysis.reading import read_message
from integration.domain.analysis.settings import resolve_settings

SETTINGS = resolve_settings(None)


def _both(text: str):
    """(the analysis, the analysis by the cue rules alone)."""
    return analyze(text), analyze_reading(read_message(text, use_heads=False), SETTINGS)


def test_the_shipped_heads_name_four_labels_each_with_a_threshold():
    model = heads.load_heads()
    assert model is not None, "data/heads.en.json.gz must ship"
    assert model["heads"] == list(heads.HEADS)
    assert all(0 < model["thresholds"][h] < 1 for h in heads.HEADS)
    assert len(model["bias"]) == len(heads.HEADS)
    # Each head was chosen because, with the rules, it beat the rules alone.
    for head in heads.HEADS:
        report = model["params"][head]
        assert report["cv_joint_f1"] >= report["rules_alone_f1"], head


@pytest.mark.parametrize("text", [
    "Kudos to your team for shipping my order to the wrong continent.",
    "Really appreciate being put on hold for two hours just to be disconnected.",
    "What a pleasure it is to reset my password for the fifth time this week.",
])
def test_sarcasm_the_rules_miss_is_read_as_negative_with_words_as_evidence(text):
    learned, rules = _both(text)
    assert not rules.evidence.get("sarcasm"), "pick a message the cue rules do not know"
    assert learned.evidence.get("sarcasm")
    assert learned.sentiment.label == "negative"
    assert "gratitude" not in learned.detected
    assert all(":" not in word for word in learned.evidence["sarcasm"])


@pytest.mark.parametrize("text", [
    "Thank you so much, the new dashboard is great and my team loves it.",
    "Wow, delivery came a day early. Great service!",
    "I love the dark mode, perfect for late shifts.",
])
def test_sincere_praise_stays_positive(text):
    analysis = analyze(text)
    assert not analysis.evidence.get("sarcasm")
    assert analysis.sentiment.label == "positive"


def test_no_praise_word_no_sarcasm_whatever_the_head_says():
    reading = read_message("The parcel arrived late and the box was wet.")
    forced = reading.__class__(**{**reading.__dict__, "heads": dict.fromkeys(heads.HEADS, 1.0)})
    assert not analyze_reading(forced, SETTINGS).evidence.get("sarcasm")


def test_an_insult_not_aimed_at_the_business_is_not_abuse_whatever_the_head_says():
    reading = read_message("People on this forum suck at spelling.")
    forced = reading.__class__(**{**reading.__dict__, "heads": {"abusive": 1.0}})
    assert not analyze_reading(forced, SETTINGS).flags["abusive"]
    aimed = read_message("Your staff suck at spelling.")
    forced = aimed.__class__(**{**aimed.__dict__, "heads": {"abusive": 1.0}})
    result = analyze_reading(forced, SETTINGS)
    assert result.flags["abusive"] and result.sentiment.label == "negative"


def test_a_resolved_message_is_never_made_urgent_by_the_head():
    reading = read_message("That did the trick, all working on my end now.")
    forced = reading.__class__(**{**reading.__dict__, "heads": {"urgent": 1.0}})
    result = analyze_reading(forced, SETTINGS)
    assert result.flags["resolved"] and result.urgency != "high"


def test_a_long_calm_email_does_not_add_up_to_urgent():
    """Features weigh 1/sqrt(their number): many mildly urgent words in a long e-mail
    are not a deadline."""
    text = ("Hello team, I would like to ask about the process for updating the billing "
            "contact on our account. We are reorganising our finance department over the "
            "coming quarter and would like to know which documents are needed, whether the "
            "change affects existing invoices, and how long it usually takes. There is no "
            "hurry on this, we are just planning ahead. Kind regards, Maria")
    assert analyze(text).urgency != "high"


def test_other_languages_have_no_heads():
    reading = read_message("Es urgente, el pago no funciona y tengo una demo en una hora",
                           languages=frozenset({"en", "es"}))
    assert reading.language == "es" and reading.heads == {}
