"""The pure parts: signals from a timeline, routing rules, learned suggestions, BM25."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from marshmallow import ValidationError

from integration.domain import recommend, routing
from integration.domain.memory import TimelineEntry, alert_conditions, compute_signals

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


def entry(days_ago: float, ticket: str, sentiment: float = 0.0, topic: str = "billing",
          **kw) -> TimelineEntry:
    return TimelineEntry(at=NOW - timedelta(days=days_ago), ticket_id=ticket,
                         sentiment=sentiment, topic=topic, **kw)


def test_same_topic_on_another_ticket_is_a_repeat_but_a_follow_up_is_not():
    assert compute_signals([entry(3, "1"), entry(0, "2")], NOW).repeat_topic == "billing"
    assert compute_signals([entry(3, "1"), entry(0, "1")], NOW).repeat_topic is None
    assert compute_signals([entry(20, "1"), entry(0, "2")], NOW).repeat_topic is None   # > 14d
    assert compute_signals([entry(3, "1", topic="refund"), entry(0, "2")], NOW
                           ).repeat_topic is None


def test_contacts_count_tickets_in_each_window():
    signals = compute_signals([entry(25, "1"), entry(5, "2"), entry(1, "3"), entry(0, "3")], NOW)
    assert (signals.contacts_7d, signals.contacts_30d, signals.tickets) == (2, 3, 3)


def test_trend_compares_the_first_ticket_with_the_latest():
    assert compute_signals([entry(9, "1", 0.5), entry(0, "2", -0.4)], NOW).trend == "worsening"
    assert compute_signals([entry(9, "1", -0.5), entry(0, "2", 0.4)], NOW).trend == "improving"
    assert compute_signals([entry(0, "1", -0.5)], NOW).trend == "unknown"


def test_at_risk_needs_strong_cues_and_lists_its_reasons():
    calm = compute_signals([entry(9, "1", 0.2, topic="other"), entry(0, "2", 0.1,
                                                                       topic="other")], NOW)
    assert not calm.at_risk and calm.reasons == []
    churn = compute_signals([entry(0, "1", -0.6, flags=("churn_risk",))], NOW)
    assert churn.at_risk and churn.reasons == ["talked about leaving in the last 30 days"]
    vip = compute_signals([entry(9, "1", 0.5, vip=True), entry(0, "2", -0.5, vip=True)], NOW)
    assert "worsening_vip" in alert_conditions(vip, escalated=False)
    assert alert_conditions(calm, escalated=True) == ["escalation"]


RULES = {"mode": "assign", "rules": [
    {"when": {"topic": ["billing", "refund"], "vip": True}, "group": "VIP billing"},
    {"when": {"topic": "billing"}, "group": "Billing"},
    {"when": {"at_risk": True}, "group": "Retention"}]}


def test_first_matching_rule_wins():
    facts = routing.RouteFacts(topic="billing", language="en", urgency="normal")
    assert routing.match(RULES, facts).group == "Billing"
    assert routing.match(RULES, routing.RouteFacts("refund", "en", "high", vip=True)
                         ).group == "VIP billing"
    assert routing.match(RULES, routing.RouteFacts("other", "en", "low", at_risk=True)
                         ).rule_index == 2
    assert routing.match(RULES, routing.RouteFacts("other", "de", "low")) is None


@pytest.mark.parametrize("bad", [
    {"rules": [{"when": {"colour": "red"}, "group": "x"}]},
    {"rules": [{"when": {"topic": []}, "group": "x"}]},
    {"rules": [{"when": {}, "group": ""}]},
    {"mode": "auto"},
])
def test_bad_routing_settings_are_rejected(bad):
    with pytest.raises(ValidationError):
        routing.load_settings(bad)


def test_learned_suggestions_prefer_fewer_reopenings_then_faster_resolution():
    def solved(group, reopens, hours, topic="billing"):
        return routing.SolvedTicket(topic, "en", group, reopens, hours)
    tickets = ([solved("Billing", 0, 5)] * 4 + [solved("Tier 1", 1, 1)] * 6
               + [solved("Tier 1", 0, 2, topic="refund")] * 2)
    proposals = routing.suggest_rules(tickets)
    assert proposals == [{"when": {"topic": "billing", "language": "en"}, "group": "Billing",
                          "support": 4, "of": 10, "confidence": 0.4, "reopen_rate": 0.0,
                          "median_hours_to_resolve": 5}]     # refund: too little support


def test_bm25_ranks_the_matching_article_first_and_explains_why():
    index = recommend.Index([
        recommend.KnowledgeDoc("article", "1", "Resetting your password", "Use the reset link."),
        recommend.KnowledgeDoc("article", "2", "Refund timelines", "Refunds take ten days."),
        recommend.KnowledgeDoc("macro", "3", "Refund issued", "Your refund is on its way."),
    ])
    found = recommend.recommend(index, "Where is my refund? It has been days")
    assert [r.id for r in found][:2] in (["2", "3"], ["3", "2"])
    assert "refund" in found[0].why and "1" not in [r.id for r in found]
    boosted = recommend.recommend(index, "refund please", preferred=frozenset({"macro:3"}))
    assert boosted[0].id == "3" and "earlier ticket" in boosted[0].why
    assert recommend.recommend(index, "zzz qqq") == []


def test_why_names_the_customers_own_words_and_the_cli_shape_is_unchanged():
    index = recommend.Index([
        recommend.KnowledgeDoc("article", "1", "Duplicate charges", "A card charged twice."),
        recommend.KnowledgeDoc("macro", "2", "Refund issued", "Your refund is on its way."),
    ])
    [first, *_] = recommend.recommend(index, "You charged my card twice!",
                                      preferred=frozenset({"article:1"}))
    # The stems are "charg" and "twic"; the agent reads the words the customer wrote.
    assert set(first.matched) == {"charged", "card", "twice"}
    assert first.why.startswith("matched: ") and "charg," not in first.why
    assert first.boosted and "earlier ticket" in first.why
    assert set(first.to_dict()) == {"kind", "id", "title", "url", "score", "why"}
    stored = first.to_stored()
    assert stored["matched"] == list(first.matched) and stored["boosted"] is True
