"""The admin API: token required, settings validated section by section, dead letters re-driven."""
from __future__ import annotations

import dataclasses

import pytest

from integration.store import installations
from integration.store.models import Event, EventStatus

TOKEN = "admin-token-for-tests-0123456789"


@pytest.fixture
def admin(app, client):
    app.config["TACTFUL"] = dataclasses.replace(app.config["TACTFUL"], admin_token=TOKEN)

    def call(method: str, path: str, token: str = TOKEN, **kwargs):
        return getattr(client, method)(f"/api/admin{path}",
                                       headers={"Authorization": f"Bearer {token}"}, **kwargs)
    return call


@pytest.fixture
def installation_id(db, keyring):
    with db.session() as session:
        return installations.create(session, keyring, provider="zendesk", account="acme",
                                    api_base="https://acme.zendesk.com",
                                    credentials={"api_token": "secret-token-value"}).id


def test_admin_api_is_off_without_a_configured_token(client):
    response = client.get("/api/admin/installations")
    assert response.status_code == 403
    assert "TACTFUL_ADMIN_TOKEN" in response.get_json()["reason"]


def test_wrong_token_is_401(admin):
    assert admin("get", "/installations", token="nope").status_code == 401


def test_listing_never_shows_secrets(admin, installation_id):
    response = admin("get", "/installations")
    assert response.status_code == 200
    [row] = response.get_json()["installations"]
    assert row["id"] == installation_id
    assert row["webhook_url"].endswith(f"/webhooks/zendesk/{installation_id}")
    assert "secret-token-value" not in response.get_data(as_text=True)


def test_settings_are_validated_and_stored(admin, installation_id):
    good = {"policy": {"tag_prefix": "acme_"}, "drafting": {"tone": "formal"},
            "rate_limit_per_minute": 120, "http_timeout_s": 5}
    response = admin("put", f"/installations/{installation_id}/settings", json=good)
    assert response.status_code == 200, response.get_json()
    stored = admin("get", f"/installations/{installation_id}").get_json()["settings"]
    assert stored["policy"]["tag_prefix"] == "acme_"
    assert stored["drafting"]["tone"] == "formal"


@pytest.mark.parametrize("body,where", [
    ({"colour": "blue"}, "colour"),                                   # unknown section
    ({"drafting": {"tone": "sarcastic"}}, "drafting"),               # bad value
    ({"policy": {"no_such_knob": 1}}, "policy"),                      # unknown key in a section
    ({"http_timeout_s": 0}, "http_timeout_s"),                        # out of range
])
def test_bad_settings_are_400_with_the_reason(admin, installation_id, body, where):
    response = admin("put", f"/installations/{installation_id}/settings", json=body)
    assert response.status_code == 400
    assert where in response.get_json()["reasons"]


def test_unknown_installation_is_404(admin):
    assert admin("get", "/installations/in_nope").status_code == 404


def test_failed_events_are_listed_and_re_driven(admin, db, installation_id):
    with db.session() as session:
        session.add_all([
            Event(installation_id=installation_id, provider_event_id="a", ticket_id="1",
                  kind="created", status=EventStatus.FAILED, last_error="NotFound: gone"),
            Event(installation_id=installation_id, provider_event_id="b", ticket_id="2",
                  kind="created", status=EventStatus.DONE)])
    failed = admin("get", "/events?status=failed").get_json()["events"]
    assert [e["last_error"] for e in failed] == ["NotFound: gone"]
    assert admin("get", "/events?status=bogus").status_code == 400
    done_id = admin("get", "/events?status=done").get_json()["events"][0]["id"]
    assert admin("post", f"/events/{done_id}/retry").status_code == 409
    response = admin("post", f"/events/{failed[0]['id']}/retry")
    assert response.status_code == 202
    with db.session() as session:
        assert session.get(Event, failed[0]["id"]).status == EventStatus.PENDING
