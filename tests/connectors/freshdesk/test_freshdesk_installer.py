"""`tactful installations add freshdesk`: key checked, stored encrypted, rules made or printed."""
from __future__ import annotations

import json

import pytest
import responses
from click.testing import CliRunner
from sqlalchemy import select

from integration.runtime import settings as app_settings
from integration.store import installations
from integration.store.models import Installation
from tests.connectors.freshdesk import samples

BASE = f"{samples.API_BASE}/api/v2"


@pytest.fixture
def cli(app, monkeypatch):
    for name, value in (("DATABASE_URL", app_settings(app).database_url),
                        ("CELERY_BROKER_URL", app_settings(app).broker_url),
                        ("TACTFUL_PUBLIC_URL", "https://tactful.example")):
        monkeypatch.setenv(name, value)
    from integration.cli import main
    return lambda *args: CliRunner().invoke(main, ["installations", "add", "freshdesk", *args])


@pytest.fixture
def api():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def _stored(db, keyring):
    with db.session() as session:
        row = session.scalar(select(Installation))
        return row, installations.context_of(row, keyring)


def test_no_provision_verifies_the_key_stores_it_encrypted_and_prints_the_rule(cli, api, db,
                                                                                keyring):
    api.get(f"{BASE}/agents/me", json=samples.api("agents_me"))
    result = cli("--domain", "acme.freshdesk.com", "--api-key", samples.API_KEY,
                 "--no-provision")
    assert result.exit_code == 0, result.output
    row, ctx = _stored(db, keyring)
    assert (row.provider, row.account, row.api_base) == \
        ("freshdesk", "acme", "https://acme.freshdesk.com")
    assert ctx.credentials == {"api_key": samples.API_KEY, "actor_id": "9000042"}
    url = f"https://tactful.example/webhooks/freshdesk/{row.id}"
    assert row.id in result.output and url in result.output
    assert f"X-Tactful-Secret: {ctx.webhook_secrets[0]}" in result.output
    assert "Trigger webhook" in result.output and "{{ticket.id}}" in result.output
    assert samples.API_KEY not in result.output
    assert api.calls[0].request.headers["Authorization"].startswith("Basic ")


def test_provision_creates_the_rules_and_keeps_their_ids(cli, api, db, keyring):
    api.get(f"{BASE}/agents/me", json=samples.api("agents_me"))
    api.get(f"{BASE}/admin/ticket_fields", json=[
        {"label": label, "name": f"cf_{i}"} for i, label in enumerate((
            "Tactful sentiment", "Tactful emotions", "Tactful suggested priority",
            "Tactful topic"))])
    for kind in (1, 4):
        api.get(f"{BASE}/automations/{kind}/rules", json=[])
        api.post(f"{BASE}/automations/{kind}/rules", json={"id": 700 + kind})
    result = cli("--domain", "acme", "--api-key", samples.API_KEY)
    assert result.exit_code == 0, result.output
    row, ctx = _stored(db, keyring)
    assert row.remote["rule_ids"] == {"created": "1:701", "replied": "4:704"}
    assert "created automation rule 'Tactful: new ticket'" in result.output
    rule = json.loads(api.calls[-1].request.body)
    assert rule["actions"][0]["custom_headers"] == {"X-Tactful-Secret": ctx.webhook_secrets[0]}


def test_api_base_override_is_used_for_every_call(cli, api, db, keyring):
    api.get("http://127.0.0.1:9/fd/api/v2/agents/me", json=samples.api("agents_me"))
    result = cli("--domain", "acme", "--api-key", "k", "--api-base", "http://127.0.0.1:9/fd/",
                 "--no-provision")
    assert result.exit_code == 0, result.output
    assert _stored(db, keyring)[0].api_base == "http://127.0.0.1:9/fd"


def test_a_rejected_key_stores_nothing(cli, api, db):
    api.get(f"{BASE}/agents/me", status=401, json={"code": "invalid_credentials"})
    result = cli("--domain", "acme", "--api-key", "wrong")
    assert result.exit_code != 0 and "rejected the API key" in result.output
    with db.session() as session:
        assert session.scalar(select(Installation)) is None


@pytest.mark.parametrize("domain", ["acme.example.com", "-acme", "ac me", ""])
def test_a_domain_that_is_not_freshdesk_is_refused_before_any_call(cli, api, domain):
    result = cli("--domain", domain, "--api-key", "k")
    assert result.exit_code != 0 and "not a Freshdesk domain" in result.output
    assert len(api.calls) == 0



def test_uninstall_deletes_the_rules_we_created_then_the_key(api, db, keyring):
    # What `tactful installations remove` and the app's uninstall run (revoke=True).
    from integration.pipeline import uninstall
    with db.session() as session:
        row = installations.create(session, keyring, provider="freshdesk", account="acme",
                                   api_base=samples.API_BASE,
                                   credentials={"api_key": samples.API_KEY})
        installations.set_remote(session, row, rule_ids={"created": "1:701",
                                                         "replied": "4:704"})
        installation_id = row.id
    api.delete(f"{BASE}/automations/1/rules/701", status=204)
    api.delete(f"{BASE}/automations/4/rules/704", status=204)
    uninstall.uninstall(db, keyring, installation_id, revoke=True)
    assert all(c.request.headers["Authorization"].startswith("Basic ") for c in api.calls)
    with db.session() as session:
        assert session.get(Installation, installation_id).credentials_encrypted is None
