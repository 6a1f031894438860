"""The Intercom permissions the app asks for are exactly those its calls need.

Every feature that talks to Intercom is run once against the sandbox workspace (install,
enrich with routing, knowledge refresh, learned routing, uninstall) while each request
the connector sends is recorded. Each recorded call must be one connectors.intercom.CALLS
names, each CALLS entry must have been made, and PERMISSIONS (which the Developer Hub
checklist in manifest/intercom/app.json repeats) must be exactly the permissions those
calls need: a new call without its permission, or a permission no call uses, fails here.
"""
from __future__ import annotations

import dataclasses
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests
from sqlalchemy import update

from connectors.intercom import CALLS, CONNECTOR, PERMISSIONS
from connectors.intercom.client import IntercomClient
from integration.pipeline import backfill, knowledge, process, routing_learn
from integration.runtime import processing
from integration.sandbox.core import load_vendors
from integration.store import installations
from integration.store.models import Event, Installation

SEGMENT = "[^/?]+"


def _pattern(template: str) -> re.Pattern:
    return re.compile("^" + re.escape(template).replace(re.escape("{}"), SEGMENT) + "$")


def _entry_for(method: str, path: str):
    for entry in CALLS:
        if entry[0] == method and _pattern(entry[1]).match(path.split("?")[0]):
            return entry
    return None


@pytest.fixture
def recorded(monkeypatch) -> list[tuple[str, str]]:
    """(method, path) of every request an IntercomClient sends."""
    calls: list[tuple[str, str]] = []
    original = IntercomClient.request

    def spy(self, method, path, **kwargs):
        calls.append((method, path))
        return original(self, method, path, **kwargs)
    monkeypatch.setattr(IntercomClient, "request", spy)
    return calls


def _sweep(app, db, sandbox) -> None:
    """Every Tactful feature that calls Intercom, once, against the sandbox workspace."""
    credentials = requests.post(f"{sandbox.base_url}/_sandbox/accounts", timeout=5,
                                json={"vendor": "intercom", "account": "perm"}).json()
    installation = load_vendors()["intercom"].install(app, sandbox.base_url, credentials,
                                                      "http://127.0.0.1:9")
    with db.session() as session:
        session.execute(update(Installation).where(Installation.id == installation).values(
            settings={"routing": {"mode": "assign", "rules": [
                {"when": {"topic": "billing"}, "group": "Billing"}]}}))
    base = f"{sandbox.base_url}/_sandbox/intercom/perm/tickets"
    solved_at = datetime.now(UTC) - timedelta(hours=1)
    requests.post(base, timeout=5, json={
        "subject": "Invoice", "body": "I was charged twice on my invoice.", "status": "solved",
        "group_id": 3001, "created_at": (solved_at - timedelta(hours=3)).isoformat(),
        "solved_at": solved_at.isoformat(), "requester": {"email": "old@example.org"}})
    ticket = requests.post(base, timeout=5, json={
        "subject": "Invoice", "body": "You charged my card twice for one invoice!",
        "requester": {"name": "Dana", "email": "dana@example.org"}}).json()["ticket_id"]

    rt = dataclasses.replace(processing(app), per_minute=1_000_000)
    with db.session() as session:
        event = Event(installation_id=installation, provider_event_id=uuid.uuid4().hex,
                      ticket_id=ticket, kind="created")
        session.add(event)
        session.flush()
        event_id = event.id
    with app.app_context():
        assert process.process_event(rt, event_id, "perm-sweep").status == "done"
        assert knowledge.refresh(rt.database, rt.keyring, installation) > 0
        ctx = installations.context_of(installations.fetch_row(db, installation),
                                       rt.keyring, db)
        learned = routing_learn.suggest(rt, ctx, backfill.parse_since("7d"), min_support=1)
        assert learned.read == 1 and learned.skipped == 0
        CONNECTOR.revoke(ctx)


def test_every_call_is_declared_made_and_permitted_by_exactly_the_listed_permissions(
        app, db, sandbox, recorded):
    _sweep(app, db, sandbox)
    undeclared = sorted({call for call in recorded if _entry_for(*call) is None})
    assert not undeclared, f"add these calls and their permissions to CALLS: {undeclared}"
    made = {_entry_for(*call) for call in recorded}
    unused = [entry[:2] for entry in CALLS if entry not in made]
    assert not unused, f"CALLS names calls no feature made (stale, or the sweep misses " \
                       f"a feature): {unused}"
    needed = {permission for entry in CALLS for permission in entry[2]}
    assert set(PERMISSIONS) == needed
    assert len(PERMISSIONS) == len(set(PERMISSIONS))


def test_recommendations_and_routing_need_articles_and_admins():
    """The two features this checklist grew for: articles for recommendations, and teams
    (under Read admins) plus the assignment (Write conversations) for routing."""
    assert _entry_for("GET", "/articles")[2] == ("Read and List articles",)
    assert _entry_for("GET", "/teams")[2] == ("Read admins",)
    assert _entry_for("POST", "/conversations/215/parts")[2] == ("Write conversations",)
    assert {"Read and List articles", "Read admins", "Write conversations"} <= set(PERMISSIONS)
