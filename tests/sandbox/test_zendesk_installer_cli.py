"""`tactful installations add zendesk` against the sandbox: verify, store encrypted, provision."""
from __future__ import annotations

import pytest
import requests
from click.testing import CliRunner
from sqlalchemy import select

from integration.cli import main
from integration.store.models import Installation


@pytest.fixture
def cli(app, service_env, monkeypatch):
    for name, value in service_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("TACTFUL_PUBLIC_URL", "https://tactful.example")
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args), catch_exceptions=False)


def add_args(sandbox, account: dict, token: str | None = None) -> list[str]:
    return ["installations", "add", "zendesk", "--subdomain", "acme", "--email",
            account["email"], "--api-token", token or account["api_token"],
            "--api-base", f"{sandbox.base_url}{account['api_base_path']}"]


def sandbox_webhooks(sandbox) -> list[dict]:
    return [w for w in requests.get(f"{sandbox.base_url}/_sandbox/log", timeout=5).json()
            ["writes"] if w["path"].endswith("/webhooks") and w["method"] == "POST"]


def test_add_stores_encrypted_and_provisions(cli, sandbox, zendesk_account, db):
    result = cli(*add_args(sandbox, zendesk_account))
    assert result.exit_code == 0, result.output
    with db.session() as session:
        row = session.scalar(select(Installation))
    assert f"installation: {row.id}" in result.output
    assert f"webhook URL:  https://tactful.example/webhooks/zendesk/{row.id}" in result.output
    assert "webhook" in result.output and "trigger 'Tactful: new ticket'" in result.output
    assert zendesk_account["api_token"] not in (row.credentials_encrypted or "")
    assert row.remote["actor_id"] == str(zendesk_account["user_id"])
    assert set(row.remote["fields"]) == {"sentiment", "emotions", "priority", "topic"}
    [hook] = sandbox_webhooks(sandbox)
    assert hook["body"]["webhook"]["endpoint"].endswith(f"/webhooks/zendesk/{row.id}")


def test_adding_twice_creates_nothing_new(cli, sandbox, zendesk_account, db):
    first = cli(*add_args(sandbox, zendesk_account))
    second = cli(*add_args(sandbox, zendesk_account))
    assert second.exit_code == 0 and "nothing new (already provisioned)" in second.output
    assert first.output.splitlines()[0] == second.output.splitlines()[0]   # same id
    assert len(sandbox_webhooks(sandbox)) == 1


def test_rejected_token_stores_nothing(cli, sandbox, zendesk_account, db):
    result = CliRunner().invoke(main, add_args(sandbox, zendesk_account, token="wrong"))
    assert result.exit_code == 1 and "Unauthorized" in result.output
    with db.session() as session:
        assert session.scalar(select(Installation)) is None


def test_list_then_remove_unprovisions(cli, sandbox, zendesk_account, db):
    cli(*add_args(sandbox, zendesk_account))
    with db.session() as session:
        installation_id = session.scalar(select(Installation.id))
    assert installation_id in cli("installations", "list").output
    removed = cli("installations", "remove", installation_id)
    assert removed.exit_code == 0 and f"removed {installation_id}" in removed.output
    deletes = [w["path"] for w in requests.get(f"{sandbox.base_url}/_sandbox/log", timeout=5)
               .json()["writes"] if w["method"] == "DELETE"]
    assert any("/webhooks/" in p for p in deletes) and sum("/triggers/" in p for p in deletes) == 2


def test_no_provision_makes_no_call(cli, sandbox, zendesk_account, db):
    result = cli(*add_args(sandbox, zendesk_account), "--no-provision")
    assert result.exit_code == 0 and "nothing created in Zendesk" in result.output
    assert requests.get(f"{sandbox.base_url}/_sandbox/log", timeout=5).json()["writes"] == []
