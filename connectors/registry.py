"""The one place that names every helpdesk. Routes and tasks derive from these keys."""
from __future__ import annotations

import importlib

from connectors.base import Connector

# provider key -> module path exposing CONNECTOR. Adding a helpdesk is one line here.
PROVIDERS: dict[str, str] = {
    "zendesk": "connectors.zendesk",
    "freshdesk": "connectors.freshdesk",
    "intercom": "connectors.intercom",
}

_cache: dict[str, Connector] = {}


class UnknownProvider(KeyError):
    pass


def available() -> list[str]:
    """Provider keys whose module is present in this build."""
    found = []
    for key in PROVIDERS:
        try:
            get(key)
        except UnknownProvider:
            continue
        found.append(key)
    return found


def get(key: str) -> Connector:
    if key in _cache:
        return _cache[key]
    path = PROVIDERS.get(key)
    if path is None:
        raise UnknownProvider(key)
    try:
        module = importlib.import_module(path)
    except ModuleNotFoundError as exc:
        if exc.name != path:
            raise
        raise UnknownProvider(key) from exc
    _cache[key] = module.CONNECTOR
    return _cache[key]
