"""Console sign-in per installation through the sandbox's Zendesk and Intercom OAuth."""
from __future__ import annotations

import dataclasses
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import func, select, update

from integration.store import installations
from integration.store.models import Installation, OAuthState

WORKSPACE = "acmews"


def _follow(url: str, **params) -> str:
    """The user approves on the vendor's page: the sandbox redirects back with a code."""
    answer = requests.get(url, params=params, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    location = urlsplit(answer.headers["Location"])
    return f"{location.path}?{location.query}"


def _install(db, keyring, provider: str, account: str, api_base: str) -> str:
    with db.session() as session:
        return installations.create(session, keyring, provider=provider, account=account,
                                    api_base=api_base, credentials={"access_token": "x"}).id


def _count(db) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Installation))


@pytest.fixture
def zendesk(app, sandbox):
    account = requests.post(f"{sandbox.base_url}/_sandbox/accounts", timeout=5,
                            json={"vendor": "zendesk", "account": "acme"}).json()
    app.config["TACTFUL"] = dataclasses.replace(
        app.config["TACTFUL"], zendesk_client_id=account["oauth_client_id"],
        zendesk_client_secret=account["oauth_client_secret"],
        zendesk_api_base=f"{sandbox.base_url}/zendesk/{{account}}")
    return account


def _zendesk_sign_in(client, subdomain: str = "acme"):
    start = client.get(f"/console/oauth/zendesk/start?subdomain={subdomain}")
    assert start.status_code == 302
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert query["redirect_uri"] == ["http://127.0.0.1:8000/console/oauth/zendesk/callback"]
    assert query["scope"] == ["read"] and query["code_challenge_method"] == ["S256"]
    return client.get(_follow(start.headers["Location"]))


def test_a_zendesk_admin_signs_in_to_their_installation_only(app, zendesk, sandbox, db,
                                                             keyring):
    mine = _install(db, keyring, "zendesk", "acme", f"{sandbox.base_url}/zendesk/acme")
    _install(db, keyring, "zendesk", "other-co", "https://other-co.zendesk.com")
    client = app.test_client()
    answer = _zendesk_sign_in(client)
    assert answer.status_code == 302 and answer.headers["Location"].endswith(
        "/console/installations")
    with client.session_transaction() as session:
        assert session["console"] == {"scope": "installation", "installation_id": mine}
    listing = client.get("/console/installations").get_data(as_text=True)
    assert "acme" in listing and "other-co" not in listing
    assert _count(db) == 2                       # a sign-in never creates an installation


def test_a_zendesk_agent_is_refused(app, zendesk, sandbox, db, keyring):
    _install(db, keyring, "zendesk", "acme", f"{sandbox.base_url}/zendesk/acme")
    requests.post(f"{sandbox.base_url}/_sandbox/zendesk/acme/signed_in_user", timeout=5,
                  json={"name": "Agent", "email": "agent@acme.example", "role": "agent"})
    client = app.test_client()
    answer = _zendesk_sign_in(client)
    assert answer.status_code == 403
    assert "Only a Zendesk admin of acme may sign in" in answer.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "console" not in session
    assert client.get("/console/installations").status_code == 302


def test_an_account_without_an_installation_is_refused(app, zendesk, db):
    client = app.test_client()
    answer = _zendesk_sign_in(client)
    assert answer.status_code == 403
    assert "Tactful is not installed for the zendesk account acme" in \
        answer.get_data(as_text=True)
    assert _count(db) == 0


def test_an_inactive_installation_is_refused(app, zendesk, sandbox, db, keyring):
    mine = _install(db, keyring, "zendesk", "acme", f"{sandbox.base_url}/zendesk/acme")
    with db.session() as session:
        session.execute(update(Installation).where(Installation.id == mine)
                        .values(status="uninstalled"))
    answer = _zendesk_sign_in(app.test_client())
    assert answer.status_code == 403 and "uninstalled" in answer.get_data(as_text=True)


def test_install_and_sign_in_states_never_cross(app, zendesk, sandbox, db, keyring):
    _install(db, keyring, "zendesk", "acme", f"{sandbox.base_url}/zendesk/acme")
    client = app.test_client()
    start = client.get("/console/oauth/zendesk/start?subdomain=acme")
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    with db.session() as session:
        assert session.get(OAuthState, state).provider == "console-zendesk"
    # The install callback does not know a sign-in's state, and the reverse.
    assert client.get(f"/oauth/zendesk/callback?state={state}&code=x").status_code == 400
    install = client.get("/oauth/zendesk/start?subdomain=acme")
    install_state = parse_qs(urlsplit(install.headers["Location"]).query)["state"][0]
    assert client.get(f"/console/oauth/zendesk/callback?state={install_state}&code=x"
                      ).status_code == 400
    # A replayed sign-in callback is refused too.
    callback = _follow(start.headers["Location"])
    assert client.get(callback).status_code == 302
    assert client.get(callback).status_code == 400


def test_freshdesk_has_no_oauth_sign_in_and_the_page_says_so(app):
    client = app.test_client()
    assert client.get("/console/oauth/freshdesk/start").status_code == 404
    page = client.get("/console/login").get_data(as_text=True)
    assert "Sign in with Zendesk" in page and "Sign in with Intercom" in page
    assert "Freshdesk has no OAuth" in page


@pytest.fixture
def intercom(app, sandbox):
    workspace = requests.post(f"{sandbox.base_url}/_sandbox/accounts", timeout=5,
                              json={"vendor": "intercom", "account": WORKSPACE}).json()
    app.config["TACTFUL"] = dataclasses.replace(
        app.config["TACTFUL"], intercom_client_id=workspace["client_id"],
        intercom_client_secret=workspace["client_secret"],
        intercom_api_base=f"{sandbox.base_url}/intercom/{WORKSPACE}")
    return workspace


def _intercom_sign_in(client, sandbox):
    start = client.get("/console/oauth/intercom/start")
    assert start.status_code == 302
    query = {k: v[0] for k, v in parse_qs(urlsplit(start.headers["Location"]).query).items()}
    return client.get(_follow(f"{sandbox.base_url}/intercom/{WORKSPACE}/oauth", **query))


def test_an_intercom_admin_signs_in_to_their_workspace(app, intercom, sandbox, db, keyring):
    mine = _install(db, keyring, "intercom", WORKSPACE, f"{sandbox.base_url}/intercom/x")
    _install(db, keyring, "intercom", "otherws", "https://api.intercom.io")
    client = app.test_client()
    answer = _intercom_sign_in(client, sandbox)
    assert answer.status_code == 302
    with client.session_transaction() as session:
        assert session["console"] == {"scope": "installation", "installation_id": mine}
    listing = client.get("/console/installations").get_data(as_text=True)
    assert WORKSPACE in listing and "otherws" not in listing
    assert _count(db) == 2


def test_an_intercom_workspace_without_tactful_is_refused(app, intercom, sandbox, db):
    answer = _intercom_sign_in(app.test_client(), sandbox)
    assert answer.status_code == 403 and _count(db) == 0
