"""CPU an idle embedded-broker worker burns, polling an empty queue.

Starts `tactful worker`'s command on embedded defaults (SQLite database and queue)
in a temporary directory, lets it settle, then reads the CPU seconds of its whole
process tree (/proc, Linux) over --seconds. Runs with the fixed 50 ms poll
(TACTFUL_EMBEDDED_MAX_POLL_S=0.05, the old behaviour) and with the back-off.

    python -m bench.idle_worker [--seconds 20] [--json]
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
import time

from integration.cli import processes
from integration.store.migrate import upgrade

TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu_s(session_id: int) -> float:
    """utime + stime of every process in the session (the worker and its pool)."""
    total = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session_id:        # field 6 (session), after pid and comm
            total += int(fields[11]) + int(fields[12])
    return total / TICKS


def measure(max_poll_s: str, seconds: float, settle_s: float) -> float:
    with tempfile.TemporaryDirectory(prefix="tactful-idle-") as data_dir:
        env = {"TACTFUL_DATA_DIR": data_dir, "TACTFUL_ENV": "development",
               "DATABASE_URL": f"sqlite:///{data_dir}/tactful.sqlite",
               "CELERY_BROKER_URL": f"tactful-sqla+sqlite:///{data_dir}/broker.sqlite",
               "TACTFUL_EMBEDDED_MAX_POLL_S": max_poll_s, "TACTFUL_LOG_LEVEL": "WARNING"}
        upgrade(env["DATABASE_URL"])
        worker = processes.start(processes.worker_cmd(2), env, f"{data_dir}/worker.log")
        try:
            time.sleep(settle_s)
            before = tree_cpu_s(worker.pid)
            time.sleep(seconds)
            return (tree_cpu_s(worker.pid) - before) / seconds
        finally:
            processes.stop(worker)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--settle", type=float, default=10.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    fixed = measure("0.05", args.seconds, args.settle)
    backoff = measure("", args.seconds, args.settle)
    result = {"seconds": args.seconds, "fixed_poll_core_pct": round(100 * fixed, 2),
              "backoff_core_pct": round(100 * backoff, 2),
              "ratio": round(backoff / fixed, 3) if fixed else None}
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>22}: {value}")


if __name__ == "__main__":
    main()
