"""manifest/intercom/app.json, the Developer Hub checklist, agrees with the connector and app."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from connectors.intercom import OAUTH, PERMISSIONS, TOPICS, oauth
from connectors.intercom.client import API_VERSION, REGION_HOSTS
from connectors.intercom.tickets import DEFAULT_ATTRIBUTES
from integration.domain.analysis.types import SENTIMENT_LABELS

APP_DIR = Path(__file__).resolve().parents[2] / "manifest" / "intercom"


@pytest.fixture(scope="module")
def described() -> dict:
    return json.loads((APP_DIR / "app.json").read_text(encoding="utf-8"))


def test_topics_are_exactly_the_ones_the_connector_acts_on(described):
    assert described["webhooks"]["topics"] == list(TOPICS)
    assert not set(described["webhooks"]["never_subscribe"]) & set(TOPICS)


def test_permissions_are_exactly_the_connectors(described):
    assert described["authentication"]["permissions"] == list(PERMISSIONS)


def test_versions_regions_and_oauth_endpoints_match(described):
    assert described["api_version"] == described["webhooks"]["api_version"] == API_VERSION
    assert described["regions"] == REGION_HOSTS
    assert described["authentication"]["authorize_url"] == oauth.AUTHORIZE_URL
    assert described["authentication"]["token_url"] == oauth.TOKEN_URL
    assert OAUTH.authorize_url == oauth.AUTHORIZE_URL
    assert OAUTH.token_url.format(base=OAUTH.api_base) == oauth.TOKEN_URL
    assert described["installation"]["install_success_redirect"] == \
        oauth.install_success_url()


def test_attributes_match_what_apply_writes(described):
    listed = {a["name"]: a for a in described["conversation_data_attributes"]["attributes"]}
    assert set(listed) == set(DEFAULT_ATTRIBUTES.values())
    assert set(listed["tactful_sentiment"]["options"]) == set(SENTIMENT_LABELS)


def _paths(described) -> list[str]:
    urls = [described["webhooks"]["endpoint_url"], described["installation"]["uninstall_url"],
            described["installation"]["install_url"],
            *described["authentication"]["redirect_urls"]]
    assert all(u.startswith("{PUBLIC_URL}/") for u in urls)
    return [u.removeprefix("{PUBLIC_URL}") for u in urls]


def test_every_url_it_names_is_served_by_tactful(described, app):
    adapter = app.url_map.bind("tactful.example")
    for path in _paths(described):
        method = "GET" if "/oauth/" in path else "POST"
        endpoint, _ = adapter.match(path, method=method)
        assert endpoint, path


def test_the_readme_walks_through_every_developer_hub_value(described):
    readme = (APP_DIR / "README.md").read_text(encoding="utf-8")
    for value in (*PERMISSIONS, *TOPICS, *_paths(described), "INTERCOM_CLIENT_SECRET",
                  "INTERCOM_CLIENT_ID"):
        assert value in readme, value
