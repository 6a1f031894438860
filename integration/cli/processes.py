"""Starting and stopping our own processes (web, worker, beat, sandbox).

Used by `tactful run`, the demo, the benchmarks and the tests; it only ever
signals processes it started, by PID.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping

import requests


def python_cmd(*args: str) -> list[str]:
    return [sys.executable, *args]


def web_cmd(host: str, port: int, workers: int = 2, threads: int = 4) -> list[str]:
    return python_cmd("-m", "gunicorn", "--bind", f"{host}:{port}", "--workers", str(workers),
                      "--threads", str(threads), "--access-logfile", "-", "--log-level",
                      "warning", "--config", "python:integration.gunicorn_conf",
                      "integration.wsgi:app")


def worker_cmd(concurrency: int = 2, beat: bool = False, queues: str = "tactful") -> list[str]:
    cmd = python_cmd("-m", "celery", "-A", "tasks.worker", "worker", "--loglevel", "WARNING",
                     "--concurrency", str(concurrency), "-Q", queues, "--without-gossip",
                     "--without-mingle", "--without-heartbeat")
    if beat:
        cmd.append("--beat")
        cmd += ["--schedule", os.path.join(os.environ.get("TACTFUL_DATA_DIR", "var"),
                                           "celerybeat-schedule")]
    return cmd


def metrics_dir(data_dir: str, wipe: bool = False) -> str:
    """PROMETHEUS_MULTIPROC_DIR for our processes: as set, or <data dir>/metrics.

    Set before any of them imports prometheus_client. `wipe` empties it, for a start
    with no process of the previous run left (files of dead processes would count)."""
    import shutil
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or os.path.join(
        os.path.abspath(data_dir), "metrics")
    if wipe:
        shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder, exist_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
    return folder


def start(cmd: list[str], env: Mapping[str, str] | None = None,
          log_path: str | None = None) -> subprocess.Popen:
    full_env = {**os.environ, **(env or {})}
    out = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    try:
        # A new session per child so stop() can signal its whole group (gunicorn and
        # celery both fork workers) without touching anything else on the machine.
        return subprocess.Popen(cmd, env=full_env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    finally:
        if log_path:
            out.close()   # the child holds its own descriptor


def stop(proc: subprocess.Popen, timeout: float = 10, sig: int = signal.SIGTERM) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)


def wait_http(url: str, timeout: float = 30, ok_statuses: tuple[int, ...] = (200,),
              proc: subprocess.Popen | None = None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            if requests.get(url, timeout=1).status_code in ok_statuses:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.1)
    return False
