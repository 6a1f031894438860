"""Uninstall deletes the memory: the customer timelines, alert keys and indexed knowledge go
with the uninstall itself, and once the grace period has passed no table holds a row that
mentions the installation. Another installation's rows are untouched throughout."""
from __future__ import annotations

import dataclasses
import json
import uuid

from click.testing import CliRunner
from sqlalchemy import MetaData, select

from integration.pipeline import locks
from integration.pipeline.sweep import run_retention
from integration.runtime import settings
from integration.store import feedback
from integration.store.models import Backfill, Effect, utcnow
from tests.memory.conftest import (
    new_ticket,
    process_ticket,
    refresh_knowledge,
    set_settings,
)
from tests.memory.test_memory_pipeline import BILLING_1, BILLING_2, ROUTING

FURIOUS = "This is unacceptable, I am furious. Cancel everything now!"
MEMORY_TABLES = {"customer_messages", "knowledge_items"}


def tables_mentioning(db, needle: str) -> dict[str, int]:
    """{table: rows} for every table with a row whose any column (as text) holds `needle`."""
    found: dict[str, int] = {}
    metadata = MetaData()
    metadata.reflect(db.engine)
    with db.engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(select(table)):
                if needle.lower() in json.dumps([str(v) for v in row]).lower():
                    found[table.name] = found.get(table.name, 0) + 1
    return found


def alert_keys(db, installation_id: str) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(Effect.op_key).where(
            Effect.installation_id == installation_id, Effect.op_key.like("alert:%"))))


def remember_everything(app, db, sandbox, installation_id: str, account: str) -> None:
    """Knowledge, two customers' timelines, an alert key, agent feedback, a backfill and a
    lease a crashed worker left: a row in every table an installation can reach."""
    set_settings(db, installation_id, routing=ROUTING,
                 alerts={"webhook_url": "http://127.0.0.1:9/alerts", "on": ["escalation"]})
    refresh_knowledge(app, installation_id)
    for body, email in ((BILLING_1, "dana@example.org"), (FURIOUS, "dana@example.org"),
                        (BILLING_2, "lee@example.org")):
        ticket = new_ticket(sandbox, "zendesk", account, body, email=email)
        assert process_ticket(app, db, installation_id, ticket).status == "done"
    with db.session() as session:
        enrichment = feedback.latest_enrichment(session, installation_id, ticket)
        feedback.record_answer(session, installation_id=installation_id, enrichment=enrichment,
                               label="topic", value="billing", verdict="agree", agent_id="9001")
        session.add(Backfill(id=f"bf_{uuid.uuid4().hex[:12]}", installation_id=installation_id,
                             since=utcnow()))
    assert locks.try_acquire(db, f"ticket:{installation_id}:{ticket}", "dead-worker", 3600)


def test_uninstall_deletes_memory_now_and_every_row_after_the_grace_period(app, db, sandbox,
                                                                            vendor_install):
    from integration.cli import main
    gone, _ = vendor_install("zendesk", "acme")
    kept, _ = vendor_install("zendesk", "globex")
    remember_everything(app, db, sandbox, gone, "acme")
    remember_everything(app, db, sandbox, kept, "globex")
    before = tables_mentioning(db, gone)
    assert {"installations", "events", "enrichments", "effects", "agent_feedback", "backfills",
            "locks", *MEMORY_TABLES} <= set(before), before
    assert alert_keys(db, gone), "the furious message must have claimed an escalation alert"
    kept_before = tables_mentioning(db, kept)

    result = CliRunner().invoke(main, ["installations", "remove", gone], env={
        "DATABASE_URL": db.engine.url.render_as_string(hide_password=False)})
    assert result.exit_code == 0, result.output
    assert "customer memory deleted" in result.output

    # At once: no timeline, no indexed knowledge, no alert key naming a requester.
    right_after = tables_mentioning(db, gone)
    assert not MEMORY_TABLES & set(right_after), right_after
    assert alert_keys(db, gone) == []
    # The rest waits for the grace period (a reinstall within it keeps the audit).
    assert {"installations", "events", "enrichments"} <= set(right_after)

    grace_over = dataclasses.replace(settings(app), uninstall_grace_days=0)
    assert run_retention(db, grace_over)["installations_purged"] == 1
    assert tables_mentioning(db, gone) == {}
    # The other installation lost nothing.
    assert tables_mentioning(db, kept) == kept_before
