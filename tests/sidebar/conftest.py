"""The app with Intercom's client secret set, so Canvas Kit calls can be signed."""
from __future__ import annotations

import dataclasses

import pytest

from tests.sidebar.helpers import INTERCOM_SECRET


@pytest.fixture
def sidebar_app(app):
    app.config["TACTFUL"] = dataclasses.replace(app.config["TACTFUL"],
                                                intercom_client_secret=INTERCOM_SECRET)
    return app


@pytest.fixture
def sidebar_client(sidebar_app):
    return sidebar_app.test_client()
