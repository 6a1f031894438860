"""compose_draft: the reply an agent sees, per emotion, intensity, name and language."""
from __future__ import annotations

import pytest

from integration.domain.analysis.types import EMOTIONS, TOPICS, Draft
from integration.domain.drafting import compose_draft
from integration.domain.drafting.catalog import load_catalog

EN = load_catalog("en")
TEXT = "My order arrived broken and the box was soaking wet."


def opening_options(emotion: str | None, level: str, topic: str) -> set[str]:
    """Every sentence the catalogue could open with for this emotion, level and topic."""
    by_level = EN["openings"][emotion or "neutral"]
    subjects = EN["topics"][topic]["subjects"]
    return {
        (t.format(subject=s)[:1].upper() + t.format(subject=s)[1:])
        for t in by_level[level] for s in subjects
    }


def empathy_paragraph(draft: Draft) -> str:
    return draft.reply.split("\n\n")[1]


@pytest.mark.parametrize("emotion", EMOTIONS)
@pytest.mark.parametrize("level,score", [("mild", 0.45), ("strong", 0.9)])
def test_opening_matches_emotion_and_intensity(make_analysis, emotion, level, score):
    draft = compose_draft(make_analysis(emotion, score, topic="refund"), text=TEXT)
    paragraph = empathy_paragraph(draft)
    options = opening_options(emotion, level, "refund")
    assert any(paragraph.startswith(o) for o in options), paragraph
    other_level = "mild" if level == "strong" else "strong"
    assert not any(paragraph.startswith(o) for o in opening_options(emotion, other_level, "refund"))


@pytest.mark.parametrize("emotion", EMOTIONS)
def test_strong_feelings_get_a_bridge_sentence_and_mild_ones_do_not(make_analysis, emotion):
    strong = empathy_paragraph(compose_draft(make_analysis(emotion, 0.95), text=TEXT))
    mild = empathy_paragraph(compose_draft(make_analysis(emotion, 0.4), text=TEXT))
    assert any(strong.endswith(b) for b in EN["bridges"][emotion])
    assert not any(mild.endswith(b) for b in EN["bridges"][emotion])


def test_calm_message_gets_a_neutral_opening(make_analysis):
    draft = compose_draft(make_analysis(None, sentiment="neutral", topic="billing"), text=TEXT)
    assert any(empathy_paragraph(draft).startswith(o)
               for o in opening_options(None, "mild", "billing"))


def test_anxiety_gets_a_concrete_next_update_time(make_analysis):
    draft = compose_draft(make_analysis("anxiety", 0.8, topic="shipping_delivery"), text=TEXT)
    assert "[time of next update]" in draft.reply
    calm = compose_draft(make_analysis("frustration", 0.8, topic="shipping_delivery"), text=TEXT)
    assert "[time of next update]" not in calm.reply


def test_negative_feeling_outranks_gratitude(make_analysis):
    analysis = make_analysis("frustration", 0.5, also={"gratitude": 0.99})
    paragraph = empathy_paragraph(compose_draft(analysis, text=TEXT))
    assert any(paragraph.startswith(o) for o in opening_options("frustration", "mild", "other"))


@pytest.mark.parametrize("topic", TOPICS)
def test_topic_is_woven_into_opening_and_next_step(make_analysis, topic):
    reply = compose_draft(make_analysis("anger", 0.9, topic=topic), text=TEXT).reply
    subjects = EN["topics"][topic]["subjects"]
    assert any(s in reply or s[:1].upper() + s[1:] in reply for s in subjects)
    assert any(step.split("[")[0][:25] in reply for step in EN["topics"][topic]["next_steps"])


@pytest.mark.parametrize("topic,slot", [
    ("refund", "[order number]"), ("shipping_delivery", "[order number]"),
    ("billing", "[invoice number]"),
])
def test_facts_the_agent_must_add_are_marked_slots(make_analysis, topic, slot):
    draft = compose_draft(make_analysis("frustration", topic=topic), text=TEXT)
    assert slot in draft.reply
    assert "Fill in the [bracketed] slots" in draft.note


def test_issue_is_restated_in_the_customer_s_terms(make_analysis):
    text = "Hello. I was charged twice for my subscription this month. Please help."
    reply = compose_draft(make_analysis("frustration", topic="billing"), text=text).reply
    assert "you were charged twice for your subscription this month" in reply


def test_sentence_addressed_to_us_is_quoted_not_twisted(make_analysis):
    text = "You sent me the wrong size jacket last week."
    reply = compose_draft(make_analysis("disappointment"), text=text).reply
    assert "\u201cYou sent me the wrong size jacket last week.\u201d" in reply


def test_abuse_is_never_echoed_back(make_analysis):
    text = "You useless idiots lost my parcel again. This is a joke."
    analysis = make_analysis("anger", flags=("abusive",), topic="shipping_delivery")
    reply = compose_draft(analysis, text=text).reply
    assert "idiots" not in reply and "joke" not in reply
    assert "This is about" in reply or "this is about" in reply


def test_praise_is_thanked_not_restated(make_analysis):
    text = "Your support team was wonderful and fixed everything in minutes."
    reply = compose_draft(make_analysis("gratitude", 0.95, topic="praise",
                                        sentiment="positive"), text=text).reply
    assert "thank" in reply.split("\n\n")[1].lower()
    assert "fixed everything in minutes" not in reply


def test_non_english_ticket_gets_a_clear_no_draft_note(make_analysis):
    analysis = make_analysis("anger", language="it", topic="billing")
    draft = compose_draft(analysis, text="Mi avete addebitato due volte!", name="Luca Rossi")
    assert draft.reply is None
    assert "no draft templates for Italian yet" in draft.note
    assert "Luca" not in draft.note and "Hi " not in draft.note     # no English reply slipped in
    assert any("Italian" in tip for tip in draft.tips)
    assert draft.disclosure is True


def test_undetermined_language_is_drafted_in_the_default_locale(make_analysis):
    draft = compose_draft(make_analysis("frustration", language="und"), text="ugh!!! again??")
    assert draft.reply is not None


def test_note_discloses_ai_help_and_carries_reply_and_tips(make_analysis):
    analysis = make_analysis("anger", flags=("churn_risk",))
    draft = compose_draft(analysis, text=TEXT, name="Ana Silva")
    assert draft.note.startswith("Tactful \u2014 AI-assisted draft. Written with AI help")
    assert draft.reply in draft.note
    assert all(f"- {tip}" in draft.note for tip in draft.tips)
    assert 2 <= len(draft.tips) <= 3
    assert draft.to_dict()["disclosure"] is True
