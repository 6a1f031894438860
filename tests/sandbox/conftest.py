"""A sandbox helpdesk in a thread, a Zendesk account in it, and a receiver that records webhooks."""
from __future__ import annotations

import threading

import pytest
import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from connectors.base import InstallationContext
from integration.sandbox.server import QuietRequestHandler


@pytest.fixture
def zendesk_account(sandbox) -> dict:
    return requests.post(
        f"{sandbox.base_url}/_sandbox/accounts",
        json={"vendor": "zendesk", "account": "acme"}, timeout=5).json()


@pytest.fixture
def zendesk_ctx(sandbox, zendesk_account) -> InstallationContext:
    creds = zendesk_account
    return InstallationContext(
        id="in_sandbox", provider="zendesk", account="acme",
        api_base=f"{sandbox.base_url}{creds['api_base_path']}",
        credentials={"email": creds["email"], "api_token": creds["api_token"],
                     "actor_id": str(creds["user_id"])},
        webhook_secrets=["unused"])


class Recorder:
    """Collects the webhooks the sandbox sends, with headers and the exact bytes."""

    def __init__(self):
        self.received: list[dict] = []
        self.arrived = threading.Condition()

    def __call__(self, environ, start_response):
        request = Request(environ)
        with self.arrived:
            self.received.append({"headers": dict(request.headers), "body": request.get_data()})
            self.arrived.notify_all()
        return Response("ok", status=200)(environ, start_response)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[dict]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.received) >= count, timeout)
            return list(self.received)


@pytest.fixture
def webhook_receiver():
    recorder = Recorder()
    server = make_server("127.0.0.1", 0, recorder, threaded=True,
                         request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    recorder.url = f"http://127.0.0.1:{server.server_port}/hook"
    yield recorder
    server.shutdown()
    server.server_close()
    thread.join(5)
