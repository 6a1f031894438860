from __future__ import annotations

import pytest

from connectors.intercom.tickets import CACHE


@pytest.fixture(autouse=True)
def fresh_workspace_cache():
    """Each test starts with no cached tag ids or attribute lists."""
    CACHE.clear()
    yield
    CACHE.clear()
