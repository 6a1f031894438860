"""OAuth install through the sandbox's Zendesk: PKCE, one-time state, and single-flight refresh."""
from __future__ import annotations

import base64
import dataclasses
import hashlib
import threading
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from sqlalchemy import func, select, update

from connectors.errors import ConnectorError
from connectors.zendesk import CONNECTOR
from integration.pipeline import tokens
from integration.pipeline.locks import LockBusy
from integration.store import installations
from integration.store.models import Installation, OAuthState, utcnow


@pytest.fixture
def account(sandbox) -> dict:
    return requests.post(f"{sandbox.base_url}/_sandbox/accounts", timeout=5,
                         json={"vendor": "zendesk", "account": "acme"}).json()


@pytest.fixture
def oauth_app(app, sandbox, account, monkeypatch):
    """The app with a Zendesk OAuth client, pointed at the sandbox instead of zendesk.com."""
    app.config["TACTFUL"] = dataclasses.replace(
        app.config["TACTFUL"], zendesk_client_id=account["oauth_client_id"],
        zendesk_client_secret=account["oauth_client_secret"],
        zendesk_api_base=f"{sandbox.base_url}/zendesk/{{account}}")
    monkeypatch.setenv("ZENDESK_CLIENT_SECRET", account["oauth_client_secret"])
    return app


def start(client, subdomain: str = "acme"):
    response = client.get(f"/oauth/zendesk/start?subdomain={subdomain}")
    assert response.status_code == 302, response.json
    return response.headers["Location"]


def approve(authorize_url: str) -> str:
    """The admin clicks Allow: the sandbox redirects back with ?code=…&state=…"""
    answer = requests.get(authorize_url, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    location = urlsplit(answer.headers["Location"])
    return f"{location.path}?{location.query}"


def installation_count(db) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Installation))


def token_requests(sandbox) -> list[dict]:
    writes = requests.get(f"{sandbox.base_url}/_sandbox/log", timeout=5).json()["writes"]
    return [w["body"] for w in writes if w["path"].endswith("/oauth/tokens")]


def test_start_redirects_to_the_accounts_authorize_url_with_pkce(oauth_app, sandbox, db):
    url = urlsplit(start(oauth_app.test_client()))
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert f"{url.scheme}://{url.netloc}{url.path}" == \
        f"{sandbox.base_url}/zendesk/acme/oauth/authorizations/new"
    assert query["response_type"] == "code" and query["scope"] == "read write"
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["redirect_uri"] == "http://127.0.0.1:8000/oauth/zendesk/callback"
    with db.session() as session:
        state = session.get(OAuthState, query["state"])
        assert state.account == "acme" and state.code_verifier_encrypted


def test_full_install_stores_encrypted_tokens_and_provisions(oauth_app, sandbox, db, keyring):
    client = oauth_app.test_client()
    response = client.get(approve(start(client)))
    assert response.status_code == 201, response.json
    assert "webhook" in response.json["created"]
    with db.session() as session:
        row = session.get(Installation, response.json["installation_id"])
        credentials = keyring.decrypt_json(row.credentials_encrypted)
        assert "access_token" not in row.credentials_encrypted
        assert session.scalar(select(func.count()).select_from(OAuthState)) == 0
    assert credentials["refresh_token"] and credentials["client_id"].startswith("zdg-")
    assert row.remote["webhook_id"] and row.remote["actor_id"]
    # The sandbox checks S256(code_verifier) against the challenge: the exchange proves it.
    [exchange] = token_requests(sandbox)
    assert exchange["grant_type"] == "authorization_code" and "code_verifier" in exchange


def test_token_request_carries_code_verifier_matching_the_challenge(oauth_app, db):
    client = oauth_app.test_client()
    oauth_app.config["TACTFUL"] = dataclasses.replace(oauth_app.config["TACTFUL"],
                                                       zendesk_api_base="")
    query = parse_qs(urlsplit(start(client)).query)
    with responses.RequestsMock() as mock:
        mock.post("https://acme.zendesk.com/oauth/tokens", status=400,
                  json={"error": "invalid_grant", "error_description": "expired"})
        answer = client.get(f"/oauth/zendesk/callback?code=abc&state={query['state'][0]}")
        sent = parse_qs(mock.calls[0].request.body)
    assert answer.status_code == 502 and answer.json["error"] == "token-exchange-failed"
    verifier = sent["code_verifier"][0]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    assert challenge.decode() == query["code_challenge"][0]
    assert sent["grant_type"] == ["authorization_code"] and sent["code"] == ["abc"]
    assert sent["redirect_uri"] == ["http://127.0.0.1:8000/oauth/zendesk/callback"]
    assert installation_count(db) == 0


@pytest.mark.parametrize("query", ["code=abc", "code=abc&state=never-issued", "state="])
def test_missing_or_unknown_state_is_400_and_nothing_stored(oauth_app, sandbox, db, query):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        response = oauth_app.test_client().get(f"/oauth/zendesk/callback?{query}")
        assert len(mock.calls) == 0                     # no token exchange attempted
    assert response.status_code == 400
    assert response.json["error"] in ("missing-state", "invalid-state")
    assert installation_count(db) == 0


def test_reused_state_is_400_and_stores_nothing_more(oauth_app, sandbox, db):
    client = oauth_app.test_client()
    callback = approve(start(client))
    assert client.get(callback).status_code == 201
    replay = client.get(callback)
    assert replay.status_code == 400 and replay.json["error"] == "invalid-state"
    assert installation_count(db) == 1
    assert len(token_requests(sandbox)) == 1


def test_expired_state_is_400(oauth_app, sandbox, db):
    client = oauth_app.test_client()
    callback = approve(start(client))
    with db.session() as session:
        session.execute(update(OAuthState).values(expires_at=utcnow() - timedelta(seconds=1)))
    response = client.get(callback)
    assert response.status_code == 400 and response.json["error"] == "expired-state"
    assert installation_count(db) == 0 and token_requests(sandbox) == []


def test_vendor_refusal_is_400_and_burns_the_state(oauth_app, db):
    client = oauth_app.test_client()
    state = parse_qs(urlsplit(start(client)).query)["state"][0]
    response = client.get(f"/oauth/zendesk/callback?error=access_denied&state={state}")
    assert response.status_code == 400 and response.json["error"] == "authorization-denied"
    with db.session() as session:
        assert session.get(OAuthState, state) is None


@pytest.mark.parametrize("subdomain", ["", "evil.example.com", "ACME/../x", "a" * 70])
def test_start_rejects_anything_but_a_subdomain(oauth_app, subdomain, db):
    response = oauth_app.test_client().get("/oauth/zendesk/start", query_string={
        "subdomain": subdomain})
    assert response.status_code == 400 and response.json["error"] == "invalid-account"


def test_start_without_client_credentials_is_503(client):
    assert client.get("/oauth/zendesk/start?subdomain=acme").status_code == 503


def test_unknown_provider_is_404(client):
    assert client.get("/oauth/nosuchdesk/start?subdomain=acme").status_code == 404


def test_refresh_is_single_flight_under_concurrency(oauth_app, sandbox, db, keyring):
    client = oauth_app.test_client()
    installation_id = client.get(approve(start(client))).json["installation_id"]
    with db.session() as session:
        _row, stale = installations.load(session, keyring, installation_id, db)
    results, errors = [], []

    def refresh():
        try:
            results.append(tokens.refresh_single_flight(db, keyring, CONNECTOR,
                                                        dataclasses.replace(stale)))
        except (ConnectorError, LockBusy) as exc:   # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=refresh) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    fresh_tokens = {r.credentials["access_token"] for r in results}
    assert len(fresh_tokens) == 1 and stale.credentials["access_token"] not in fresh_tokens
    grants = [b["grant_type"] for b in token_requests(sandbox)]
    assert grants.count("refresh_token") == 1              # rotation survived: one refresh
    with db.session() as session:
        _row, stored = installations.load(session, keyring, installation_id)
    assert stored.credentials["access_token"] in fresh_tokens
    assert CONNECTOR.whoami(stored)["role"] == "admin"     # the new token works
