"""Customer memory signals: what a requester's earlier messages say about this one.

Pure: takes a timeline (labels of earlier analysed messages, never their text) and
the current message's labels, and returns counts, the cross-ticket sentiment trend,
repeated contact about one topic across tickets, and an at-risk score with reasons.

Settings (section "memory", validated by MemorySettingsSchema; unknown keys rejected):
- repeat_topic_days (default 14): the same topic on another ticket within this many days
  counts as repeated contact.
- at_risk_threshold (default 0.5): score at or above which the customer is at risk.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from marshmallow import RAISE, Schema, fields, validate

# How much each cue adds to the at-risk score (capped at 1.0). Churn talk alone is
# enough; a worsening trend or repeated contact needs a second cue.
_WEIGHTS = {"churn": 0.5, "worsening": 0.3, "escalations": 0.25, "repeat_topic": 0.3,
            "frequent": 0.15}
_WORSENING_DROP = 0.25      # mean sentiment drop between the first and last ticket
_FREQUENT_30D = 4           # contacts in 30 days that count as unusually many
_NEUTRAL_TOPICS = ("other", "praise")


class MemorySettingsSchema(Schema):
    class Meta:
        unknown = RAISE

    repeat_topic_days = fields.Integer(load_default=14, validate=validate.Range(1, 365))
    at_risk_threshold = fields.Float(load_default=0.5, validate=validate.Range(0.0, 1.0))


_SETTINGS = MemorySettingsSchema()


@dataclass(frozen=True)
class TimelineEntry:
    """One analysed message, as memory keeps it."""

    at: datetime
    ticket_id: str
    sentiment: float                    # -1 .. 1
    topic: str
    urgency: str = "normal"
    emotions: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()         # names of the flags that fired
    escalated: bool = False
    vip: bool = False

    @property
    def resolved(self) -> bool:
        """The resolution memory knows of: the customer said the problem is solved."""
        return "resolved" in self.flags

    def to_dict(self) -> dict:
        out = asdict(self)
        out["at"] = self.at.isoformat()
        out["emotions"], out["flags"] = list(self.emotions), list(self.flags)
        out["resolved"] = self.resolved
        return out


@dataclass(frozen=True)
class CustomerSignals:
    contacts_7d: int = 0
    contacts_30d: int = 0
    tickets: int = 0
    repeat_topic: str | None = None     # the topic raised again on another ticket
    trend: str = "unknown"              # improving / steady / worsening / unknown
    at_risk: bool = False
    at_risk_score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    vip: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


def load_settings(settings: dict | None) -> dict:
    return _SETTINGS.load(settings or {})


def compute_signals(timeline: list[TimelineEntry], now: datetime,
                    settings: dict | None = None) -> CustomerSignals:
    """Signals for the newest entry of `timeline` (which includes the current message)."""
    if not timeline:
        return CustomerSignals()
    resolved = load_settings(settings)
    entries = sorted(timeline, key=lambda e: e.at)
    current = entries[-1]
    repeat = _repeat_topic(entries, current, resolved["repeat_topic_days"])
    trend = _trend(entries)
    score, reasons = _at_risk(entries, now, repeat, trend)
    return CustomerSignals(
        contacts_7d=_contacts(entries, now, 7), contacts_30d=_contacts(entries, now, 30),
        tickets=len({e.ticket_id for e in entries}), repeat_topic=repeat, trend=trend,
        at_risk=score >= resolved["at_risk_threshold"], at_risk_score=round(score, 2),
        reasons=reasons, vip=any(e.vip for e in entries))


def _contacts(entries: list[TimelineEntry], now: datetime, days: int) -> int:
    """Tickets (not messages) opened or answered within `days`: one thread is one contact."""
    since = now - timedelta(days=days)
    return len({e.ticket_id for e in entries if e.at >= since})


def _repeat_topic(entries: list[TimelineEntry], current: TimelineEntry, days: int) -> str | None:
    """The current topic, when another ticket raised it within `days`: repeated contact
    *across* tickets (a follow-up on the same ticket is not a repeat)."""
    if current.topic in _NEUTRAL_TOPICS:
        return None
    since = current.at - timedelta(days=days)
    earlier = any(e.topic == current.topic and e.ticket_id != current.ticket_id
                  and e.at >= since for e in entries[:-1])
    return current.topic if earlier else None


def _trend(entries: list[TimelineEntry]) -> str:
    """Mean sentiment of the first ticket against the latest one."""
    by_ticket: dict[str, list[float]] = {}
    for entry in entries:
        by_ticket.setdefault(entry.ticket_id, []).append(entry.sentiment)
    if len(by_ticket) < 2:
        return "unknown"
    means = [sum(v) / len(v) for v in by_ticket.values()]   # insertion order = first seen
    change = means[-1] - means[0]
    if change <= -_WORSENING_DROP:
        return "worsening"
    if change >= _WORSENING_DROP:
        return "improving"
    return "steady"


def _at_risk(entries: list[TimelineEntry], now: datetime, repeat: str | None,
             trend: str) -> tuple[float, list[str]]:
    recent = [e for e in entries if e.at >= now - timedelta(days=30)]
    score, reasons = 0.0, []
    if any("churn_risk" in e.flags for e in recent):
        score += _WEIGHTS["churn"]
        reasons.append("talked about leaving in the last 30 days")
    if trend == "worsening":
        score += _WEIGHTS["worsening"]
        reasons.append("sentiment worsening across tickets")
    escalations = sum(1 for e in recent if e.escalated)
    if escalations:
        score += min(_WEIGHTS["escalations"] * escalations, 0.5)
        reasons.append(f"{escalations} escalated message(s) in the last 30 days")
    if repeat:
        score += _WEIGHTS["repeat_topic"]
        reasons.append(f"contacted us again about {repeat.replace('_', ' ')}")
    tickets_30d = len({e.ticket_id for e in recent})
    if tickets_30d >= _FREQUENT_30D:
        score += _WEIGHTS["frequent"]
        reasons.append(f"{tickets_30d} tickets in the last 30 days")
    return min(score, 1.0), reasons


def alert_conditions(signals: CustomerSignals, escalated: bool) -> list[str]:
    """Which alert conditions this message meets (escalation, at_risk, worsening_vip)."""
    conditions = []
    if escalated:
        conditions.append("escalation")
    if signals.at_risk:
        conditions.append("at_risk")
    if signals.vip and signals.trend == "worsening":
        conditions.append("worsening_vip")
    return conditions
