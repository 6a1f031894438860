"""Learned routing: read the installation's solved tickets through the backfill path and
propose, per (topic, language), the group that solves them best; accept proposals into
`routing.rules` only when an admin says so.

Every vendor call (listing pages and per-ticket reads) spends from the installation's
outbound budget; a spent budget or a vendor 429 is waited out through `wait`, never a
failure. Topic and language come from Tactful's own earliest enrichment of the ticket
when there is one (what routing would have matched on), else from analysing the
customer's first message with the pure analyzer.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from marshmallow import ValidationError
from sqlalchemy import select

from connectors import registry
from connectors.base import InstallationContext, SolvedFacts
from connectors.errors import RateLimited
from integration.domain import routing
from integration.domain.analysis import analyze
from integration.pipeline import backfill, ratelimit
from integration.store.db import Database
from integration.store.models import Enrichment, Installation

DEFAULT_LIMIT = 500             # solved tickets read per run: bounds the calls it costs
# Keys suggest() adds for the admin to judge by; accept() drops them before validating.
REPORT_KEYS = ("support", "of", "confidence", "reopen_rate", "median_hours_to_resolve")


class LearnError(ValueError):
    """The installation cannot learn (its connector reads no solved-ticket facts)."""


@dataclass
class Learned:
    rules: list[dict]
    read: int                   # solved tickets read
    skipped: int                # no group, or no solve time


def suggest(rt, ctx: InstallationContext, since: datetime, *, limit: int = DEFAULT_LIMIT,
            min_support: int = 3, wait: Callable[[float], None] = time.sleep) -> Learned:
    connector = registry.get(ctx.provider)
    if not hasattr(connector, "solved_facts"):
        raise LearnError(f"{ctx.provider} does not report solved-ticket facts yet")
    facts = list(_solved(rt, ctx, connector, since, limit, wait))
    known = _enriched_labels(rt.database, ctx.id, [f.ticket_id for f in facts])
    solved, skipped = [], 0
    for fact in facts:
        if not fact.group_id or fact.solved_at is None:
            skipped += 1
            continue
        topic, language = known.get(fact.ticket_id) or _analysed(fact, ctx.settings)
        hours = max(0.0, (fact.solved_at - fact.created_at).total_seconds() / 3600)
        solved.append(routing.SolvedTicket(topic, language, fact.group_id, fact.reopens, hours))
    return Learned(routing.suggest_rules(solved, min_support=min_support), len(facts), skipped)


# Solved tickets close on their own after a few days (Zendesk's automation, most
# Freshdesk accounts), so both listings are read. A connector whose vendor has one
# state for both (Intercom: closed) says so in `solved_statuses`.
SOLVED_STATUSES = ("solved", "closed")


def _solved(rt, ctx, connector, since, limit, wait):
    count, seen = 0, set()
    for status in getattr(connector, "solved_statuses", SOLVED_STATUSES):
        cursor = None
        while True:
            page = _paid(rt, ctx, wait, lambda c=cursor, s=status: backfill.fetch_page(
                rt, ctx, since, s, c))
            for listed in page.tickets:
                if listed.ticket_id in seen:
                    continue
                if count >= limit:
                    return
                count += 1
                seen.add(listed.ticket_id)
                yield _paid(rt, ctx, wait,
                            lambda t=listed.ticket_id: _facts(rt, ctx, connector, t))
            cursor = page.next_cursor
            if cursor is None:
                break


def _facts(rt, ctx, connector, ticket_id: str) -> SolvedFacts:
    per_minute = int(ctx.settings.get("rate_limit_per_minute") or rt.per_minute)
    with ratelimit.budget(rt.limiter, ctx.id, per_minute):
        return connector.solved_facts(ctx, ticket_id)


def _paid(rt, ctx, wait, call):
    """Run a budgeted call, waiting out a spent budget or a vendor 429."""
    while True:
        try:
            return call()
        except RateLimited as exc:
            wait(max(0.5, exc.retry_after))


def _enriched_labels(database: Database, installation_id: str,
                     ticket_ids: list[str]) -> dict[str, tuple[str, str]]:
    """(topic, language) of Tactful's first enrichment of each ticket, where there is one."""
    found: dict[str, tuple[str, str]] = {}
    with database.session() as session:
        for start in range(0, len(ticket_ids), 500):
            rows = session.execute(
                select(Enrichment.ticket_id, Enrichment.analysis)
                .where(Enrichment.installation_id == installation_id,
                       Enrichment.ticket_id.in_(ticket_ids[start:start + 500]))
                .order_by(Enrichment.created_at, Enrichment.id))
            for ticket_id, analysis in rows:
                if ticket_id not in found and analysis.get("topic"):
                    found[ticket_id] = (analysis["topic"], analysis.get("language") or "und")
    return found


def _analysed(fact: SolvedFacts, settings: dict) -> tuple[str, str]:
    analysis = analyze(fact.first_message, (settings or {}).get("analysis"))
    return analysis.topic, analysis.language


def accept(database: Database, installation_id: str, proposals: list) -> dict:
    """Append proposals to the installation's routing.rules (after the rules already there,
    skipping exact duplicates); returns the new routing section. Raises
    marshmallow.ValidationError on a bad rule, LookupError on an unknown installation."""
    if not isinstance(proposals, list) or not proposals:
        raise ValidationError({"rules": ["a non-empty list of rules"]})
    rules = [routing.RuleSchema().load(_rule_only(p, i)) for i, p in enumerate(proposals)]
    with database.session() as session:
        row = session.get(Installation, installation_id)
        if row is None:
            raise LookupError(installation_id)
        current = dict(row.settings or {})
        section = routing.load_settings(current.get("routing"))
        section["rules"] += [r for r in rules if r not in section["rules"]]
        current["routing"] = routing.RoutingSettingsSchema().load(section)
        row.settings = current
        return current["routing"]


def _rule_only(proposal, index: int) -> dict:
    if not isinstance(proposal, dict):
        raise ValidationError({index: ["a rule must be a JSON object"]})
    return {k: v for k, v in proposal.items() if k not in REPORT_KEYS}
