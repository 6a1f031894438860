"""Through the real pipeline: an agent undoes our tag and priority in (sandbox) Zendesk;
the customer's next reply makes Tactful fetch the ticket again, and the edits become
feedback that `accuracy` counts."""
from __future__ import annotations

import requests

from integration.pipeline import process
from integration.runtime import processing
from integration.store import feedback
from integration.store.models import EventStatus
from tests.e2e.conftest import events_of, installed, sample, sandbox_call, tactful_url, wait_until

__all__ = ["installed", "tactful_url"]     # fixtures shared with the end-to-end tests


def process_all(app, db, ticket_id: str) -> None:
    wait_until(lambda: events_of(db, ticket_id), what="the webhook to be stored")
    for event in events_of(db, ticket_id):
        if event.status not in EventStatus.FINAL:
            process.process_event(processing(app), event.id, f"test-{event.id}")


def test_undoing_edits_are_recorded_from_the_next_fetch(app, db, sandbox, installed):
    ticket_id = sandbox_call(sandbox, "POST", "/zendesk/acme/tickets",
                             **sample("angry"))["ticket_id"]
    process_all(app, db, ticket_id)
    view = sandbox_call(sandbox, "GET", f"/zendesk/acme/tickets/{ticket_id}")
    assert "tactful_sentiment_negative" in view["tags"] and view["priority"] in ("high", "urgent")

    # The agent removes our sentiment tag and lowers the priority (as the agent's own user).
    kept = [t for t in view["tags"] if t != "tactful_sentiment_negative"]
    edited = requests.put(
        f"{sandbox.base_url}{installed['api_base_path']}/api/v2/tickets/{ticket_id}",
        json={"ticket": {"tags": kept, "priority": "low"}}, timeout=5,
        auth=(f"{installed['email']}/token", installed["api_token"]))
    assert edited.status_code == 200, edited.text
    sandbox_call(sandbox, "POST", f"/zendesk/acme/tickets/{ticket_id}/replies",
                 body="Still nothing. Where is my money?")
    wait_until(lambda: len(events_of(db, ticket_id)) >= 2, what="the reply's webhook")
    process_all(app, db, ticket_id)

    with db.session() as session:
        rows = {r.label: r for r in feedback.accuracy(session, installed["installation_id"])}
    assert rows["sentiment"].tag_removed == 1
    assert rows["priority"].priority_changed == 1
    assert rows["emotions"].tag_removed == 0        # the tags the agent kept count for nothing
