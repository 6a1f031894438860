"""Trends per installation from the stored enrichments, drawn as server-side SVG."""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta

from flask import Blueprint, abort, render_template, request
from markupsafe import Markup
from sqlalchemy import select

from integration.runtime import database
from integration.store import feedback
from integration.store.models import Enrichment, Installation, utcnow
from integration.web import console_auth as auth
from integration.web import svg

bp = Blueprint("console_trends", __name__, url_prefix="/console", template_folder="templates")
MAX_ROWS = 20_000
TOP_TOPICS = 8


def trend_data(installation_id: str, days: int) -> dict:
    """Per-day sentiment and emotion averages, escalations per day, and top topics."""
    since = (utcnow() - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0,
                                                         microsecond=0)
    with database().session() as session:
        rows = session.execute(select(Enrichment.created_at, Enrichment.analysis).where(
            Enrichment.installation_id == installation_id, Enrichment.created_at >= since)
            .order_by(Enrichment.created_at).limit(MAX_ROWS)).all()
    labels = [(since + timedelta(days=i)).date().isoformat() for i in range(days)]
    per_day: dict[str, list[dict]] = defaultdict(list)
    for created_at, analysis in rows:
        per_day[created_at.date().isoformat()].append(analysis or {})
    topics = Counter((a.get("topic") or "other") for _, a in rows)
    emotions = sorted({name for _, a in rows for name in (a.get("emotions") or {})})
    return {
        "labels": labels, "count": len(rows),
        "sentiment": [_mean([(a.get("sentiment") or {}).get("score") for a in per_day[d]])
                      for d in labels],
        "emotions": {name: [_mean([(a.get("emotions") or {}).get(name) for a in per_day[d]])
                            for d in labels] for name in emotions},
        "escalations": [sum(1 for a in per_day[d] if a.get("escalate")) for d in labels],
        "topics": topics.most_common(TOP_TOPICS),
    }


def agreement_data(installation_id: str, days: int) -> dict:
    """Agent feedback per label over the same window (store.feedback.accuracy_report)."""
    since = utcnow() - timedelta(days=days)
    with database().session() as session:
        return feedback.accuracy_report(session, installation_id, since)


def agreement_chart(report: dict) -> str:
    """Agreement in percent per label; a label nobody judged yet draws no bar."""
    rates = [(row["label"], round(100 * row["agreement_rate"], 1))
             for row in report["labels"] if row["agreement_rate"] is not None]
    return svg.ranking_chart("Agreement with agent feedback per label (%)", rates)


def _mean(values) -> float | None:
    present = [float(v) for v in values if isinstance(v, int | float)]
    return round(sum(present) / len(present), 3) if present else None


@bp.get("/installations/<installation_id>/trends")
@auth.require_session
def trends_page(installation_id: str):
    """Sentiment, emotions, escalations, top topics and agreement with agent feedback.
    ---
    get:
      tags: [console]
      summary: Trends page for one installation
      parameters:
      - {in: path, name: installation_id, required: true, schema: {type: string}}
      - {in: query, name: days, schema: {type: integer, minimum: 1, maximum: 365, default: 30}}
      responses:
        200:
          description: HTML page with SVG charts
          content: {text/html: {schema: {type: string}}}
        400: {description: days out of range}
        404: {description: No such installation (or not this session's)}
    """
    days = request.args.get("days", "30")
    if not days.isdigit() or not 1 <= int(days) <= 365:
        abort(400, description="days must be a whole number from 1 to 365")
    if not auth.may_see(installation_id):
        abort(404, description="no such installation")
    with database().session() as session:
        row = session.get(Installation, installation_id) or abort(404, "no such installation")
        session.expunge(row)
    data = trend_data(installation_id, int(days))
    short = [day[5:] for day in data["labels"]]   # MM-DD: ten ISO dates would overlap
    charts = {
        "sentiment": svg.line_chart("Average sentiment per day (-1 to 1)", short,
                                    {"sentiment": data["sentiment"]}, -1, 1),
        "emotions": svg.line_chart("Average emotion scores per day (0 to 1)", short,
                                   data["emotions"], 0, 1),
        "escalations": svg.bar_chart("Escalations per day", short,
                                     data["escalations"]),
        "topics": svg.ranking_chart("Top topics", data["topics"]),
    }
    agreement = agreement_data(installation_id, int(days))
    charts["agreement"] = agreement_chart(agreement)
    return render_template("console/trends.html", row=row, data=data, days=int(days),
                           agreement=agreement["labels"],
                           charts={k: Markup(v) for k, v in charts.items()})
