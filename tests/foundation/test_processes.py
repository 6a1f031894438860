"""Issue 13 finding 12: our service processes follow the settings and their parent.

`tactful worker`/`beat` pass TACTFUL_LOG_LEVEL to Celery, and children started with
tie_to_parent stop when the parent that started them is SIGKILLed.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from integration.cli import processes


def test_worker_and_beat_commands_follow_tactful_log_level(monkeypatch):
    monkeypatch.setenv("TACTFUL_LOG_LEVEL", "info")
    cmd = processes.worker_cmd(2)
    assert cmd[cmd.index("--loglevel") + 1] == "INFO"
    monkeypatch.setenv("TACTFUL_LOG_LEVEL", "DEBUG")
    cmd = processes.worker_cmd(2, beat=True)
    assert cmd[cmd.index("--loglevel") + 1] == "DEBUG"
    assert processes.log_level() == "DEBUG"


def test_web_command_uses_the_gunicorn_config_with_json_errors():
    cmd = processes.web_cmd("127.0.0.1", 8000)
    assert cmd[cmd.index("--config") + 1] == "python:integration.gunicorn_config"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as status:
            return "\nState:\tZ" not in status.read()     # a zombie is dead, just unreaped
    except FileNotFoundError:
        return False


PARENT = textwrap.dedent("""
    import sys, time
    from integration.cli import processes
    child = processes.start([sys.executable, "-c", "import time; time.sleep(120)"],
                            tie_to_parent=sys.argv[1] == "tied")
    print(child.pid, flush=True)
    time.sleep(120)
""")


def _parent_with_child(mode: str) -> tuple[subprocess.Popen, int]:
    parent = subprocess.Popen([sys.executable, "-c", PARENT, mode], stdout=subprocess.PIPE,
                              text=True, start_new_session=True)
    child_pid = int(parent.stdout.readline())
    assert _alive(child_pid)
    return parent, child_pid


def _wait_dead(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.1)
    return False


@pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux's")
def test_tied_children_stop_when_their_parent_is_sigkilled():
    parent, child_pid = _parent_with_child("tied")
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait(10)
    parent.stdout.close()
    assert _wait_dead(child_pid, timeout=30)


@pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux's")
def test_untied_children_survive_their_parent_which_is_the_bug_tying_fixes():
    parent, child_pid = _parent_with_child("untied")
    try:
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        parent.stdout.close()
        assert not _wait_dead(child_pid, timeout=2)
    finally:
        os.kill(child_pid, signal.SIGKILL)
