"""POST /api/analyze on a tiny app that only registers our blueprint."""
import pytest
from flask import Flask

from integration.domain.analysis.report import analysis_record
from integration.web.analyze_api import bp


@pytest.fixture
def client():
    app = Flask(__name__)
    app.register_blueprint(bp)
    return app.test_client()


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
