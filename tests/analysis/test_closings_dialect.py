"""Closing formulas and dialect variants are habit, not feeling: they must not move labels."""
from __future__ import annotations

import pytest

from integration.domain.analysis import analyze
from integration.domain.analysis.cleanup import clean_message, normalize_dialect, split_closing

REQUEST = "Hi, my parcel was due on Monday and the tracking has not changed since."
CLOSINGS = [
    "Thanks.", "Thanks!", "Thanks in advance.", "Thank you.", "thx", "ty", "tks", "Cheers.",
    "Thank y'all kindly.", "Thank y\u2019all kindly.", "Thanks and regards.", "Regards,",
    "Kind regards,", "Best,", "Much obliged.", "Ta.", "Many thanks!", "Thanks so much!",
    "Thanks for your help.", "Best wishes", "Sincerely,",
]


def _labels(text: str, names: tuple[str, ...] = ()):
    a = analyze(text, names=names)
    return a.sentiment.label, sorted(a.detected), a.topic, a.urgency, a.flags


@pytest.mark.parametrize("closing", CLOSINGS)
@pytest.mark.parametrize("layout", ["{body} {closing}", "{body} {closing} Emily Walsh",
                                    "{body}\n\n{closing}\nEmily Walsh\nAcme Ltd"])
def test_a_closing_formula_moves_nothing(closing, layout):
    base = analyze(REQUEST, names=("Emily Walsh",))
    text = layout.format(body=REQUEST, closing=closing)
    other = analyze(text, names=("Emily Walsh",))
    assert _labels(REQUEST, ("Emily Walsh",)) == _labels(text, ("Emily Walsh",))
    assert other.sentiment.score == base.sentiment.score
    assert other.emotions["gratitude"] == base.emotions["gratitude"]
    assert "gratitude" not in other.detected


@pytest.mark.parametrize("text", [
    "Thank you so much, that fixed it!",
    "I really appreciate your help with the refund, it came through today.",
    "Thanks!",
    "Thank you so much for sorting out my order so quickly.",
])
def test_gratitude_in_the_body_still_counts(text):
    a = analyze(text)
    assert "gratitude" in a.detected
    assert a.sentiment.label == "positive"


def test_thanks_closing_a_resolution_is_gratitude_in_every_variant():
    """After "That fixed it." a closing thanks is for help given: every variant counts the same."""
    results = {closing: _labels(f"I restarted the router like you said and it works now. {closing}")
               for closing in ("Thanks.", "Cheers.", "thx", "Thank y'all kindly.", "Much obliged.")}
    assert len(set(map(str, results.values()))) == 1
    assert "gratitude" in next(iter(results.values()))[1]


def test_closing_detection_is_about_the_end_of_the_message():
    assert split_closing("My order broke. Thanks. Emily Walsh") == (
        "My order broke.", ["Thanks. Emily Walsh"])
    # not a closing sentence
    assert split_closing("Great tip, thanks!") == ("Great tip, thanks!", [])
    assert split_closing("Thanks so much!") == ("Thanks so much!", [])           # the whole message
    # A lower-case tail is not a signature: "thanks your input" is not "Thanks, Your Input".
    assert split_closing("I do not agree with you at all. Thanks your input")[1] == []
    body, closings = split_closing("The export fails.\nKind regards,\nBob Smith\nAcme Corp")
    assert body == "The export fails." and closings == ["Kind regards,"]


@pytest.mark.parametrize("informal, standard", [
    ("I'm gonna cancel", "I'm going to cancel"),
    ("I wanna know why", "I want to know why"),
    ("y'all charged me twice", "you all charged me twice"),
    ("Y\u2019all charged me twice", "You all charged me twice"),
    ("it ain't working", "it is not working"),
    ("it's broken, innit?", "it's broken?"),
    ("I reckon the app is broken", "I think the app is broken"),
    ("kindly do the needful", "please do it"),
    ("I'm fixing to leave", "I'm about to leave"),
    ("GONNA be late", "GOING TO be late"),
    ("the U.S. store", "the U.S. store"),
])
def test_dialect_variants_map_to_their_standard_form(informal, standard):
    assert normalize_dialect(informal) == standard


@pytest.mark.parametrize("informal, standard", [
    ("I'm gonna lose a day of work because your app keeps crashing.",
     "I'm going to lose a day of work because your app keeps crashing."),
    ("Y'all charged me twice and I wanna get my money back.",
     "You all charged me twice and I want to get my money back."),
    ("The parcel is late again, innit? I reckon it is lost.",
     "The parcel is late again? I think it is lost."),
    ("Kindly do the needful, the invoice total is wrong.",
     "Please do it, the invoice total is wrong."),
    ("I'm fixing to cancel, the service ain't working.",
     "I'm about to cancel, the service is not working."),
])
def test_dialect_variants_do_not_move_labels(informal, standard):
    a, b = analyze(informal), analyze(standard)
    assert _labels(informal) == _labels(standard)
    assert a.sentiment.score == b.sentiment.score and a.emotions == b.emotions


def test_the_body_keeps_the_customers_own_words():
    clean = clean_message("Hey y'all, I'm gonna need a refund. Thank y'all kindly.")
    assert clean.body == "I'm gonna need a refund."
    assert clean.core == "I'm going to need a refund."


def test_a_message_that_is_all_quote_is_still_read():
    assert "gratitude" in analyze("> that was the fix Thanks, that worked!").detected
    assert clean_message("Still broken.\n> On Monday you wrote: restart it").body == "Still broken."
