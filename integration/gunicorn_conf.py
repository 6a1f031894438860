"""gunicorn settings module (`gunicorn -c python:integration.gunicorn_conf`).

Only the hook: when a worker exits, its live-gauge files in PROMETHEUS_MULTIPROC_DIR
are removed, so /metrics stops counting a dead process (counters keep their totals).
"""
from __future__ import annotations

import os


def child_exit(server, worker) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess
        multiprocess.mark_process_dead(worker.pid)
