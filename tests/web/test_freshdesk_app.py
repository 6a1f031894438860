"""The marketplace app's endpoints: install checks the key with Freshdesk; uninstall is signed."""
from __future__ import annotations

import json

import pytest
import responses
from sqlalchemy import select

from integration.store import installations
from integration.store.models import Installation
from tests.connectors.freshdesk import samples

ME = f"{samples.API_BASE}/api/v2/agents/me"


@pytest.fixture
def api():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def _register(client, domain="acme.freshdesk.com", key=samples.API_KEY):
    headers = {"X-Freshdesk-Api-Key": key} if key else {}
    return client.post("/apps/freshdesk/install", json={"domain": domain}, headers=headers)


def test_install_verifies_the_key_with_freshdesk_and_returns_the_secret(client, api, db,
                                                                        keyring):
    api.get(ME, json=samples.api("agents_me"))
    response = _register(client)
    assert response.status_code == 201, response.json
    body = response.json
    with db.session() as session:
        row = session.get(Installation, body["installation_id"])
        ctx = installations.context_of(row, keyring)
    assert ctx.webhook_secrets == [body["webhook_secret"]]
    # The sidebar's own secret travels once, too, and is stored encrypted.
    from integration.store.feedback import stored_sidebar_secret
    with db.session() as session:
        row = session.get(Installation, body["installation_id"])
        assert stored_sidebar_secret(keyring, row) == body["sidebar_secret"]
        assert body["sidebar_secret"] not in row.sidebar_secret_encrypted
    assert ctx.credentials == {"api_key": samples.API_KEY, "actor_id": "9000042"}
    assert body["webhook_url"].endswith(f"/webhooks/freshdesk/{row.id}")
    assert api.calls[0].request.headers["Authorization"].startswith("Basic ")
    assert len(api.calls) == 1       # no rules: the app forwards events itself


def test_install_with_a_rejected_key_is_401_and_stores_nothing(client, api, db):
    api.get(ME, status=401, json={"code": "invalid_credentials"})
    response = _register(client, key="wrong")
    assert response.status_code == 401 and "rejected" in response.json["reason"]
    with db.session() as session:
        assert session.scalar(select(Installation)) is None


@pytest.mark.parametrize("domain, key", [("acme.freshdesk.com", None), ("", samples.API_KEY),
                                         ("evil.example.com", samples.API_KEY)])
def test_install_without_key_or_with_a_foreign_domain_is_400_and_calls_nobody(client, api,
                                                                              domain, key):
    response = _register(client, domain=domain, key=key)
    assert response.status_code == 400
    assert len(api.calls) == 0


def _installed(db, keyring) -> str:
    with db.session() as session:
        return installations.create(session, keyring, provider="freshdesk", account="acme",
                                    api_base=samples.API_BASE,
                                    credentials={"api_key": samples.API_KEY},
                                    webhook_secret=samples.SECRET).id


def test_signed_uninstall_removes_the_installation(client, db, keyring):
    installation_id = _installed(db, keyring)
    raw = json.dumps({"event": "onAppUninstall", "account": "acme.freshdesk.com"}).encode()
    response = client.post(f"/apps/freshdesk/{installation_id}/uninstall", data=raw,
                           headers=samples.signed_headers(raw))
    assert response.status_code == 200
    with db.session() as session:
        row = session.get(Installation, installation_id)
        assert row.status == installations.UNINSTALLED and row.credentials_encrypted is None


def test_unsigned_uninstall_is_401_and_changes_nothing(client, db, keyring):
    installation_id = _installed(db, keyring)
    raw = b'{"event": "onAppUninstall"}'
    response = client.post(f"/apps/freshdesk/{installation_id}/uninstall", data=raw,
                           headers=samples.signed_headers(raw, secret="guess"))
    assert response.status_code == 401
    with db.session() as session:
        assert session.get(Installation, installation_id).status == installations.ACTIVE


def test_uninstall_of_an_unknown_installation_is_404(client):
    raw = b"{}"
    response = client.post("/apps/freshdesk/in_nope/uninstall", data=raw,
                           headers=samples.signed_headers(raw))
    assert response.status_code == 404
