"""Recorded Zendesk JSON, a signing helper and an installation, for the contract tests."""
from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
from pathlib import Path

import pytest

from connectors.base import InstallationContext

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "zendesk"
API_BASE = "https://acme.zendesk.com"
OUR_USER_ID = "27810044119"
FIELD_IDS = {"sentiment": 360001, "emotions": 360002, "priority": 360003, "topic": 360004}


def read_fixture(kind: str, name: str):
    return json.loads((FIXTURES / kind / f"{name}.json").read_text(encoding="utf-8"))


def zendesk_signature(secret: str, timestamp: str, raw: bytes) -> str:
    """How Zendesk signs: base64(HMAC-SHA256(secret string, timestamp + raw body))."""
    return base64.b64encode(hmac.new(secret.encode(), timestamp.encode() + raw,
                                     hashlib.sha256).digest()).decode()


@pytest.fixture
def webhook_fixture():
    """A deep copy of tests/fixtures/zendesk/webhooks/<name>.json, free to mutate."""
    return lambda name: copy.deepcopy(read_fixture("webhooks", name))


@pytest.fixture
def api_fixture():
    return lambda name: copy.deepcopy(read_fixture("api", name))


@pytest.fixture
def sign():
    return zendesk_signature


@pytest.fixture
def ctx() -> InstallationContext:
    return InstallationContext(
        id="in_test", provider="zendesk", account="acme", api_base=API_BASE,
        credentials={"email": "tactful@acme.example", "api_token": "tok-123",
                     "actor_id": OUR_USER_ID},
        webhook_secrets=["current-secret", "previous-secret"],
        remote={"fields": dict(FIELD_IDS)})
