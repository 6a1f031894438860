"""From the pipeline to the sidebar: a ticket processed against the sandbox helpdesk shows, in
the agent's sidebar, the same recommendations its note lists, and the routed group as
assigned only when the connector really assigned it."""
from __future__ import annotations

import re

from integration.store import feedback
from integration.store.models import Installation
from tests.memory.conftest import (
    new_ticket,
    process_ticket,
    refresh_knowledge,
    set_settings,
    view,
)
from tests.memory.test_memory_pipeline import BILLING_1, ROUTING, _set_group_as_agent
from tests.sidebar.helpers import zendesk_headers


def sidebar_view(app, db, keyring, installation_id: str, ticket_id: str) -> dict:
    with db.session() as session:
        secret = feedback.sidebar_secret(session, keyring, session.get(Installation,
                                                                       installation_id))
    answer = app.test_client().get(f"/sidebar/zendesk/tickets/{ticket_id}",
                                   headers=zendesk_headers(secret, "acme"))
    assert answer.status_code == 200, answer.json
    return answer.json


def test_sidebar_shows_what_the_note_recommends_and_the_assigned_group(app, db, keyring, sandbox,
                                                                        vendor_install):
    installation, _ = vendor_install("zendesk")
    set_settings(db, installation, routing=ROUTING)
    refresh_knowledge(app, installation)
    ticket = new_ticket(sandbox, "zendesk", "acme", BILLING_1, email="dana@example.org")
    assert process_ticket(app, db, installation, ticket).status == "done"

    note = view(sandbox, "zendesk", "acme", ticket)["notes"][0]
    shown = sidebar_view(app, db, keyring, installation, ticket)
    titles = re.findall(r"^- \[(?:article|macro)\] (.+?) (?:https://\S+|\(id \d+\)) \(",
                        note.split("Suggested help (Tactful):")[1], flags=re.M)
    assert len(titles) == 3
    assert [r["title"] for r in shown["recommendations"]] == titles
    assert all(r["why"] and r["matched"] for r in shown["recommendations"])
    assert shown["routing"] == {"group": "Billing", "mode": "assign", "assigned": True,
                                "outcome": "assigned", "rule": 2}


def test_sidebar_keeps_a_humans_group_as_a_suggestion(app, db, keyring, sandbox, vendor_install):
    installation, _ = vendor_install("zendesk")
    set_settings(db, installation, routing=ROUTING)
    ticket = new_ticket(sandbox, "zendesk", "acme", BILLING_1, email="dana@example.org")
    _set_group_as_agent(sandbox, "zendesk", ticket)
    process_ticket(app, db, installation, ticket)
    routing = sidebar_view(app, db, keyring, installation, ticket)["routing"]
    assert (routing["group"], routing["assigned"], routing["outcome"]) == (
        "Billing", False, "kept_existing")


def test_a_group_the_helpdesk_does_not_have_stays_a_suggestion(app, db, keyring, sandbox,
                                                               vendor_install):
    installation, _ = vendor_install("zendesk")
    set_settings(db, installation, routing={"mode": "assign", "rules": [
        {"when": {"topic": "billing"}, "group": "Invoices team"}]})     # no such group
    ticket = new_ticket(sandbox, "zendesk", "acme", BILLING_1, email="dana@example.org")
    process_ticket(app, db, installation, ticket)
    assert view(sandbox, "zendesk", "acme", ticket)["group"] is None
    routing = sidebar_view(app, db, keyring, installation, ticket)["routing"]
    assert (routing["group"], routing["assigned"], routing["outcome"], routing["rule"]) == (
        "Invoices team", False, "unknown_group", 1)
