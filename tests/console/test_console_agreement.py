"""Trends: agreement with agent feedback per label, from stored feedback rows."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from integration.store.models import AgentFeedback, Enrichment, FeedbackVerdict, utcnow

V = FeedbackVerdict


def _feedback(session, installation_id, enrichment_id, label, verdict, n, *, age_days=0):
    for i in range(n):
        session.add(AgentFeedback(
            installation_id=installation_id, ticket_id="101", enrichment_id=enrichment_id,
            label=label, value="x", verdict=verdict, agent_id=f"agent{i}",
            dedup_key=f"t:{installation_id}:{label}:{verdict}:{i}:{age_days}",
            created_at=utcnow() - timedelta(days=age_days)))


@pytest.fixture
def judged(db, stored):
    with db.session() as session:
        enrichment = session.scalar(select(Enrichment.id).where(
            Enrichment.installation_id == "in_a"))
        _feedback(session, "in_a", enrichment, "sentiment", V.AGREE, 3)
        _feedback(session, "in_a", enrichment, "sentiment", V.WRONG, 1)
        _feedback(session, "in_a", enrichment, "priority", V.AGREE, 1)
        _feedback(session, "in_a", enrichment, "priority", V.PRIORITY_CHANGED, 1)
        _feedback(session, "in_a", enrichment, "topic", V.TAG_REMOVED, 2)
        # Outside a 7-day window, and another installation's: neither may count.
        _feedback(session, "in_a", enrichment, "urgency", V.WRONG, 4, age_days=20)
        _feedback(session, "in_b", None, "sentiment", V.WRONG, 5)
    return stored


def _row(html: str, label: str) -> list[str]:
    match = re.search(rf"<tr><td>{label}</td>(.*?)</tr>", html, re.S)
    assert match, label
    return [re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td>(.*?)</td>", match.group(1), re.S)]


def test_trends_chart_and_table_the_agreement_per_label(admin, judged):
    html = admin.get("/console/installations/in_a/trends?days=7").get_data(as_text=True)
    chart = html[html.index('id="agreement"'):]
    assert "Agreement with agent feedback per label (%)" in chart
    # The SVG bars carry the rate as text: 75 % for sentiment, 50 % for priority, 0 for topic.
    svg = chart[chart.index("<svg"):chart.index("</svg>")]
    assert re.search(r">sentiment</text>.*?>75</text>", svg, re.S)
    assert re.search(r">priority</text>.*?>50</text>", svg, re.S)
    assert re.search(r">topic</text>.*?>0</text>", svg, re.S)
    assert ">urgency</text>" not in svg          # its only feedback is outside the window
    # Label, rate, shown, agreed, said wrong, tag removed, priority changed.
    assert _row(chart, "sentiment") == ["75.0%", "1", "3", "1", "0", "0"]
    assert _row(chart, "priority") == ["50.0%", "1", "1", "0", "0", "1"]
    assert _row(chart, "topic") == ["0.0%", "1", "0", "0", "2", "0"]
    assert _row(chart, "urgency") == ["no feedback", "1", "0", "0", "0", "0"]


def test_a_wider_window_counts_the_older_feedback(admin, judged):
    html = admin.get("/console/installations/in_a/trends?days=30").get_data(as_text=True)
    assert _row(html[html.index('id="agreement"'):], "urgency") == \
        ["0.0%", "1", "0", "4", "0", "0"]


def test_another_installations_feedback_stays_out(admin, judged):
    html = admin.get("/console/installations/in_b/trends").get_data(as_text=True)
    chart = html[html.index('id="agreement"'):]
    assert _row(chart, "sentiment") == ["0.0%", "0", "0", "5", "0", "0"]
    assert _row(chart, "priority")[0] == "no feedback"
