"""Policy: priorities with reasons, tags inside the documented vocabulary."""
import re

import pytest
from marshmallow import ValidationError

from integration.domain.analysis import analyze
from integration.domain.analysis.types import (
    EMOTIONS,
    FLAGS,
    PRIORITIES,
    SENTIMENT_LABELS,
    TOPICS,
    URGENCY_LEVELS,
    TicketFacts,
)
from integration.domain.policy import PolicySettingsSchema, decide

ANGRY = "Third time I'm asking, this is ridiculous. Cancel my subscription."
CALM = "Could you tell me how to export my invoices?"


def allowed_tags(prefix="tactful_", languages=("en", "es", "fr", "de", "pt", "it", "nl", "und")):
    names = {"done", "escalate"}
    names |= {f"sentiment_{s}" for s in SENTIMENT_LABELS} | {f"urgency_{u}" for u in URGENCY_LEVELS}
    names |= {f"topic_{t}" for t in TOPICS} | {f"priority_{p}" for p in PRIORITIES}
    names |= {f"emotion_{e}" for e in EMOTIONS} | {f"flag_{f}" for f in FLAGS}
    names |= {f"lang_{code}" for code in languages}
    return {prefix + n for n in names}


@pytest.mark.parametrize("text", [ANGRY, CALM, "URGENT: site down", "Thanks, love it!",
                                  "You idiots", "Hola, mi pedido no ha llegado"])
def test_tags_never_leave_the_taxonomy(text):
    decision = decide(analyze(text))
    assert set(decision.tags) <= allowed_tags()
    assert decision.tags == sorted(decision.tags)
    assert "tactful_done" in decision.tags
    assert f"tactful_priority_{decision.priority}" in decision.tags
    assert decision.reasons


def test_angry_churning_customer_escalates():
    decision = decide(analyze(ANGRY))
    assert decision.escalate
    assert decision.priority in ("high", "urgent")
    assert "tactful_escalate" in decision.tags
    assert any("churn" in r for r in decision.reasons)


def test_calm_question_is_not_escalated():
    decision = decide(analyze(CALM))
    assert not decision.escalate and decision.priority in ("low", "normal")


def test_urgent_and_escalated_is_urgent():
    decision = decide(analyze("URGENT: the site is down and this is ridiculous, fix it now "
                              "or I cancel my account"))
    assert decision.priority == "urgent"


def test_prefix_is_configurable():
    decision = decide(analyze(ANGRY), {"tag_prefix": "acme-"})
    assert all(tag.startswith("acme-") for tag in decision.tags)
    assert set(decision.tags) <= allowed_tags("acme-")


def test_vip_bumps_priority_one_step():
    analysis = analyze(CALM)
    plain = decide(analysis)
    vip = decide(analysis, {"vip_tags": ["vip"]}, TicketFacts(tags=("vip", "other")))
    assert PRIORITIES.index(vip.priority) == PRIORITIES.index(plain.priority) + 1
    assert any("VIP" in r for r in vip.reasons)


def test_never_lowers_a_human_priority():
    decision = decide(analyze(CALM), None, TicketFacts(existing_priority="urgent"))
    assert decision.priority == "urgent"
    assert any("only raises" in r for r in decision.reasons)


def test_custom_fields_carry_logical_values():
    analysis = analyze(ANGRY)
    fields = decide(analysis).custom_fields
    assert fields["sentiment"] == "negative"
    assert fields["emotions"] == ",".join(analysis.detected)
    assert fields["topic"] == analysis.topic and fields["priority"] in PRIORITIES


def test_custom_topic_tag_and_unsafe_topic_falls_back():
    analysis = analyze("Is this under warranty?", {"topics_extra": {"warranty": ["warranty"]}})
    assert "tactful_topic_warranty" in decide(analysis).tags
    forged = analysis.__class__(**{**analysis.__dict__, "topic": "Bad Topic!"})
    assert "tactful_topic_other" in decide(forged).tags


def test_emotion_tags_can_be_switched_off():
    tags = decide(analyze(ANGRY), {"emotion_tags": False}).tags
    assert not [t for t in tags if "emotion_" in t]


@pytest.mark.parametrize("settings", [{"tag_prefix": "Bad Prefix"}, {"unknown": 1},
                                      {"escalate_threshold": 3}])
def test_bad_policy_settings_are_rejected(settings):
    with pytest.raises(ValidationError):
        decide(analyze(CALM), settings)


def test_schema_defaults_are_documented_values():
    loaded = PolicySettingsSchema().load({})
    assert loaded["tag_prefix"] == "tactful_" and loaded["vip_tags"] == []


def test_unknown_language_tags():
    tags = decide(analyze("Witam, moje zamówienie nie dotarło i nikt mi nie odpowiada")).tags
    assert "tactful_sentiment_unknown" in tags and "tactful_lang_pl" in tags
    assert not re.search("emotion_", " ".join(tags))
