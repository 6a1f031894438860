"""Every status a Freshdesk sender (rule or app) gets from the real receiver, and what is stored."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from integration.store import installations
from integration.store.models import Event
from tests.connectors.freshdesk import samples


@pytest.fixture
def installation_id(db, keyring) -> str:
    with db.session() as session:
        row = installations.create(
            session, keyring, provider="freshdesk", account="acme", api_base=samples.API_BASE,
            credentials={"api_key": samples.API_KEY, "actor_id": samples.OUR_AGENT_ID},
            webhook_secret=samples.SECRET)
        return row.id


@pytest.fixture
def post(client, installation_id):
    def _post(raw: bytes, headers: dict, installation: str | None = None):
        return client.post(f"/webhooks/freshdesk/{installation or installation_id}", data=raw,
                           headers=headers)
    return _post


def stored_events(db) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Event))


def rule(name: str = "rule_customer_replied") -> bytes:
    return samples.raw(samples.webhook(name))


def app_event(name: str = "app_conversation_created") -> bytes:
    return samples.raw(samples.webhook(name))


def test_rule_webhook_is_stored_and_answered_202(post, db):
    response = post(rule(), samples.shared_secret_headers())
    assert response.status_code == 202 and response.json["status"] == "accepted"
    with db.session() as session:
        event = session.scalar(select(Event))
        assert (event.ticket_id, event.kind) == ("11", "replied")
        assert event.provider_event_id == "rule:replied:11:2026-01-12T10:02:41Z"


def test_signed_app_event_is_stored_and_answered_202(post, db):
    raw = app_event()
    response = post(raw, samples.signed_headers(raw))
    assert response.status_code == 202
    with db.session() as session:
        assert session.scalar(select(Event.provider_event_id)) == "app:onConversationCreate:7001"


@pytest.mark.parametrize("mode", ["rule", "app"])
def test_duplicate_delivery_answers_200_and_keeps_one_row(post, db, mode):
    raw = rule() if mode == "rule" else app_event()
    headers = (lambda: samples.shared_secret_headers()) if mode == "rule" \
        else (lambda: samples.signed_headers(raw))
    first, second = post(raw, headers()), post(raw, headers())
    assert (first.status_code, second.status_code) == (202, 200)
    assert second.json["status"] == "duplicate"
    assert second.json["event_id"] == first.json["event_id"]
    assert stored_events(db) == 1


@pytest.mark.parametrize("name", ["rule_unknown_event", "app_private_note_created"])
def test_genuine_event_we_ignore_answers_200_and_stores_nothing(post, db, name):
    raw = samples.raw(samples.webhook(name))
    headers = samples.signed_headers(raw) if name.startswith("app") \
        else samples.shared_secret_headers()
    response = post(raw, headers)
    assert response.status_code == 200 and response.json["status"] == "ignored"
    assert stored_events(db) == 0


@pytest.mark.parametrize("headers, reason", [
    ({"X-Tactful-Secret": "someone-elses", "Content-Type": "application/json"}, "does not match"),
    ({"Content-Type": "application/json"}, "missing"),
])
def test_bad_or_missing_secret_is_401_and_nothing_stored(post, db, headers, reason):
    response = post(rule(), headers)
    assert response.status_code == 401 and response.json["error"] == "bad-signature"
    assert reason in response.json["reason"]
    assert stored_events(db) == 0


def test_bad_signature_is_401_and_nothing_stored(post, db):
    raw = app_event()
    response = post(raw, samples.signed_headers(raw, secret="someone-elses"))
    assert response.status_code == 401 and "does not match" in response.json["reason"]
    assert stored_events(db) == 0


def test_body_changed_after_signing_is_401(post, db):
    raw = app_event()
    response = post(raw.replace(b"7001", b"7009"), samples.signed_headers(raw))
    assert response.status_code == 401
    assert stored_events(db) == 0


def test_stale_signature_is_401_and_nothing_stored(post, db):
    raw = app_event()
    stale = int((datetime.now(UTC) - timedelta(minutes=6)).timestamp())
    response = post(raw, samples.signed_headers(raw, timestamp=stale))
    assert response.status_code == 401 and "window" in response.json["reason"]
    assert stored_events(db) == 0


@pytest.mark.parametrize("mode", ["rule", "app"])
def test_malformed_json_is_400_with_the_reason(post, db, mode):
    raw = b'{"source": "tactful-rule", "ticket_id": '
    headers = samples.shared_secret_headers() if mode == "rule" else samples.signed_headers(raw)
    response = post(raw, headers)
    assert response.status_code == 400 and response.json["error"] == "invalid-payload"
    assert "not valid JSON" in response.json["reason"]
    assert stored_events(db) == 0


def test_valid_json_we_cannot_read_is_400_with_the_reason(post, db):
    payload = samples.webhook("rule_customer_replied")
    payload["ticket_id"] = "{{ticket.id}}"
    response = post(samples.raw(payload), samples.shared_secret_headers())
    assert response.status_code == 400 and "ticket number" in response.json["reason"]
    assert stored_events(db) == 0


def test_body_over_the_size_limit_is_413(post, app, db):
    payload = samples.webhook("rule_customer_replied")
    payload["padding"] = "x" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    response = post(samples.raw(payload), samples.shared_secret_headers())
    assert response.status_code == 413 and response.json["error"] == "too-large"
    assert stored_events(db) == 0


def test_unknown_installation_is_404(post, db):
    response = post(rule(), samples.shared_secret_headers(), installation="in_doesnotexist")
    assert response.status_code == 404 and response.json["error"] == "unknown-installation"
    assert stored_events(db) == 0


def test_uninstalled_installation_is_404(post, db, installation_id):
    with db.session() as session:
        installations.mark_uninstalled(session,
                                       session.get(installations.Installation, installation_id))
    assert post(rule(), samples.shared_secret_headers()).status_code == 404
    assert stored_events(db) == 0


def test_previous_secret_still_works_after_rotation(post, db, keyring, installation_id):
    with db.session() as session:
        row = session.get(installations.Installation, installation_id)
        installations.rotate_webhook_secret(session, keyring, row, new_secret="fd-new-secret")
    raw = app_event()
    assert post(raw, samples.signed_headers(raw, secret="fd-new-secret")).status_code == 202
    assert post(rule(), samples.shared_secret_headers(samples.SECRET)).status_code == 202
    assert stored_events(db) == 2


def test_signed_event_naming_another_account_is_403_and_nothing_stored(post, db):
    payload = samples.webhook("app_ticket_created")
    payload["account"] = "globex.freshdesk.com"
    raw = samples.raw(payload)
    response = post(raw, samples.signed_headers(raw))
    assert response.status_code == 403 and response.json["error"] == "account-mismatch"
    assert stored_events(db) == 0
