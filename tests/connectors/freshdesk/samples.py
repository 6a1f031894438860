"""Freshdesk test material: fixture files, a signing helper, a ready InstallationContext.

Fixtures are loaded fresh (a deep copy each time) so a test may mutate what it
gets. Signatures are computed here, never pasted into tests.
"""
from __future__ import annotations

import copy
import json
import time
from functools import cache
from pathlib import Path

from connectors.base import InstallationContext
from connectors.freshdesk.webhook import (
    SECRET_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    signature_of,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "freshdesk"
API_BASE = "https://acme.freshdesk.com"
SECRET = "whsec-freshdesk-test-secret"
OLD_SECRET = "whsec-freshdesk-previous-secret"
API_KEY = "fd-api-key-for-tests"
OUR_AGENT_ID = "9000042"


@cache
def _read(kind: str, name: str):
    return json.loads((FIXTURES / kind / f"{name}.json").read_text(encoding="utf-8"))


def webhook(name: str) -> dict:
    return copy.deepcopy(_read("webhooks", name))


def api(name: str):
    return copy.deepcopy(_read("api", name))


def raw(payload: dict) -> bytes:
    return json.dumps(payload).encode()


def shared_secret_headers(secret: str = SECRET) -> dict[str, str]:
    return {SECRET_HEADER: secret, "Content-Type": "application/json"}


def signed_headers(body: bytes, secret: str = SECRET, timestamp: int | None = None) -> dict:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {SIGNATURE_HEADER: signature_of(secret, stamp, body), TIMESTAMP_HEADER: stamp,
            "Content-Type": "application/json"}


def context(**overrides) -> InstallationContext:
    values = dict(id="in_fd_test", provider="freshdesk", account="acme", api_base=API_BASE,
                  credentials={"api_key": API_KEY, "actor_id": OUR_AGENT_ID},
                  webhook_secrets=[SECRET, OLD_SECRET],
                  remote={"fields": {"sentiment": "cf_tactful_sentiment",
                                     "topic": "cf_tactful_topic"}})
    values.update(overrides)
    return InstallationContext(**values)
