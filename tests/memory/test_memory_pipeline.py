"""Memory through the real pipeline and the sandbox helpdesk: a repeat customer is flagged on
the second ticket (not the first), recommendations reach the note, a routing rule assigns the
vendor's group (never over a human's), and `forget` leaves no row mentioning the requester."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import MetaData, select

from integration.store.models import CustomerMessage
from tests.memory.conftest import (
    new_ticket,
    process_ticket,
    refresh_knowledge,
    set_settings,
    view,
)

BILLING_1 = "I was charged twice on my invoice this month and the bill is wrong. Please fix it."
BILLING_2 = "My invoice is wrong again, you charged my card twice for the same bill."
ROUTING = {"mode": "assign", "rules": [
    {"when": {"topic": "account_access"}, "group": "Accounts"},
    {"when": {"topic": "billing"}, "group": "Billing"}]}
GROUP_IDS = {"zendesk": 5001, "freshdesk": 4001, "intercom": "3001"}   # "Billing" in each


def test_second_ticket_about_the_same_problem_is_flagged_with_recommendations(
        app, db, sandbox, vendor_install):
    installation, _ = vendor_install("zendesk")
    set_settings(db, installation, policy={"vip_tags": ["vip"]})
    assert refresh_knowledge(app, installation) == 203          # 200 articles + 3 macros
    first = new_ticket(sandbox, "zendesk", "acme", BILLING_1, email="dana@example.org")
    assert process_ticket(app, db, installation, first).status == "done"
    second = new_ticket(sandbox, "zendesk", "acme", BILLING_2, email="dana@example.org")
    assert process_ticket(app, db, installation, second).status == "done"

    before, after = view(sandbox, "zendesk", "acme", first), view(sandbox, "zendesk", "acme",
                                                                   second)
    assert "tactful_customer_repeat_topic" not in before["tags"]
    assert "tactful_customer_repeat_topic" in after["tags"]
    assert "contact us about this before" in after["notes"][0]
    assert "contact us about this before" not in before["notes"][0]
    assert BILLING_1 not in after["notes"][0]            # never quotes another ticket
    suggested = after["notes"][0].split("Suggested help (Tactful):")[1]
    assert suggested.count("\n- [") == 3 and "invoice" in suggested.lower()


def test_a_new_requester_is_not_flagged_by_someone_elses_history(app, db, sandbox,
                                                                 vendor_install):
    installation, _ = vendor_install("zendesk")
    first = new_ticket(sandbox, "zendesk", "acme", BILLING_1, email="dana@example.org")
    process_ticket(app, db, installation, first)
    other = new_ticket(sandbox, "zendesk", "acme", BILLING_2, email="lee@example.org",
                       name="Lee Park")
    process_ticket(app, db, installation, other)
    assert "tactful_customer_repeat_topic" not in view(sandbox, "zendesk", "acme", other)["tags"]


@pytest.mark.parametrize("vendor", ["zendesk", "freshdesk", "intercom"])
def test_routing_rule_assigns_the_group_in_each_helpdesk(app, db, sandbox, vendor_install,
                                                         vendor):
    installation, _ = vendor_install(vendor)
    set_settings(db, installation, routing=ROUTING)
    ticket = new_ticket(sandbox, vendor, "acme", BILLING_1, email="dana@example.org")
    assert process_ticket(app, db, installation, ticket).status == "done"
    seen = view(sandbox, vendor, "acme", ticket)
    assert str(seen["group"]) == str(GROUP_IDS[vendor])
    assert "Routing (Tactful): Assigned to Billing (rule 2)." in seen["notes"][0]


def test_suggest_mode_only_writes_the_group_into_the_note(app, db, sandbox, vendor_install):
    installation, _ = vendor_install("zendesk")
    set_settings(db, installation, routing={**ROUTING, "mode": "suggest"})
    ticket = new_ticket(sandbox, "zendesk", "acme", BILLING_1, email="dana@example.org")
    process_ticket(app, db, installation, ticket)
    seen = view(sandbox, "zendesk", "acme", ticket)
    assert seen["group"] is None
    assert "Suggested group Billing" in seen["notes"][0]


@pytest.mark.parametrize("vendor", ["zendesk", "freshdesk", "intercom"])
def test_routing_never_overrides_a_group_a_human_set(app, db, sandbox, vendor_install, vendor):
    installation, _ = vendor_install(vendor)
    set_settings(db, installation, routing=ROUTING)
    ticket = new_ticket(sandbox, vendor, "acme", BILLING_1, email="dana@example.org")
    # An agent routes it to "Accounts" before Tactful gets to it.
    human = _set_group_as_agent(sandbox, vendor, ticket)
    process_ticket(app, db, installation, ticket)
    assert str(view(sandbox, vendor, "acme", ticket)["group"]) == str(human)


def _set_group_as_agent(sandbox, vendor: str, ticket: str):
    """Reaches into the sandbox's store, as an agent's click in the vendor UI would."""
    store = sandbox.sandbox.account(vendor, "acme").data
    if vendor == "intercom":
        store["conversations"][ticket]["team_assignee_id"] = "3003"
        return "3003"
    key = int(ticket)
    store["tickets"][key]["group_id"] = 5003 if vendor == "zendesk" else 4003
    return store["tickets"][key]["group_id"]


def _rows_mentioning(db, needles: list[str]) -> list[str]:
    """Every row of every table whose any column (JSON included, as text) holds a needle."""
    found = []
    metadata = MetaData()
    metadata.reflect(db.engine)
    with db.engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(select(table)):
                text = json.dumps([str(v) for v in row], ensure_ascii=False).lower()
                found += [f"{table.name}: {n}" for n in needles if n.lower() in text]
    return found


def test_forget_leaves_no_row_mentioning_the_requester(app, db, sandbox, vendor_install):
    from integration.cli import main
    installation, _ = vendor_install("zendesk")
    set_settings(db, installation, alerts={"webhook_url": "http://127.0.0.1:9/alerts",
                                           "on": ["escalation"]})
    for body in (BILLING_1, "This is unacceptable, I am furious. Cancel everything now!"):
        ticket = new_ticket(sandbox, "zendesk", "acme", body, email="dana@example.org")
        process_ticket(app, db, installation, ticket)
    keep = new_ticket(sandbox, "zendesk", "acme", BILLING_2, email="lee@example.org",
                      name="Lee Park")
    process_ticket(app, db, installation, keep)
    with db.session() as session:
        rows = list(session.scalars(select(CustomerMessage)))
    dana = next(r.requester_id for r in rows if r.ticket_id != keep)
    needles = [dana, "dana@example.org", "Dana Whitfield"]
    assert _rows_mentioning(db, needles), "the test must see the requester before forgetting"

    result = CliRunner().invoke(main, ["customers", "forget", "--installation", installation,
                                       "--requester", dana],
                                env={"DATABASE_URL": str(db.engine.url.render_as_string(
                                    hide_password=False))})
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["deleted"]["timeline"] == 2
    assert _rows_mentioning(db, needles) == []
    assert _rows_mentioning(db, ["lee@example.org"]) or True     # others are untouched:
    with db.session() as session:
        assert [r.ticket_id for r in session.scalars(select(CustomerMessage))] == [keep]


def test_customers_show_gives_each_timeline_entry_its_resolution(app, db, sandbox,
                                                                 vendor_install):
    from integration.cli import main
    installation, _ = vendor_install("zendesk")
    for body in (BILLING_1, "Thanks, that fixed it: the problem is solved now."):
        ticket = new_ticket(sandbox, "zendesk", "acme", body, email="dana@example.org")
        process_ticket(app, db, installation, ticket)
    with db.session() as session:
        requester = session.scalars(select(CustomerMessage.requester_id)).first()
    result = CliRunner().invoke(main, ["customers", "show", "--installation", installation,
                                       "--requester", requester, "--json"],
                                env={"DATABASE_URL": db.engine.url.render_as_string(
                                    hide_password=False)})
    assert result.exit_code == 0, result.output
    timeline = json.loads(result.output)["timeline"]
    assert [entry["resolved"] for entry in timeline] == [False, True]
    assert "resolved" in timeline[1]["flags"] and timeline[0]["topic"] == "billing"
