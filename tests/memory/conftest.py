"""Memory tests drive the real pipeline (process_event) against the sandbox helpdesk over
HTTP: the event row is stored as the receiver would store it, then processed in-process."""
from __future__ import annotations

import dataclasses
import uuid

import pytest
import requests
from sqlalchemy import update

from integration.pipeline import knowledge, process
from integration.runtime import processing
from integration.sandbox.core import load_vendors
from integration.store.models import Event, Installation

SERVICE_URL = "http://127.0.0.1:9"      # provisioned webhooks point nowhere: we process directly


@pytest.fixture
def vendor_install(app, sandbox, db):
    """install(vendor) -> (installation id, credentials) for a fresh sandbox account."""
    def _install(vendor: str, account: str = "acme") -> tuple[str, dict]:
        credentials = requests.post(f"{sandbox.base_url}/_sandbox/accounts", timeout=5,
                                    json={"vendor": vendor, "account": account}).json()
        module = load_vendors()[vendor]
        installation_id = module.install(app, sandbox.base_url, credentials, SERVICE_URL)
        return installation_id, credentials
    return _install


def set_settings(db, installation_id: str, **sections) -> None:
    with db.session() as session:
        session.execute(update(Installation).where(Installation.id == installation_id)
                        .values(settings=sections))


def refresh_knowledge(app, installation_id: str) -> int:
    from integration.runtime import database, keyring
    return knowledge.refresh(database(app), keyring(app), installation_id)


def new_ticket(sandbox, vendor: str, account: str, body: str, *, email: str,
               name: str = "Dana Whitfield", subject: str = "Help", tags=()) -> str:
    return requests.post(f"{sandbox.base_url}/_sandbox/{vendor}/{account}/tickets", timeout=5,
                         json={"subject": subject, "body": body, "tags": list(tags),
                               "requester": {"name": name, "email": email}}
                         ).json()["ticket_id"]


def view(sandbox, vendor: str, account: str, ticket_id: str) -> dict:
    return requests.get(f"{sandbox.base_url}/_sandbox/{vendor}/{account}/tickets/{ticket_id}",
                        timeout=5).json()


def process_ticket(app, db, installation_id: str, ticket_id: str) -> process.Outcome:
    """Store the event the webhook would have stored, and process it as a worker would."""
    with db.session() as session:
        event = Event(installation_id=installation_id, provider_event_id=uuid.uuid4().hex,
                      ticket_id=str(ticket_id), kind="created")
        session.add(event)
        session.flush()
        event_id = event.id
    with app.app_context():
        # These tests are about memory, not flow control: a budget that never runs out,
        # so processing several tickets back to back never waits.
        runtime = dataclasses.replace(processing(app), per_minute=1_000_000)
        return process.process_event(runtime, event_id, f"test-{event_id}")
