"""Fixtures shared by the Intercom receiver tests (webhooks and uninstall)."""
from __future__ import annotations

import dataclasses

import pytest

from integration.store import installations
from tests.connectors.intercom.payloads import ADMIN_ID, API, CLIENT_SECRET, WORKSPACE


@pytest.fixture
def intercom_app(app):
    """The app with Intercom's client secret configured (the test settings have none)."""
    app.config["TACTFUL"] = dataclasses.replace(app.config["TACTFUL"],
                                                intercom_client_secret=CLIENT_SECRET)
    return app


@pytest.fixture
def intercom_installation_id(intercom_app, db, keyring) -> str:
    with db.session() as session:
        return installations.create(
            session, keyring, provider="intercom", account=WORKSPACE, api_base=API,
            credentials={"access_token": "tok", "actor_id": ADMIN_ID}).id
