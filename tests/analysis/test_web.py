"""POST /api/analyze: the CLI's object over HTTP, for callers with a credential."""
import dataclasses
import threading

import pytest
from flask.testing import FlaskClient

from integration.domain.analysis.report import analysis_record
from integration.store import installations
from integration.web import analyze_api
from integration.web.analyze_api import analyze_key

ADMIN_TOKEN = "analyze-test-admin-token-0123456789abcdef"


class BearerClient(FlaskClient):
    """A test client that shows the admin token unless the test sets its own header."""

    def open(self, *args, **kwargs):
        headers = dict(kwargs.pop("headers", None) or {})
        headers.setdefault("Authorization", f"Bearer {ADMIN_TOKEN}")
        return super().open(*args, headers=headers, **kwargs)


@pytest.fixture
def analyze_app(app):
    app.config["TACTFUL"] = dataclasses.replace(app.config["TACTFUL"], admin_token=ADMIN_TOKEN)
    return app


@pytest.fixture
def client(analyze_app):
    analyze_app.test_client_class = BearerClient
    return analyze_app.test_client()


def test_returns_the_same_object_as_the_cli(client):
    text = "Third time I'm asking, this is ridiculous"
    response = client.post("/api/analyze", json={"text": text})
    assert response.status_code == 200
    assert response.get_json() == analysis_record(text)


def test_settings_are_applied(client):
    body = {"text": "Is it under warranty?",
            "settings": {"topics_extra": {"warranty": ["warranty"]}}}
    assert client.post("/api/analyze", json=body).get_json()["topic"] == "warranty"


@pytest.mark.parametrize("body", [
    {},
    {"text": ""},
    {"text": 5},
    {"text": "hi", "extra": True},
    {"text": "hi", "draft": "maybe"},
    {"text": "hi", "settings": {"unknown_key": 1}},
])
def test_bad_requests_get_400_with_reasons(client, body):
    response = client.post("/api/analyze", json=body)
    assert response.status_code == 400
    payload = response.get_json()
    assert payload["error"] == "invalid-request" and payload["reasons"]


def test_non_json_body_is_400(client):
    response = client.post("/api/analyze", data="text=hi", content_type="text/plain")
    assert response.status_code == 400


def test_oversized_text_is_413(client):
    response = client.post("/api/analyze", json={"text": "a" * 20_001})
    assert response.status_code == 413
    assert response.get_json()["error"] == "too-large"


def test_text_at_the_limit_is_accepted(client):
    assert client.post("/api/analyze", json={"text": "fine. " * 3333}).status_code == 200


def test_anonymous_callers_get_401_and_no_analysis(analyze_app):
    """Issue 13 finding 4: the endpoint was open to anyone."""
    anonymous = analyze_app.test_client()
    assert anonymous.post("/api/analyze", json={"text": "hi"}).status_code == 401
    wrong = anonymous.post("/api/analyze", json={"text": "hi"},
                           headers={"Authorization": "Bearer in_x.0000"})
    assert wrong.status_code == 401 and wrong.get_json()["error"] == "unauthorized"


def test_an_installations_analyze_key_works_until_it_is_uninstalled(analyze_app, db, keyring):
    with db.session() as session:
        row_id = installations.create(session, keyring, provider="zendesk", account="acme",
                                      api_base="https://acme.zendesk.com",
                                      credentials={"access_token": "t"}).id
    key = analyze_key(analyze_app.config["TACTFUL"].secret_key, row_id)
    caller = analyze_app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    assert caller.post("/api/analyze", json={"text": "hi"}, headers=headers).status_code == 200
    with db.session() as session:
        installations.mark_uninstalled(session, session.get(installations.Installation, row_id))
    assert caller.post("/api/analyze", json={"text": "hi"}, headers=headers).status_code == 401


def test_each_caller_has_a_budget_then_429_with_retry_after(client, monkeypatch):
    monkeypatch.setattr(analyze_api, "PER_CALLER_PER_MINUTE", 3)
    answers = [client.post("/api/analyze", json={"text": "hi"}) for _ in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
    assert int(answers[-1].headers["Retry-After"]) >= 1


def test_a_busy_analyzer_answers_503_at_once_instead_of_queueing(client, monkeypatch):
    busy = threading.BoundedSemaphore(1)
    busy.acquire()          # another request is analysing
    monkeypatch.setattr(analyze_api, "_running", busy)
    response = client.post("/api/analyze", json={"text": "hi"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "1"
    busy.release()
    assert client.post("/api/analyze", json={"text": "hi"}).status_code == 200


def test_deeply_nested_body_is_400(client):
    raw = b'{"text": "hi", "settings": ' + b'{"a":' * 1000 + b"1" + b"}" * 1000 + b"}"
    response = client.post("/api/analyze", data=raw, content_type="application/json")
    assert response.status_code == 400
    assert "nests deeper" in str(response.get_json()["reasons"])
