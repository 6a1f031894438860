"""Shared pieces for end-to-end and fault tests: the sandbox, a live receiver, an install."""
from __future__ import annotations

import os
import time

import pytest
import requests
from sqlalchemy import select

from integration.installers.zendesk import install_with_api_token
from integration.sandbox.core import sample_tickets
from integration.store.models import Event


@pytest.fixture
def tactful_url(app, serve_app):
    """Our receiver on a real port, so the sandbox delivers over HTTP as a vendor would."""
    return serve_app(app)


@pytest.fixture
def installed(app, sandbox, tactful_url) -> dict:
    account = requests.post(f"{sandbox.base_url}/_sandbox/accounts", timeout=5,
                            json={"vendor": "zendesk", "account": "acme"}).json()
    report = install_with_api_token(
        app, subdomain="acme", email=account["email"], api_token=account["api_token"],
        api_base=f"{sandbox.base_url}{account['api_base_path']}", public_url=tactful_url)
    return {"installation_id": report.installation_id, **account}


def sandbox_call(sandbox, method: str, path: str, **body) -> dict:
    response = requests.request(method, f"{sandbox.base_url}/_sandbox{path}", timeout=5,
                                json=body or None)
    response.raise_for_status()
    return response.json()


def sample(kind: str) -> dict:
    return next(s for s in sample_tickets() if s["kind"] == kind)


# Liveness waits only: a loaded machine may be slower, never wrong. The factor stretches
# every wait so a busy 2-core CI box does not turn slowness into a failure.
WAIT_FACTOR = float(os.environ.get("TACTFUL_TEST_WAIT_FACTOR", "3"))


def wait_until(check, timeout: float = 25.0, what: str = "condition"):
    deadline = time.monotonic() + timeout * WAIT_FACTOR
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def events_of(db, ticket_id: str) -> list[Event]:
    with db.session() as session:
        return list(session.scalars(select(Event).where(Event.ticket_id == ticket_id)))


def writes_of(sandbox, ticket_id: str) -> list[dict]:
    return requests.get(f"{sandbox.base_url}/_sandbox/log", timeout=5,
                        params={"account": "acme", "ticket": ticket_id}).json()["writes"]


