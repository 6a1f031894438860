"""Sandbox accounts with tickets that existed before Tactful was installed."""
from __future__ import annotations

import pytest
import requests

from integration.sandbox.core import VENDORS, sample_tickets


def open_account(sandbox, vendor: str, account: str, tickets: int) -> tuple[dict, list[str]]:
    """A sandbox account with `tickets` tickets, created before any install (no webhook)."""
    creds = requests.post(f"{sandbox.base_url}/_sandbox/accounts", timeout=5,
                          json={"vendor": vendor, "account": account}).json()
    samples = sample_tickets()
    ids = [requests.post(f"{sandbox.base_url}/_sandbox/{vendor}/{account}/tickets", timeout=5,
                         json=samples[i % len(samples)]).json()["ticket_id"]
           for i in range(tickets)]
    return creds, ids


@pytest.fixture
def existing(app, sandbox):
    """install(vendor, tickets) -> (installation id, ticket ids, credentials)."""
    def _install(vendor: str, tickets: int, account: str = "acme"):
        creds, ids = open_account(sandbox, vendor, account, tickets)
        installation_id = VENDORS[vendor].install(app, sandbox.base_url, creds,
                                                  "http://127.0.0.1:9")
        return installation_id, ids, creds
    return _install
