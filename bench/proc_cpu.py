"""CPU time of our own processes, read from /proc: a process and all its descendants.

Linux only. utime + stime of each live process (its threads included), in seconds;
a child that exited between two reads takes its time with it, so read around a run
while the processes are up.
"""
from __future__ import annotations

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()   # fields after the command name


def descendants(root: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) is not None:
            parents[int(entry.name)] = int(fields[1])
    found, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found.update(children)
        frontier += children
    return found


def cpu_seconds(roots: list[int]) -> float:
    total = 0
    for pid in set().union(*(descendants(r) for r in roots)):
        fields = _stat(pid)
        if fields is not None:
            total += int(fields[11]) + int(fields[12])       # utime, stime
    return total / TICKS
