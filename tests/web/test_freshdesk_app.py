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
ROLES = f"{samples.API_BASE}/api/v2/roles"
OTHER_KEY = "another-agents-key"


@pytest.fixture
def api():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def _register(client, domain="acme.freshdesk.com", key=samples.API_KEY, signed_with=None):
    raw = json.dumps({"domain": domain}).encode()
    headers = samples.signed_headers(raw, secret=signed_with) if signed_with \
        else {"Content-Type": "application/json"}
    if key:
        headers["X-Freshdesk-Api-Key"] = key
    return client.post("/apps/freshdesk/install", data=raw, headers=headers)


def _agent(api, *, admin: bool, agent_id: int = 9000042):
    me = samples.api("agents_me")
    me.update(id=agent_id, role_ids=[1] if admin else [4])
    api.get(ME, json=me)
    if admin:
        api.get(ROLES, json=samples.api("roles"))
    else:
        # Freshdesk shows roles to administrators only.
        api.get(ROLES, status=403, json={"code": "access_denied"})


def _stored(db, keyring, installation_id):
    with db.session() as session:
        return installations.context_of(session.get(Installation, installation_id), keyring)


def test_first_install_by_an_account_admin_returns_the_secret(client, api, db, keyring):
    _agent(api, admin=True)
    response = _register(client)
    assert response.status_code == 201, response.json
    body = response.json
    ctx = _stored(db, keyring, body["installation_id"])
    assert ctx.webhook_secrets == [body["webhook_secret"]]
    # The sidebar's own secret travels once, too, and is stored encrypted.
    from integration.store.feedback import stored_sidebar_secret
    with db.session() as session:
        row = session.get(Installation, body["installation_id"])
        assert stored_sidebar_secret(keyring, row) == body["sidebar_secret"]
        assert body["sidebar_secret"] not in row.sidebar_secret_encrypted
    assert ctx.credentials == {"api_key": samples.API_KEY, "actor_id": "9000042"}
    assert body["webhook_url"].endswith(f"/webhooks/freshdesk/{body['installation_id']}")
    assert api.calls[0].request.headers["Authorization"].startswith("Basic ")
    assert [c.request.url.split("?")[0] for c in api.calls] == [ME, ROLES]   # no rules


def test_first_install_with_a_plain_agents_key_is_403_and_stores_nothing(client, api, db):
    _agent(api, admin=False)
    response = _register(client)
    assert response.status_code == 403 and "administrator" in response.json["reason"]
    assert "webhook_secret" not in response.json
    with db.session() as session:
        assert session.scalar(select(Installation)) is None


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


def test_another_agent_cannot_take_over_an_installation(client, api, db, keyring):
    """Issue 13 finding 3: any agent's key re-registered the account and got the secret."""
    installation_id = _installed(db, keyring)
    _agent(api, admin=False, agent_id=555)
    response = _register(client, key=OTHER_KEY)
    assert response.status_code == 403
    assert samples.SECRET not in response.get_data(as_text=True)
    ctx = _stored(db, keyring, installation_id)
    assert ctx.credentials == {"api_key": samples.API_KEY}      # as _installed stored it
    assert ctx.webhook_secrets == [samples.SECRET]


def test_a_guessed_signature_is_401_and_changes_nothing(client, api, db, keyring):
    installation_id = _installed(db, keyring)
    _agent(api, admin=True, agent_id=555)
    response = _register(client, key=OTHER_KEY, signed_with="guess")
    assert response.status_code == 401
    assert len(api.calls) == 0
    assert _stored(db, keyring, installation_id).credentials["api_key"] == samples.API_KEY


def test_the_installed_app_may_re_register_and_the_secret_is_kept(client, api, db, keyring):
    installation_id = _installed(db, keyring)
    _agent(api, admin=False, agent_id=777)   # the app's key need not be an admin's
    response = _register(client, key=OTHER_KEY, signed_with=samples.SECRET)
    assert response.status_code == 200, response.json
    assert response.json["installation_id"] == installation_id
    assert response.json["webhook_secret"] == samples.SECRET
    ctx = _stored(db, keyring, installation_id)
    assert ctx.credentials == {"api_key": OTHER_KEY, "actor_id": "777"}
    assert ctx.webhook_secrets == [samples.SECRET]      # existing rules keep working


def test_an_admin_may_take_over_without_rotating_the_secret(client, api, db, keyring):
    installation_id = _installed(db, keyring)
    _agent(api, admin=True, agent_id=888)
    response = _register(client, key=OTHER_KEY)
    assert response.status_code == 200
    assert response.json["webhook_secret"] == samples.SECRET
    ctx = _stored(db, keyring, installation_id)
    assert ctx.credentials["actor_id"] == "888" and ctx.webhook_secrets == [samples.SECRET]


def test_deeply_nested_install_body_is_400(client, api):
    raw = b'{"domain": ' + b"[" * 1000 + b"]" * 1000 + b"}"
    response = client.post("/apps/freshdesk/install", data=raw, headers={
        "X-Freshdesk-Api-Key": samples.API_KEY, "Content-Type": "application/json"})
    assert response.status_code == 400 and "nests deeper" in response.json["reason"]
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
