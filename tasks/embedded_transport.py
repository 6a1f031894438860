"""The embedded broker: kombu's SQLAlchemy transport on a SQLite file, tuned.

Why a subclass: kombu hands every transport option to create_engine(), so the
stock transport cannot take a polling interval (one second by default, which
would add up to a second to every ticket on a laptop). This one keeps engine
options and transport options apart and gives SQLite a busy timeout so the web
process and the worker can share the file.

A message taken by a worker that then dies is not redelivered by this
transport; the events table and the sweep recover it (tasks/relay.py).
"""
from __future__ import annotations

import os
from queue import Empty
from time import monotonic, sleep

from kombu.transport import TRANSPORT_ALIASES
from kombu.transport import sqlalchemy as sqla
from sqlalchemy import create_engine

SCHEME = "sqla"
ALIAS = "tactful-sqla"


class Channel(sqla.Channel):
    def _engine_from_config(self):
        return create_engine(self.connection.client.hostname, connect_args={"timeout": 30},
                             pool_pre_ping=True)


class Transport(sqla.Transport):
    """Polls every 50 ms while there is work, backing off to MAX_IDLE_POLL_S when idle.

    A fixed 50 ms poll kept an idle worker at about 7% of a core (bench/idle_worker.py).
    Doubling the wait after each empty poll costs the first ticket after a quiet spell
    at most MAX_IDLE_POLL_S of latency; a busy queue is still read every 50 ms.
    """

    Channel = Channel
    polling_interval = 0.05
    # TACTFUL_EMBEDDED_MAX_POLL_S=0.05 restores the fixed poll (bench/idle_worker.py).
    MAX_IDLE_POLL_S = float(os.environ.get("TACTFUL_EMBEDDED_MAX_POLL_S") or 0.8)

    def __init__(self, client, **kwargs):
        super().__init__(client, **kwargs)
        self._idle_wait = self.polling_interval

    def drain_events(self, connection, timeout=None):
        started = monotonic()
        while True:
            try:
                self.cycle.get(self._deliver, timeout=timeout)
            except Empty:
                waited = monotonic() - started
                if timeout is not None and waited >= timeout:
                    raise TimeoutError() from None
                pause = self._idle_wait if timeout is None \
                    else min(self._idle_wait, timeout - waited)
                sleep(max(pause, 0.0))
                self._idle_wait = min(self._idle_wait * 2, self.MAX_IDLE_POLL_S)
            else:
                self._idle_wait = self.polling_interval
                return


def register() -> None:
    TRANSPORT_ALIASES[ALIAS] = f"{__name__}:Transport"


def embedded_url(sqlite_url: str) -> str:
    """`sqlite:///path` → the broker URL that selects this transport."""
    return f"{ALIAS}+{sqlite_url}"
