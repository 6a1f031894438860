"""A routing assignment that meets a busy vendor or a spent outbound budget is not lost:
it is queued as `tactful.routing.assign` and made later, within the budget. Before, the
assignment was dropped with a log line (seen in the demo: Zendesk's group stayed empty)."""
from __future__ import annotations

import dataclasses

import pytest
import requests

from connectors import registry
from integration.pipeline import memory, ratelimit
from integration.runtime import keyring, processing
from integration.store import installations
from tests.memory.conftest import new_ticket, view

BILLING_ZENDESK = 5001      # the sandbox's "Billing" group
BODY = "I was charged twice on my invoice this month and the bill is wrong."


def _context(app, db, installation_id: str):
    with db.session() as session:
        _, ctx = installations.load(session, keyring(app), installation_id, db)
    return ctx


def test_a_busy_vendor_defers_the_assignment_and_the_task_makes_it(app, db, sandbox,
                                                                     vendor_install):
    installation, _ = vendor_install("zendesk")
    ticket_id = new_ticket(sandbox, "zendesk", "acme", BODY, email="dana@example.org")
    ctx, connector = _context(app, db, installation), registry.get("zendesk")
    ticket = connector.fetch_ticket(ctx, ticket_id)
    requests.post(f"{sandbox.base_url}/_sandbox/faults", timeout=5, json={
        "vendor": "zendesk", "account": "acme", "fail_status": 503, "fail_count": 1})
    queued = []
    memory._assign(connector, ctx, ticket, "Billing", lambda *args: queued.append(args))
    assert queued == [(installation, ticket_id, "Billing", memory.ASSIGN_BACKOFF_S)]
    assert view(sandbox, "zendesk", "acme", ticket_id)["group"] is None

    with app.app_context():
        assert memory.assign_deferred(processing(app), installation, ticket_id,
                                      "Billing") == "assigned"
    assert view(sandbox, "zendesk", "acme", ticket_id)["group"] == BILLING_ZENDESK


def test_the_deferred_assignment_waits_for_the_budget(app, db, sandbox, vendor_install):
    """The task's work spends from the installation's budget like an event does: a spent
    budget raises its wait (the task retries after it) and writes nothing."""
    installation, _ = vendor_install("zendesk")
    ticket_id = new_ticket(sandbox, "zendesk", "acme", BODY, email="dana@example.org")
    with app.app_context():
        rt = dataclasses.replace(processing(app), per_minute=60)
        # Other tickets booked the whole burst and more: the next call must wait.
        rt.limiter.take(installation, 60, cost=ratelimit.burst_calls(60) + 2, reserve=True)
        with pytest.raises(ratelimit.BudgetSpent) as spent:
            memory.assign_deferred(rt, installation, ticket_id, "Billing")
    assert spent.value.retry_after > 0
    assert view(sandbox, "zendesk", "acme", ticket_id)["group"] is None
