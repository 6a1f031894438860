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
    Channel = Channel
    polling_interval = 0.05


def register() -> None:
    TRANSPORT_ALIASES[ALIAS] = f"{__name__}:Transport"


def embedded_url(sqlite_url: str) -> str:
    """`sqlite:///path` → the broker URL that selects this transport."""
    return f"{ALIAS}+{sqlite_url}"
