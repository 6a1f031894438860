"""Starting and stopping our own processes (web, worker, beat, sandbox).

Used by `tactful run`, the demo, the benchmarks and the tests; it only ever
signals processes it started, by PID.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping

import requests

GUNICORN_CONFIG = "python:integration.gunicorn_config"
PR_SET_PDEATHSIG = 1    # from <sys/prctl.h>


def python_cmd(*args: str) -> list[str]:
    return [sys.executable, *args]


def web_cmd(host: str, port: int, workers: int = 2, threads: int = 4) -> list[str]:
    return python_cmd("-m", "gunicorn", "--config", GUNICORN_CONFIG, "--bind", f"{host}:{port}",
                      "--workers", str(workers), "--threads", str(threads),
                      "--access-logfile", "-", "--log-level", "warning", "integration.wsgi:app")


def log_level() -> str:
    """TACTFUL_LOG_LEVEL for Celery's own --loglevel (event.retry, event.failed and
    sweep.republished are INFO lines: a fixed WARNING hid them)."""
    return (os.environ.get("TACTFUL_LOG_LEVEL") or "INFO").strip().upper()


def worker_cmd(concurrency: int = 2, beat: bool = False, queues: str = "tactful") -> list[str]:
    cmd = python_cmd("-m", "celery", "-A", "tasks.worker", "worker", "--loglevel", log_level(),
                     "--concurrency", str(concurrency), "-Q", queues, "--without-gossip",
                     "--without-mingle", "--without-heartbeat")
    if beat:
        cmd.append("--beat")
        cmd += ["--schedule", os.path.join(os.environ.get("TACTFUL_DATA_DIR", "var"),
                                           "celerybeat-schedule")]
    return cmd


def _die_with(parent_pid: int):
    """A preexec_fn: the child gets SIGTERM when the process that started it dies.

    Linux's PR_SET_PDEATHSIG, so a SIGKILLed `tactful run` or `tactful demo` leaves
    no orphans (its children are in their own sessions, so no terminal signal
    reaches them). If the parent died before the call took effect, exit at once.
    """
    def arrange() -> None:
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):
            return   # not Linux: the caller's own cleanup is all there is
        if os.getppid() != parent_pid:
            os._exit(1)
    return arrange


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
          log_path: str | None = None, tie_to_parent: bool = False) -> subprocess.Popen:
    """Start our own process. `tie_to_parent` (Linux): it is stopped when this process
    dies, even by SIGKILL; only for callers on the main thread, since the kernel ties
    the child to the thread that started it."""
    full_env = {**os.environ, **(env or {})}
    out = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    preexec = _die_with(os.getpid()) if tie_to_parent and sys.platform == "linux" else None
    try:
        # A new session per child so stop() can signal its whole group (gunicorn and
        # celery both fork workers) without touching anything else on the machine.
        return subprocess.Popen(cmd, env=full_env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True, preexec_fn=preexec)
    finally:
        if log_path:
            out.close()   # the child holds its own descriptor


def exit_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so `finally` blocks stop our children cleanly
    (Python's default for SIGTERM ends the process without running them)."""
    def handler(signum, frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, handler)


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
