"""`tactful installations add intercom`: GET /me decides the workspace, admin and host."""
from __future__ import annotations

import pytest
import responses
from click.testing import CliRunner
from responses import matchers

from integration.cli.installations import add_intercom as add_cmd
from integration.installers.intercom import InstallError, install_token
from integration.store import installations
from tests.connectors.intercom.payloads import ADMIN_ID, WORKSPACE, api

EU = "https://api.eu.intercom.io"


@responses.activate
def test_a_private_token_is_verified_and_stored_encrypted(db, keyring):
    responses.get(f"{EU}/me", json=api("me"),
                  match=[matchers.header_matcher({"Authorization": "Bearer priv-tok"})])
    done = install_token(db, keyring, "https://tactful.example", access_token="priv-tok",
                         workspace_id=WORKSPACE, region="eu")
    assert (done.account, done.api_base, done.actor_id) == (WORKSPACE, EU, ADMIN_ID)
    assert done.webhook_url == "https://tactful.example/webhooks/intercom"
    with db.session() as session:
        row = installations.find_by_account(session, "intercom", WORKSPACE)
        assert "priv-tok" not in row.credentials_encrypted
        ctx = installations.context_of(row, keyring)
    assert ctx.credentials == {"access_token": "priv-tok", "actor_id": ADMIN_ID}
    assert ctx.api_base == EU
    assert ctx.integration_actor_ids() == {ADMIN_ID}


@responses.activate
def test_a_token_for_another_workspace_is_refused(db, keyring):
    responses.get("http://127.0.0.1:9/me", json=api("me"))
    with pytest.raises(InstallError, match="belongs to workspace"):
        install_token(db, keyring, "http://x", access_token="t", workspace_id="notmine",
                      api_base="http://127.0.0.1:9")
    with db.session() as session:
        assert installations.find_by_account(session, "intercom", WORKSPACE) is None


@responses.activate
def test_a_rejected_token_says_so_without_echoing_it(db, keyring):
    responses.get(f"{EU}/me", status=401)
    with pytest.raises(InstallError) as caught:
        install_token(db, keyring, "http://x", access_token="secret-tok", region="eu")
    assert "rejected" in str(caught.value) and "secret-tok" not in str(caught.value)


@responses.activate
def test_the_cli_command_installs_with_an_api_base(service_env, app, monkeypatch):
    for name, value in service_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("INTERCOM_CLIENT_SECRET", raising=False)
    responses.get("http://127.0.0.1:9/me", json=api("me"))
    result = CliRunner().invoke(add_cmd, ["--workspace-id", WORKSPACE, "--access-token", "t",
                                          "--api-base", "http://127.0.0.1:9"])
    assert result.exit_code == 0, result.output
    assert f"installed intercom workspace {WORKSPACE}" in result.output
    assert "/webhooks/intercom" in result.output
    assert "INTERCOM_CLIENT_SECRET" in result.output      # not set in this environment


def test_the_cli_refuses_an_unknown_region():
    result = CliRunner().invoke(add_cmd, ["--workspace-id", "w", "--access-token", "t",
                                          "--region", "mars"])
    assert result.exit_code != 0 and "mars" in result.output
