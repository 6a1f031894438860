"""Intercom fixtures and signatures for tests: load a JSON file, deep-copied, and sign bytes.

Signatures are always computed here from the raw bytes sent, never pasted.
"""
from __future__ import annotations

import copy
import functools
import hashlib
import hmac
import json
import time
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "intercom"
CLIENT_SECRET = "test-intercom-client-secret"
WORKSPACE = "abc123def"
ADMIN_ID = "991267"
API = "https://api.intercom.io"


@functools.cache
def _read(kind: str, name: str) -> dict:
    return json.loads((FIXTURES / kind / f"{name}.json").read_text(encoding="utf-8"))


def webhook(name: str, *, sent_at: float | None = None) -> dict:
    """A notification, stamped as sent now (or at `sent_at`) so it is not stale."""
    payload = copy.deepcopy(_read("webhooks", name))
    payload["created_at"] = payload["first_sent_at"] = int(
        time.time() if sent_at is None else sent_at)
    return payload


def api(name: str) -> dict:
    return copy.deepcopy(_read("api", name))


def sign(raw: bytes, secret: str = CLIENT_SECRET) -> str:
    return "sha1=" + hmac.new(secret.encode(), raw, hashlib.sha1).hexdigest()


def signed(payload: dict, secret: str = CLIENT_SECRET) -> tuple[bytes, dict[str, str]]:
    """Raw body and headers as Intercom would send them."""
    raw = json.dumps(payload).encode()
    return raw, {"X-Hub-Signature": sign(raw, secret), "Content-Type": "application/json",
                 "User-Agent": "intercom-parrot-service-client/1.0"}
