"""Secrets at rest, key rotation, uninstall and retention."""
from __future__ import annotations

from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import select, text

from integration.pipeline import sweep
from integration.runtime import settings as app_settings
from integration.store import installations
from integration.store.crypto import Keyring, generate_key
from integration.store.models import Effect, Enrichment, Event, EventStatus, Installation, utcnow
from tests.conftest import TEST_FERNET_KEY

TOKEN = "canary-api-token-7c1e"


def _install(db, keyring, account="acme"):
    with db.session() as session:
        row = installations.create(session, keyring, provider="zendesk", account=account,
                                   api_base="https://acme.zendesk.com",
                                   credentials={"api_token": TOKEN, "email": "a@b.c"},
                                   webhook_secret="whsec-canary")
        return row.id


def test_credentials_and_secrets_are_never_stored_in_clear(db, keyring):
    _install(db, keyring)
    with db.engine.connect() as conn:
        dump = " ".join(str(v) for row in conn.execute(text("SELECT * FROM installations"))
                        for v in row)
    assert TOKEN not in dump and "whsec-canary" not in dump and "a@b.c" not in dump


def test_keys_rotate_reencrypts_every_row_under_the_new_key(app, db, keyring, monkeypatch):
    installation_id = _install(db, keyring)
    new_key = generate_key()
    monkeypatch.setenv("TACTFUL_ENCRYPTION_KEYS", f"{new_key},{TEST_FERNET_KEY}")
    monkeypatch.setenv("DATABASE_URL", app_settings(app).database_url)
    monkeypatch.setenv("CELERY_BROKER_URL", app_settings(app).broker_url)
    from integration.cli import main
    result = CliRunner().invoke(main, ["keys", "rotate"])
    assert result.exit_code == 0, result.output
    assert "re-encrypted 2" in result.output
    with db.session() as session:
        _row, ctx = installations.load(session, Keyring([new_key]), installation_id)
    assert ctx.credentials["api_token"] == TOKEN          # readable with the new key alone
    assert ctx.webhook_secrets == ["whsec-canary"]


def test_webhook_secret_rotation_keeps_the_previous_secret(db, keyring):
    installation_id = _install(db, keyring)
    with db.session() as session:
        row = session.get(Installation, installation_id)
        new = installations.rotate_webhook_secret(session, keyring, row)
    with db.session() as session:
        _row, ctx = installations.load(session, keyring, installation_id)
    assert ctx.webhook_secrets == [new, "whsec-canary"]


def _event(session, installation_id, n, received_at, status=EventStatus.DONE):
    session.add(Event(installation_id=installation_id, provider_event_id=f"e{n}",
                      ticket_id=str(n), kind="created", status=status,
                      received_at=received_at, payload={"n": n}))


def test_retention_drops_old_payloads_then_old_rows_but_never_open_events(app, db, keyring):
    installation_id = _install(db, keyring)
    now = utcnow()
    with db.session() as session:
        _event(session, installation_id, 1, now)                               # fresh
        _event(session, installation_id, 2, now - timedelta(days=8))           # payload goes
        _event(session, installation_id, 3, now - timedelta(days=31))          # row goes
        _event(session, installation_id, 4, now - timedelta(days=31), EventStatus.PENDING)
    result = sweep.run_retention(db, app_settings(app))
    with db.session() as session:
        rows = {e.provider_event_id: e for e in session.scalars(select(Event))}
    assert set(rows) == {"e1", "e2", "e4"}
    assert rows["e1"].payload == {"n": 1}
    assert rows["e2"].payload is None
    assert rows["e4"].payload == {"n": 4}          # still open: never dropped
    assert result["events_deleted"] == 1


def test_uninstall_deletes_tokens_now_and_data_after_the_grace_period(app, db, keyring):
    installation_id = _install(db, keyring)
    with db.session() as session:
        _event(session, installation_id, 1, utcnow())
        session.add(Effect(installation_id=installation_id, ticket_id="1", op_key="k"))
        session.add(Enrichment(installation_id=installation_id, ticket_id="1",
                               analyzer_version="t", analysis={}, written={}, timings_ms={}))
    with db.session() as session:
        installations.mark_uninstalled(session, session.get(Installation, installation_id))
    with db.session() as session:
        row = session.get(Installation, installation_id)
        assert row.credentials_encrypted is None and row.webhook_secrets_encrypted is None
    sweep.run_retention(db, app_settings(app))
    with db.session() as session:
        assert session.scalar(select(Event.id)) is not None     # within the grace period
        session.get(Installation, installation_id).uninstalled_at = utcnow() - timedelta(days=8)
    sweep.run_retention(db, app_settings(app))
    with db.session() as session:
        for model in (Installation, Event, Effect, Enrichment):
            assert session.scalar(select(model).limit(1)) is None, model.__name__
