"""gunicorn settings for Tactful's web process (`gunicorn -c python:integration.gunicorn_config`):
JSON answers for the errors gunicorn writes itself, and the Prometheus multiprocess hook.

gunicorn answers some bad requests itself, before Flask sees them: a request line
over `limit_request_line` (414), a header over `limit_request_field_size` or too
many headers (431), malformed HTTP (400). Its answer is an HTML page; every other
answer of ours is JSON with `error` and `reason`, and senders (vendors' webhook
clients, scripts) parse that. So the writer of those answers is replaced with one
that says the same in JSON.
"""
from __future__ import annotations

import json
import os

from gunicorn import util

# gunicorn's defaults, stated here so the docs and the JSON answers can name them.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

_html_write_error = util.write_error


def write_json_error(sock, status_int, reason, mesg):
    body = json.dumps({"error": str(reason).lower().replace(" ", "-"),
                       "reason": str(mesg) or str(reason)}).encode()
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
    util.write_nonblock(sock, head.encode("latin1") + body)


# Workers call util.write_error through the module, so replacing it here (the config is
# read in the master, before the workers fork) changes every error answer.
util.write_error = write_json_error


def child_exit(server, worker) -> None:
    """When a worker exits, its live-gauge files in PROMETHEUS_MULTIPROC_DIR are removed,
    so /metrics stops counting a dead process (counters keep their totals)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess
        multiprocess.mark_process_dead(worker.pid)
