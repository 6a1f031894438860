"""Console fixtures: an app with an admin token, a signed-in test client, and stored data."""
from __future__ import annotations

import dataclasses
import re

import pytest

from integration.store.models import Enrichment, Event, EventStatus, Installation

ADMIN_TOKEN = "console-test-admin-token"


@pytest.fixture
def console_app(app):
    app.config["TACTFUL"] = dataclasses.replace(app.config["TACTFUL"], admin_token=ADMIN_TOKEN)
    return app


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture
def admin(console_app):
    """A test client signed in as the admin, with .csrf for forms."""
    client = console_app.test_client()
    token = csrf_of(client.get("/console/login").get_data(as_text=True))
    answer = client.post("/console/login", data={"token": ADMIN_TOKEN, "csrf_token": token})
    assert answer.status_code == 302
    client.csrf = csrf_of(client.get("/console/installations").get_data(as_text=True))
    return client


ANALYSIS = {"language": "en", "sentiment": {"label": "negative", "score": -0.7,
                                            "confidence": 0.9},
            "emotions": {"anger": 0.8, "frustration": 0.6}, "detected": ["anger"],
            "evidence": {"anger": ["absolutely furious"]}, "urgency": "high",
            "flags": {"churn_risk": True}, "topic": "billing", "priority": "urgent",
            "reasons": ["strong anger (0.80)", "high urgency"], "tags": ["tactful_angry"],
            "escalate": True, "custom_fields": {}}


@pytest.fixture
def stored(db):
    """Two installations; A has a done event with its enrichment and a failed one."""
    with db.session() as session:
        session.add_all([Installation(id="in_a", provider="zendesk", account="acme-a",
                                      settings={}, remote={}),
                         Installation(id="in_b", provider="zendesk", account="beta-b",
                                      settings={}, remote={})])
    with db.session() as session:
        done = Event(installation_id="in_a", provider_event_id="e1", ticket_id="101",
                     kind="created", status=EventStatus.DONE, attempts=1)
        failed = Event(installation_id="in_a", provider_event_id="e2", ticket_id="102",
                       kind="created", status=EventStatus.FAILED, attempts=8,
                       last_error="HostError: zendesk GET /tickets/102 -> 503")
        other = Event(installation_id="in_b", provider_event_id="e3", ticket_id="201",
                      kind="created", status=EventStatus.DONE, attempts=1)
        session.add_all([done, failed, other])
        session.flush()
        session.add(Enrichment(event_id=done.id, installation_id="in_a", ticket_id="101",
                               analyzer_version="t", analysis=ANALYSIS, timings_ms={"a": 1},
                               message="I am absolutely furious, I was charged twice!",
                               written={"tags": ["tactful_angry"], "priority": "urgent",
                                        "fields": {"sentiment": "negative"}, "note": True,
                                        "note_text": "Tactful note: acknowledge the charge",
                                        "reply": None, "already_applied": False}))
        return {"done": done.id, "failed": failed.id, "other": other.id}


# The end-to-end fixtures (a live receiver and a sandbox install) come from tests/e2e.
from tests.e2e.conftest import installed, tactful_url  # noqa: E402, F401
