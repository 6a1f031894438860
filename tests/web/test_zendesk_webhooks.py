"""Every status a Zendesk sender can get from the real receiver, and what gets stored."""
from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from integration.store import installations
from integration.store.models import Event

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "zendesk" / "webhooks"
SECRET = "acme-current-secret"


def fixture(name: str) -> dict:
    return copy.deepcopy(json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8")))


def signed_headers(raw: bytes, secret: str = SECRET, when: datetime | None = None) -> dict:
    stamp = (when or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    digest = hmac.new(secret.encode(), stamp.encode() + raw, hashlib.sha256).digest()
    return {"X-Zendesk-Webhook-Signature": base64.b64encode(digest).decode(),
            "X-Zendesk-Webhook-Signature-Timestamp": stamp,
            "Content-Type": "application/json"}


@pytest.fixture
def installation_id(db, keyring) -> str:
    with db.session() as session:
        row = installations.create(
            session, keyring, provider="zendesk", account="acme",
            api_base="https://acme.zendesk.com",
            credentials={"email": "a@acme.example", "api_token": "t"}, webhook_secret=SECRET)
        return row.id


@pytest.fixture
def post(client, installation_id):
    def _post(raw: bytes, headers: dict | None = None, installation: str | None = None):
        return client.post(f"/webhooks/zendesk/{installation or installation_id}", data=raw,
                           headers=signed_headers(raw) if headers is None else headers)
    return _post


def stored_events(db) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Event))


def raw_of(payload: dict) -> bytes:
    return json.dumps(payload).encode()


def test_accepted_event_is_stored_and_answered_202(post, db):
    response = post(raw_of(fixture("trigger_ticket_created")))
    assert response.status_code == 202
    assert response.json["status"] == "accepted"
    with db.session() as session:
        event = session.scalar(select(Event))
        assert (event.ticket_id, event.kind) == ("5021", "created")
        assert event.provider_event_id == "trigger:created:5021:2026-11-27T09:14:02Z"


def test_event_subscription_payload_is_accepted(post, db):
    assert post(raw_of(fixture("ticket_comment_added"))).status_code == 202
    assert stored_events(db) == 1


def test_duplicate_delivery_answers_200_and_keeps_one_row(post, db):
    raw = raw_of(fixture("ticket_created"))
    first, second = post(raw), post(raw)
    assert (first.status_code, second.status_code) == (202, 200)
    assert second.json["status"] == "duplicate"
    assert second.json["event_id"] == first.json["event_id"]
    assert stored_events(db) == 1


@pytest.mark.parametrize("name", ["ticket_priority_changed", "user_created",
                                  "ticket_comment_added_internal_note"])
def test_genuine_event_we_ignore_answers_200_and_stores_nothing(post, db, name):
    response = post(raw_of(fixture(name)))
    assert response.status_code == 200 and response.json["status"] == "ignored"
    assert stored_events(db) == 0


def test_wrong_signature_is_401_and_nothing_stored(post, db):
    raw = raw_of(fixture("ticket_created"))
    response = post(raw, signed_headers(raw, secret="someone-elses-secret"))
    assert response.status_code == 401 and response.json["error"] == "bad-signature"
    assert stored_events(db) == 0


def test_missing_signature_is_401_and_nothing_stored(post, db):
    response = post(raw_of(fixture("ticket_created")), {"Content-Type": "application/json"})
    assert response.status_code == 401 and "missing" in response.json["reason"]
    assert stored_events(db) == 0


def test_stale_signature_is_401_and_nothing_stored(post, db):
    raw = raw_of(fixture("ticket_created"))
    response = post(raw, signed_headers(raw, when=datetime.now(UTC) - timedelta(minutes=6)))
    assert response.status_code == 401 and "window" in response.json["reason"]
    assert stored_events(db) == 0


def test_body_changed_after_signing_is_401(post, db):
    raw = raw_of(fixture("ticket_created"))
    headers = signed_headers(raw)
    response = post(raw.replace(b"5021", b"5022"), headers)
    assert response.status_code == 401
    assert stored_events(db) == 0


def test_malformed_json_is_400_with_the_reason(post, db):
    response = post(b'{"type": "zen:event-type:ticket.created", ')
    assert response.status_code == 400
    assert response.json["error"] == "invalid-payload"
    assert "not valid JSON" in response.json["reason"]
    assert stored_events(db) == 0


def test_signed_json_we_cannot_read_is_400_with_the_reason(post, db):
    response = post(raw_of(fixture("trigger_unfilled_placeholder")))
    assert response.status_code == 400 and "ticket_id" in response.json["reason"]
    assert stored_events(db) == 0


def test_body_over_the_size_limit_is_413(post, app, db):
    limit = app.config["MAX_CONTENT_LENGTH"]
    payload = fixture("ticket_created")
    payload["detail"]["description"] = "x" * (limit + 10)
    response = post(raw_of(payload))
    assert response.status_code == 413 and response.json["error"] == "too-large"
    assert stored_events(db) == 0


def test_unknown_installation_is_404(post, db):
    response = post(raw_of(fixture("ticket_created")), installation="in_doesnotexist")
    assert response.status_code == 404
    assert response.json["error"] == "unknown-installation"
    assert stored_events(db) == 0


def test_uninstalled_installation_is_404(post, db, installation_id):
    with db.session() as session:
        installations.mark_uninstalled(session,
                                       session.get(installations.Installation, installation_id))
    assert post(raw_of(fixture("ticket_created"))).status_code == 404


def test_previous_secret_still_works_after_rotation(post, db, keyring, installation_id):
    with db.session() as session:
        row = session.get(installations.Installation, installation_id)
        installations.rotate_webhook_secret(session, keyring, row, new_secret="acme-new-secret")
    old = raw_of(fixture("ticket_created"))
    new = raw_of(fixture("ticket_comment_added"))
    assert post(old, signed_headers(old, secret=SECRET)).status_code == 202
    assert post(new, signed_headers(new, secret="acme-new-secret")).status_code == 202
    assert stored_events(db) == 2


def test_payload_naming_another_account_is_403_and_nothing_stored(post, db):
    response = post(raw_of(fixture("trigger_other_account")))
    assert response.status_code == 403 and response.json["error"] == "account-mismatch"
    assert stored_events(db) == 0
