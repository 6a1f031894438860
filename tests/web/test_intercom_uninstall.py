"""Intercom's uninstall notification: authentic deletes the tokens, forged changes nothing."""
from __future__ import annotations

import dataclasses
import json

import pytest
import responses

from connectors.intercom.client import REGION_HOSTS
from integration.store import installations
from integration.store.models import Installation
from tests.connectors.intercom.payloads import API, CLIENT_SECRET, WORKSPACE, signed

URL = "/intercom/uninstall"


@pytest.fixture
def installation_id(intercom_installation_id) -> str:
    return intercom_installation_id


def row_of(db, installation_id) -> Installation:
    with db.session() as session:
        row = session.get(Installation, installation_id)
        session.expunge(row)
        return row


def post(app, body: dict | bytes, secret: str = CLIENT_SECRET, headers: dict | None = None):
    raw, signed_headers = signed(body, secret) if isinstance(body, dict) else (body, {})
    return app.test_client().post(URL, data=raw, headers=headers or signed_headers)


def test_an_authentic_notification_deletes_the_tokens_without_calling_intercom(
        intercom_app, db, installation_id):
    with responses.RequestsMock():        # any outbound call would fail the test
        response = post(intercom_app, {"app_id": WORKSPACE})
    assert response.status_code == 200
    assert response.json["status"] == "uninstalled"
    row = row_of(db, installation_id)
    assert row.status == installations.UNINSTALLED
    assert row.credentials_encrypted is None and row.webhook_secrets_encrypted is None


@pytest.mark.parametrize("secret,headers", [
    ("someone-else", None),
    (CLIENT_SECRET, {"Content-Type": "application/json"}),
    (CLIENT_SECRET, {"X-Hub-Signature": "sha1=" + "f" * 40}),
])
def test_a_forged_notification_is_401_and_changes_nothing(intercom_app, db, installation_id,
                                                          secret, headers):
    response = post(intercom_app, {"app_id": WORKSPACE}, secret, headers)
    assert response.status_code == 401
    row = row_of(db, installation_id)
    assert row.status == installations.ACTIVE and row.credentials_encrypted


def test_without_a_client_secret_nothing_can_uninstall(app, db, installation_id):
    app.config["TACTFUL"] = dataclasses.replace(app.config["TACTFUL"],
                                                intercom_client_secret="")
    assert post(app, {"app_id": WORKSPACE}).status_code == 401
    assert row_of(db, installation_id).status == installations.ACTIVE


def test_an_unknown_workspace_is_200_ignored(intercom_app, db, installation_id):
    response = post(intercom_app, {"app_id": "otherws"})
    assert (response.status_code, response.json["status"]) == (200, "ignored")
    assert row_of(db, installation_id).status == installations.ACTIVE


def test_a_repeated_notification_is_harmless(intercom_app, db, installation_id):
    assert post(intercom_app, {"app_id": WORKSPACE}).json["status"] == "uninstalled"
    assert post(intercom_app, {"app_id": WORKSPACE}).json["status"] == "ignored"


@pytest.mark.parametrize("body", [{}, {"app_id": ""}, {"app_id": {"x": 1}}])
def test_a_signed_notification_without_a_workspace_is_400(intercom_app, installation_id, db,
                                                          body):
    assert post(intercom_app, body).status_code == 400
    assert row_of(db, installation_id).status == installations.ACTIVE


def test_a_signed_non_json_body_is_400(intercom_app):
    from tests.connectors.intercom.payloads import sign
    raw = b"app_id=abc"
    response = intercom_app.test_client().post(URL, data=raw,
                                               headers={"X-Hub-Signature": sign(raw)})
    assert response.status_code == 400


def test_cli_remove_revokes_the_token_with_intercom(intercom_app, db, keyring, installation_id):
    from integration.pipeline import uninstall
    with responses.RequestsMock() as rsps:
        rsps.post(f"{REGION_HOSTS['us']}/auth/uninstall", body="",
                  match=[responses.matchers.header_matcher({"Authorization": "Bearer tok"})])
        result = uninstall.uninstall(db, keyring, installation_id, revoke=True)
    assert result.revoked
    assert row_of(db, installation_id).credentials_encrypted is None


def test_a_failed_revoke_still_deletes_our_tokens(intercom_app, db, keyring, installation_id):
    from integration.pipeline import uninstall
    with responses.RequestsMock() as rsps:
        rsps.post(f"{API}/auth/uninstall", status=401, body=json.dumps({"type": "error.list"}))
        result = uninstall.uninstall(db, keyring, installation_id, revoke=True)
    assert not result.revoked
    assert row_of(db, installation_id).status == installations.UNINSTALLED


def test_an_oversized_notification_is_413_and_changes_nothing(intercom_app, db,
                                                              installation_id):
    from tests.connectors.intercom.payloads import sign
    raw = b"{" + b" " * intercom_app.config["MAX_CONTENT_LENGTH"] + b"}"
    response = intercom_app.test_client().post(
        URL, data=raw, headers={"X-Hub-Signature": sign(raw),
                                "Content-Type": "application/json"})
    assert response.status_code == 413
    assert row_of(db, installation_id).status == installations.ACTIVE
