"""Migrations and the constraints the pipeline relies on, on whichever database is selected."""
from __future__ import annotations

import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from integration.store.db import make_engine
from integration.store.migrate import current, downgrade, upgrade
from integration.store.models import Event, Installation

TABLES = {"installations", "events", "enrichments", "effects", "oauth_states", "locks"}


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_migrations_upgrade_and_downgrade(database_url):
    upgrade(database_url)
    # The newest revision, whatever branch merged last (the lead re-chains them).
    from alembic.script import ScriptDirectory

    from integration.store.migrate import alembic_config
    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    assert current(database_url) == head
    assert _tables(database_url) >= TABLES
    downgrade(database_url, "base")
    assert current(database_url) is None
    assert _tables(database_url) == set()
    upgrade(database_url)
    assert _tables(database_url) >= TABLES


def test_database_rejects_a_second_event_with_the_same_provider_event_id(db):
    with db.session() as session:
        session.add(Installation(id="in_a", provider="zendesk", account="acme", settings={},
                                 remote={}))
    with db.session() as session:
        session.add(Event(installation_id="in_a", provider_event_id="evt-1", ticket_id="1",
                          kind="created"))
    with pytest.raises(IntegrityError), db.session() as session:
        session.add(Event(installation_id="in_a", provider_event_id="evt-1", ticket_id="1",
                          kind="created"))


def test_same_provider_event_id_is_fine_for_another_installation(db):
    with db.session() as session:
        session.add_all([Installation(id=i, provider="zendesk", account=i, settings={},
                                      remote={}) for i in ("in_a", "in_b")])
    with db.session() as session:
        session.add_all([Event(installation_id=i, provider_event_id="evt-1", ticket_id="1",
                               kind="created") for i in ("in_a", "in_b")])
    with db.session() as session:
        assert session.query(Event).count() == 2


def test_datetimes_come_back_timezone_aware(db):
    with db.session() as session:
        session.add(Installation(id="in_a", provider="zendesk", account="acme", settings={},
                                 remote={}))
    with db.session() as session:
        assert session.get(Installation, "in_a").created_at.tzinfo is not None
