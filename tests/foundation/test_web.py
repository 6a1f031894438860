"""Health, readiness, JSON errors and request ids."""
from __future__ import annotations

import json
import logging

import pytest

from integration.app import create_app
from tests.conftest import TEST_FERNET_KEY


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_readyz_ready_when_database_and_broker_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": "ok", "broker": "ok"}


def test_readyz_names_the_broker_when_it_is_unreachable(tmp_path, database_url):
    app = create_app(env="test", data_dir=str(tmp_path), database_url=database_url,
                     broker_url="redis://127.0.0.1:1/0", encryption_keys=(TEST_FERNET_KEY,))
    response = app.test_client().get("/readyz")
    body = response.get_json()
    assert response.status_code == 503
    assert body["failing"] == ["broker"]
    assert body["checks"]["database"] == "ok"
    app.extensions["tactful"].close()


def test_readyz_names_the_database_when_it_is_unreachable(tmp_path, broker_url):
    app = create_app(env="test", data_dir=str(tmp_path),
                     database_url="postgresql+psycopg://nobody@127.0.0.1:1/none",
                     broker_url=broker_url, encryption_keys=(TEST_FERNET_KEY,))
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["failing"] == ["database"]


@pytest.mark.parametrize("method,path,status,code", [
    ("get", "/no/such/page", 404, "not-found"),
    ("get", "/webhooks/zendesk/in_x", 405, "method-not-allowed"),
    ("post", "/webhooks/nosuchvendor/in_x", 404, "not-found"),
])
def test_errors_are_json_with_a_reason(client, method, path, status, code):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert response.is_json
    assert response.get_json()["error"] == code
    assert response.get_json()["reason"]


def test_oversized_webhook_body_is_413_before_anything_else(client, app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post("/webhooks/zendesk/in_x", data=b"x" * (limit + 1),
                           content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["error"] == "too-large"


def test_oversized_body_elsewhere_is_413_json(client, app, monkeypatch):
    monkeypatch.setitem(app.config["TACTFUL"].__dict__, "admin_token", "t" * 20)
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.put("/api/admin/installations/in_x/settings", data=b"x" * (limit + 1),
                          content_type="application/json",
                          headers={"Authorization": "Bearer " + "t" * 20})
    assert response.status_code == 413
    assert response.get_json()["error"] == "too-large"


def test_unexpected_error_is_500_json_and_logged(app, caplog):
    @app.get("/boom")
    def boom():
        raise RuntimeError("kaboom")
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert response.get_json()["error"] == "internal-error"
    assert any(r.getMessage() == "web.unhandled-error" for r in caplog.records)


def test_request_id_is_echoed_and_generated(client):
    assert client.get("/healthz", headers={"X-Request-Id": "abc123"}) \
        .headers["X-Request-Id"] == "abc123"
    assert len(client.get("/healthz").headers["X-Request-Id"]) == 16


def test_json_log_lines_carry_request_id_and_scrub_emails():
    from integration.logs import JsonFormatter, fields, request_id_var
    token = request_id_var.set("rid-1")
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "webhook.accepted", None, None)
    record.tactful = fields(note="mail jane.doe@example.com with Bearer abcdefghijkl")["tactful"]
    line = json.loads(JsonFormatter().format(record))
    request_id_var.reset(token)
    assert line["event"] == "webhook.accepted" and line["request_id"] == "rid-1"
    assert "example.com" not in line["note"] and "abcdefghijkl" not in line["note"]
