"""Predictive routing: rules that name a helpdesk group, and suggestions learned from
solved tickets. Pure: facts in, a group name or id out.

Settings (section "routing", validated by RoutingSettingsSchema; unknown keys rejected):
- mode: "suggest" (default) writes the proposed group into the note only; "assign" also
  assigns it through the connector (never over a group a human already set).
- rules: [{"when": {"topic", "language", "urgency", "vip", "at_risk"}, "group": "..."}];
  the first rule whose every condition holds wins. A string condition may be a list
  (any of).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from marshmallow import RAISE, Schema, ValidationError, fields, validate

MODES = ("suggest", "assign")
_TEXT_KEYS = ("topic", "language", "urgency")


class _OneOrMany(fields.Field):
    def _deserialize(self, value, attr, data, **kwargs):
        items = value if isinstance(value, list) else [value]
        if not items or not all(isinstance(v, str) and 0 < len(v) <= 64 for v in items):
            raise ValidationError("a string or a non-empty list of strings (1-64 chars)")
        return items


class WhenSchema(Schema):
    class Meta:
        unknown = RAISE

    topic = _OneOrMany()
    language = _OneOrMany()
    urgency = _OneOrMany()
    vip = fields.Bool()
    at_risk = fields.Bool()


class RuleSchema(Schema):
    class Meta:
        unknown = RAISE

    when = fields.Nested(WhenSchema, required=True)
    group = fields.Str(required=True, validate=validate.Length(min=1, max=255))


class RoutingSettingsSchema(Schema):
    class Meta:
        unknown = RAISE

    mode = fields.Str(load_default="suggest", validate=validate.OneOf(MODES))
    rules = fields.List(fields.Nested(RuleSchema), load_default=list,
                        validate=validate.Length(max=200))


_SETTINGS = RoutingSettingsSchema()


@dataclass(frozen=True)
class RouteFacts:
    topic: str
    language: str
    urgency: str
    vip: bool = False
    at_risk: bool = False


@dataclass(frozen=True)
class Route:
    group: str
    mode: str
    rule_index: int

    def to_dict(self) -> dict:
        return asdict(self)


def load_settings(settings: dict | None) -> dict:
    return _SETTINGS.load(settings or {})


def match(settings: dict | None, facts: RouteFacts) -> Route | None:
    """The first rule that matches, or None (no rules: no routing)."""
    resolved = load_settings(settings)
    for index, rule in enumerate(resolved["rules"]):
        if _holds(rule["when"], facts):
            return Route(rule["group"], resolved["mode"], index)
    return None


def _holds(when: dict, facts: RouteFacts) -> bool:
    for key in _TEXT_KEYS:
        if key in when and getattr(facts, key) not in when[key]:
            return False
    return all(getattr(facts, key) == when[key] for key in ("vip", "at_risk") if key in when)


def note_line(route: Route | None) -> str:
    if route is None:
        return ""
    verb = "Assigned to" if route.mode == "assign" else "Suggested group"
    return f"Routing (Tactful): {verb} {route.group} (rule {route.rule_index + 1})."


@dataclass(frozen=True)
class SolvedTicket:
    """A solved ticket as the learner sees it."""

    topic: str
    language: str
    group: str
    reopens: int
    hours_to_resolve: float


def suggest_rules(solved: list[SolvedTicket], min_support: int = 3) -> list[dict]:
    """For each (topic, language), the group that solved it with the fewest reopenings and
    the shortest resolution, as proposed rules with support counts and a confidence."""
    by_key: dict[tuple[str, str], dict[str, list[SolvedTicket]]] = {}
    for ticket in solved:
        by_key.setdefault((ticket.topic, ticket.language), {}).setdefault(
            ticket.group, []).append(ticket)
    proposals = []
    for (topic, language), groups in sorted(by_key.items()):
        total = sum(len(t) for t in groups.values())
        ranked = sorted(groups.items(), key=lambda item: _group_cost(item[1]))
        group, tickets = ranked[0]
        if len(tickets) < min_support:
            continue
        proposals.append({
            "when": {"topic": topic, "language": language}, "group": group,
            "support": len(tickets), "of": total,
            "confidence": round(len(tickets) / total, 2),
            "reopen_rate": round(sum(t.reopens > 0 for t in tickets) / len(tickets), 2),
            "median_hours_to_resolve": _median([t.hours_to_resolve for t in tickets])})
    return proposals


def _group_cost(tickets: list[SolvedTicket]) -> tuple[float, float, int]:
    reopen_rate = sum(t.reopens > 0 for t in tickets) / len(tickets)
    return (round(reopen_rate, 2), _median([t.hours_to_resolve for t in tickets]), -len(tickets))


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return round(ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2, 2)
