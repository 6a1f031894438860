"""Live coaching on the agent's own reply: each rule fires on what it should, stays quiet
otherwise, and every finding comes with a rewrite that no longer breaks the rule."""
from __future__ import annotations

import pytest

from integration.domain.drafting.coaching import (
    coach_reply,
    guard_findings,
    questions_in,
    reading_ease,
    split_sentence,
    strongest_emotion,
    unanswered_questions,
)
from integration.domain.drafting.guard import guard_check

FRUSTRATED = {"detected": ["frustration", "gratitude"],
              "emotions": {"frustration": 0.8, "gratitude": 0.9},
              "sentiment": {"label": "negative"}, "flags": {}}


def rules(coaching) -> list[str]:
    return [f.rule for f in coaching.findings]


@pytest.mark.parametrize("text, rule", [
    ("Please calm down, we are looking at it.", "calm_down"),
    ("This is your own fault for sharing the password.", "blame"),
    ("We guarantee this will never break again.", "over_promise"),
    ("As I said before, the export is under Settings.", "as_i_said"),
    ("Why not try our premium plan for faster support?", "upsell"),
])
def test_each_tone_rule_is_found_with_a_rewrite_that_passes_the_guard(text, rule):
    finding = next(f for f in guard_findings(text, None, upset=True) if f.rule == rule)
    assert finding.sentence == text
    assert finding.phrase.lower() in text.lower()
    if finding.suggestion:
        assert guard_check(finding.suggestion, None, upset=True).ok, finding.suggestion


def test_every_rule_a_sentence_breaks_is_reported_not_only_the_first():
    rules_found = {f.rule for f in guard_findings("Calm down, we guarantee a fix.", None,
                                                  upset=True)}
    assert rules_found == {"calm_down", "over_promise"}


def test_a_rewrite_found_after_a_dropped_phrase_reads_as_a_sentence():
    findings = guard_findings("Calm down, as I said it is fixed.", None, upset=True)
    rewrite = next(f.suggestion for f in findings if f.rule == "as_i_said")
    assert rewrite == "It is fixed."


def test_a_rewritable_phrase_is_rewritten_in_place_not_replaced_wholesale():
    [finding] = guard_findings("As I said, the export is under Settings.", None, upset=True)
    assert finding.suggestion == "The export is under Settings."


def test_a_polite_reply_that_names_the_feeling_and_answers_has_no_findings():
    coaching = coach_reply(
        "I'm sorry for the trouble with your refund. The refund reached your card today.",
        {**FRUSTRATED, "questions": ["Where is my refund?"]})
    assert coaching.findings == [] and coaching.to_dict()["ok"] is True
    assert coaching.acknowledged is True and coaching.primary_emotion == "frustration"


def test_a_reply_ignoring_the_strongest_negative_feeling_is_flagged_with_an_opening():
    coaching = coach_reply("Your refund reached your card today.", FRUSTRATED)
    [finding] = [f for f in coaching.findings if f.rule == "no_acknowledgement"]
    assert finding.phrase == "frustration"     # not gratitude, though it scored higher
    assert "sorry" in finding.suggestion.lower() and "{subject}" not in finding.suggestion


def test_a_calm_customer_needs_no_acknowledgement():
    coaching = coach_reply("Your refund reached your card today.", {"detected": []})
    assert coaching.acknowledged is None and "no_acknowledgement" not in rules(coaching)


def test_questions_are_read_from_the_customer_message_and_checked_against_the_reply():
    questions = questions_in("I was charged twice. When will the refund arrive? "
                             "And why was my invoice doubled?")
    assert questions == ["When will the refund arrive?", "And why was my invoice doubled?"]
    assert unanswered_questions("The refund arrives on Monday.", questions) == [
        "And why was my invoice doubled?"]


def test_unanswered_question_finding_quotes_it_in_the_suggestion():
    coaching = coach_reply("Thanks for writing in.", {"questions": ["Can I export invoices?"]})
    [finding] = [f for f in coaching.findings if f.rule == "unanswered_question"]
    assert finding.phrase == "Can I export invoices?" and "export invoices" in finding.suggestion


def test_reading_ease_orders_plain_above_dense_prose():
    plain = reading_ease("We sent the refund. It will reach you soon.")
    dense = reading_ease("Notwithstanding organisational considerations, reimbursement "
                         "necessitates comprehensive administrative authorisation procedures.")
    assert plain > 80 > 20 > dense


def test_hard_to_read_reply_gets_its_longest_sentence_split():
    text = ("Notwithstanding the organisational considerations previously communicated, "
            "reimbursement necessitates comprehensive administrative authorisation, and "
            "consequently the anticipated processing duration is indeterminate.")
    [finding] = [f for f in coach_reply(text).findings if f.rule == "hard_to_read"]
    assert finding.sentence == text and finding.suggestion.count(".") >= 2


def test_split_sentence_cuts_at_the_joint_nearest_the_middle():
    assert split_sentence("We checked your account, and the charge was a duplicate.") == \
        "We checked your account. The charge was a duplicate."
    assert split_sentence("Nothing to split here.") == "Nothing to split here."


def test_strongest_emotion_of_an_empty_analysis_is_none():
    assert strongest_emotion({}) is None
