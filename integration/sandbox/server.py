"""Running the sandbox: in a thread (tests, the demo) or as its own process (`tactful sandbox`)."""
from __future__ import annotations

import threading
from dataclasses import dataclass

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from integration.sandbox.core import Sandbox, create_app


class QuietRequestHandler(WSGIRequestHandler):
    """No access log line per request: tests and the demo print their own summaries."""

    def log_request(self, code="-", size="-") -> None:
        pass


@dataclass
class RunningServer:
    """Any WSGI app on a real port in a daemon thread (the sandbox, or Tactful in tests)."""

    base_url: str
    server: BaseWSGIServer
    thread: threading.Thread

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def serve_app_in_thread(app, port: int = 0, host: str = "127.0.0.1",
                        name: str = "wsgi-http") -> RunningServer:
    server = make_server(host, port, app, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name=name, daemon=True)
    thread.start()
    return RunningServer(f"http://{host}:{server.server_port}", server, thread)


@dataclass
class RunningSandbox(RunningServer):
    """The sandbox's server, plus the sandbox itself (its webhook sender stops too)."""

    sandbox: Sandbox

    def stop(self) -> None:
        super().stop()
        self.sandbox.stop()


def serve_in_thread(port: int = 0, host: str = "127.0.0.1") -> RunningSandbox:
    """Start the sandbox on a free port (port=0) in a daemon thread; call stop() when done."""
    sandbox = Sandbox()
    running = serve_app_in_thread(create_app(sandbox), port, host, name="sandbox-http")
    return RunningSandbox(running.base_url, running.server, running.thread, sandbox)


def serve_forever(port: int, host: str = "127.0.0.1") -> None:
    sandbox = Sandbox()
    server = make_server(host, port, create_app(sandbox), threaded=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        sandbox.stop()
