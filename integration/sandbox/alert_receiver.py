"""A stand-in for a Slack-style incoming webhook: it keeps every JSON body posted to it.

The demo starts one on 127.0.0.1 in its own process and points an installation's
`alerts.webhook_url` at it, so a proactive alert can be seen arriving without a
Slack workspace."""
from __future__ import annotations

import threading

from werkzeug.wrappers import Request, Response


class AlertReceiver:
    """WSGI app and server in one: start() serves it on a free loopback port."""

    def __init__(self):
        self.received: list[dict] = []
        self._lock = threading.Lock()
        self._server = None
        self.url = ""

    def __call__(self, environ, start_response):
        body = Request(environ).get_json(silent=True)
        with self._lock:
            self.received.append(body if isinstance(body, dict) else {"invalid": True})
        return Response("ok")(environ, start_response)

    def alerts(self) -> list[dict]:
        with self._lock:
            return list(self.received)

    def start(self) -> AlertReceiver:
        from integration.sandbox.server import serve_app_in_thread
        self._server = serve_app_in_thread(self, name="alert-receiver")
        self.url = f"{self._server.base_url}/alerts"
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
