"""Intercom OAuth install through the sandbox: one-time state, token exchange, GET /me,
then Intercom's install-success page (or its error form)."""
from __future__ import annotations

import dataclasses
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import func, select, update

from integration.store import installations
from integration.store.models import Installation, OAuthState, utcnow

WORKSPACE = "acmews"
SUCCESS = "https://app.intercom.com/appstore/redirect?install_success=true"


@pytest.fixture
def workspace(sandbox) -> dict:
    return requests.post(f"{sandbox.base_url}/_sandbox/accounts", timeout=5,
                         json={"vendor": "intercom", "account": WORKSPACE}).json()


@pytest.fixture
def oauth_app(app, sandbox, workspace):
    """The app with the sandbox app's OAuth client, its token endpoint in the sandbox."""
    app.config["TACTFUL"] = dataclasses.replace(
        app.config["TACTFUL"], intercom_client_id=workspace["client_id"],
        intercom_client_secret=workspace["client_secret"],
        intercom_api_base=f"{sandbox.base_url}/intercom/{WORKSPACE}")
    return app


def start(client) -> dict:
    response = client.get("/oauth/intercom/start")
    assert response.status_code == 302, response.json
    url = urlsplit(response.headers["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://app.intercom.com/oauth"
    return {k: v[0] for k, v in parse_qs(url.query).items()}


def approve(sandbox, query: dict) -> str:
    """The admin picks the workspace and clicks Authorize (the sandbox plays app.intercom.com)."""
    answer = requests.get(f"{sandbox.base_url}/intercom/{WORKSPACE}/oauth", params=query,
                          allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    location = urlsplit(answer.headers["Location"])
    return f"{location.path}?{location.query}"


def installation_count(db) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Installation))


def test_start_sends_the_admin_to_intercom_with_a_one_time_state(oauth_app, workspace, db):
    query = start(oauth_app.test_client())
    assert query["client_id"] == workspace["client_id"]
    assert query["redirect_uri"] == "http://127.0.0.1:8000/oauth/intercom/callback"
    assert "scope" not in query and "code_challenge" not in query
    with db.session() as session:
        state = session.get(OAuthState, query["state"])
        assert state.provider == "intercom" and state.account is None


def test_a_full_install_stores_the_workspace_and_lands_on_the_app_store(
        oauth_app, sandbox, workspace, db, keyring):
    client = oauth_app.test_client()
    response = client.get(approve(sandbox, start(client)))
    assert response.status_code == 302
    assert response.headers["Location"] == SUCCESS
    with db.session() as session:
        row = installations.find_by_account(session, "intercom", WORKSPACE)
        ctx = installations.context_of(row, keyring)
    assert ctx.api_base == f"{sandbox.base_url}/intercom/{WORKSPACE}"
    assert ctx.credentials["actor_id"] == workspace["admin_id"]
    assert ctx.credentials["access_token"] not in row.credentials_encrypted
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(OAuthState)) == 0


def test_a_replayed_callback_is_400_and_installs_once(oauth_app, sandbox, db):
    client = oauth_app.test_client()
    callback = approve(sandbox, start(client))
    assert client.get(callback).status_code == 302
    again = client.get(callback)
    assert (again.status_code, again.json["error"]) == (400, "invalid-state")
    assert installation_count(db) == 1


@pytest.mark.parametrize("query,code", [
    ("code=abc", "missing-state"),
    ("code=abc&state=forged", "invalid-state"),
    ("error=access_denied&state=forged", "authorization-denied"),
])
def test_a_callback_without_our_state_is_400_and_stores_nothing(oauth_app, db, query, code):
    response = oauth_app.test_client().get(f"/oauth/intercom/callback?{query}")
    assert (response.status_code, response.json["error"]) == (400, code)
    assert installation_count(db) == 0


def test_an_expired_state_is_400(oauth_app, sandbox, db):
    client = oauth_app.test_client()
    query = start(client)
    with db.session() as session:
        session.execute(update(OAuthState).values(expires_at=utcnow() - timedelta(seconds=1)))
    response = client.get(approve(sandbox, query))
    assert (response.status_code, response.json["error"]) == (400, "expired-state")
    assert installation_count(db) == 0


def test_a_state_is_bound_to_its_provider(oauth_app, db):
    query = start(oauth_app.test_client())
    response = oauth_app.test_client().get(
        f"/oauth/zendesk/callback?code=abc&state={query['state']}")
    assert response.status_code in (400, 404)
    assert installation_count(db) == 0


def test_a_refused_code_goes_to_intercoms_error_form(oauth_app, db):
    client = oauth_app.test_client()
    state = start(client)["state"]
    response = client.get(f"/oauth/intercom/callback?code=not-a-code&state={state}")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    query = parse_qs(location.query)
    assert location.netloc == "app.intercom.com" and query["install_success"] == ["false"]
    assert "did not exchange the code" in query["error_message"][0]
    assert installation_count(db) == 0


def test_without_client_credentials_start_is_503(app):
    response = app.test_client().get("/oauth/intercom/start")
    assert response.status_code == 503
    assert "INTERCOM_CLIENT_ID" in response.json["reason"]
