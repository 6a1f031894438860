"""Issue 13 findings 5 and 6 against real HTTP servers: gunicorn's own error answers are
JSON, and a chunked body over the limit is a 413 rather than silently cut."""
from __future__ import annotations

import http.client
import json
import socket
from urllib.parse import urlsplit

import pytest
import requests

from integration.cli import processes
from integration.store.migrate import upgrade


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def gunicorn(service_env, database_url, tmp_path):
    """Tactful under gunicorn with the project's config, as `tactful serve` starts it."""
    upgrade(database_url)
    port = _free_port()
    proc = processes.start(processes.web_cmd("127.0.0.1", port, workers=1, threads=2),
                           {**service_env, "TACTFUL_HANDOFF": "inline"},
                           str(tmp_path / "gunicorn.log"))
    base = f"http://127.0.0.1:{port}"
    try:
        assert processes.wait_http(f"{base}/healthz", timeout=60, proc=proc), \
            (tmp_path / "gunicorn.log").read_text()
        yield base
    finally:
        processes.stop(proc)


def _chunked_post(base: str, path: str, size: int) -> requests.Response:
    def chunks():
        sent = 0
        while sent < size:
            piece = min(16_384, size - sent)
            yield b"x" * piece
            sent += piece
    # A generator body makes requests send Transfer-Encoding: chunked, no Content-Length.
    return requests.post(f"{base}{path}", data=chunks(), timeout=30,
                         headers={"Content-Type": "application/json"})


def test_gunicorn_answers_an_over_long_request_line_with_json(gunicorn):
    response = requests.get(f"{gunicorn}/healthz?q={'a' * 9000}", timeout=10)
    assert response.status_code == 414
    assert response.headers["Content-Type"] == "application/json"
    assert response.json()["error"] and response.json()["reason"]


def test_gunicorn_answers_an_over_large_header_with_json(gunicorn):
    target = urlsplit(gunicorn)
    conn = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
    conn.putrequest("GET", "/healthz")
    conn.putheader("X-Big", "b" * 9000)
    conn.endheaders()
    response = conn.getresponse()
    assert response.status == 431
    assert response.getheader("Content-Type") == "application/json"
    assert json.loads(response.read())["error"]
    conn.close()


def test_chunked_body_over_the_limit_is_413_under_gunicorn(gunicorn):
    response = _chunked_post(gunicorn, "/webhooks/zendesk/in_unknown", 300_000)
    assert response.status_code == 413
    assert response.json()["error"] == "too-large"


def test_chunked_body_at_the_limit_is_read_whole_under_gunicorn(gunicorn):
    # Exactly at the limit: not too large; it reaches the receiver (unknown installation).
    response = _chunked_post(gunicorn, "/webhooks/zendesk/in_unknown", 256 * 1024)
    assert response.status_code == 404


def test_chunked_body_over_the_limit_is_413_on_the_flask_server(app, serve_app):
    base = serve_app(app)
    response = _chunked_post(base, "/webhooks/zendesk/in_unknown", 300_000)
    assert response.status_code == 413
    assert response.json()["error"] == "too-large"
