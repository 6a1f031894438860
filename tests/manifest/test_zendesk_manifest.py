"""The Zendesk app package follows the Apps Framework rules, and agrees with our provisioning."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from connectors.zendesk import CONNECTOR
from connectors.zendesk.provision import TICKET_FIELDS, TRIGGERS, WEBHOOK_NAME

APP = Path(__file__).resolve().parents[2] / "manifest" / "zendesk"
# zendesk_apps_support: the resource types a requirements.json may declare.
REQUIREMENT_TYPES = {"automations", "channel_integrations", "custom_objects",
                     "custom_objects_v2", "macros", "targets", "views", "ticket_fields",
                     "triggers", "user_fields", "organization_fields", "webhooks"}
WEBHOOK_KEYS = {"name", "status", "endpoint", "http_method", "request_format"}
PARAMETER_TYPES = {"text", "password", "checkbox", "url", "number", "multiline", "hidden",
                   "oauth"}
TICKET_FIELD_TYPES = {"text", "textarea", "checkbox", "date", "integer", "decimal", "regexp",
                      "partialcreditcard", "multiselect", "tagger", "lookup"}


def load(name: str):
    return json.loads((APP / name).read_text(encoding="utf-8"))


@pytest.fixture
def manifest() -> dict:
    return load("manifest.json")


@pytest.fixture
def requirements() -> dict:
    return load("requirements.json")


@pytest.mark.parametrize("name", ["manifest.json", "requirements.json", "translations/en.json"])
def test_package_files_are_json_objects(name):
    assert isinstance(load(name), dict)


def test_manifest_has_the_required_keys_with_the_right_types(manifest):
    assert isinstance(manifest["name"], str) and manifest["name"]
    assert {"name", "email"} <= set(manifest["author"])
    assert isinstance(manifest["private"], bool)
    assert re.fullmatch(r"\d+\.\d+\.\d+", manifest["version"])
    assert manifest["frameworkVersion"] == "2.0"
    assert isinstance(manifest["domainWhitelist"], list)


def test_every_location_points_at_a_shipped_asset(manifest):
    for app_locations in manifest["location"].values():
        for location in app_locations.values():
            assert (APP / location["url"]).is_file(), location["url"]


def test_logos_required_by_the_marketplace_are_pngs():
    for name in ("logo.png", "logo-small.png"):
        assert (APP / "assets" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_parameters_are_well_formed_and_translated(manifest):
    labels = load(f"translations/{manifest['defaultLocale']}.json")["app"]["parameters"]
    names = [p["name"] for p in manifest["parameters"]]
    assert len(names) == len(set(names))
    for parameter in manifest["parameters"]:
        assert parameter["type"] in PARAMETER_TYPES
        assert isinstance(parameter.get("required", False), bool)
        assert labels[parameter["name"]]["label"]


def test_default_locale_translation_has_the_listing_texts(manifest):
    app = load(f"translations/{manifest['defaultLocale']}.json")["app"]
    assert app["name"] and app["short_description"] and app["long_description"]


def test_requirement_types_are_known_and_keys_complete(requirements):
    assert set(requirements) <= REQUIREMENT_TYPES
    assert sum(len(v) for v in requirements.values()) <= 5000
    for kind, items in requirements.items():
        for key, item in items.items():
            assert re.fullmatch(r"[a-z0-9_]+", key)
            if kind == "webhooks":
                assert set(item) >= WEBHOOK_KEYS, key
            else:
                assert isinstance(item.get("title"), str) and item["title"], key


def test_ticket_fields_match_what_provisioning_creates(requirements):
    fields = requirements["ticket_fields"]
    assert {f["title"] for f in fields.values()} == set(TICKET_FIELDS.values())
    assert all(f["type"] in TICKET_FIELD_TYPES for f in fields.values())


def test_triggers_call_the_declared_webhook_with_a_body_we_parse(requirements):
    webhooks = requirements["webhooks"]
    assert [w["name"] for w in webhooks.values()] == [WEBHOOK_NAME]
    declared = {t["title"]: t for t in requirements["triggers"].values()}
    assert set(declared) == {spec["title"] for spec in TRIGGERS.values()}
    for event, spec in TRIGGERS.items():
        trigger = declared[spec["title"]]
        assert trigger["conditions"]["all"] == spec["all"]      # same loop guard as the API
        [action] = trigger["actions"]
        assert action["field"] == "notification_webhook" and action["value"][0] in webhooks
        filled = action["value"][1].replace("{{ticket.id}}", "42").replace(
            "{{ticket.updated_at_with_timestamp}}", "2026-11-27T10:00:00Z").replace(
            "{{current_user.id}}", "7").replace("{{ticket.via}}", "Mail")
        parsed = CONNECTOR.parse_event(json.loads(filled))
        assert (parsed.kind, parsed.ticket_id, parsed.account) == (event, "42", None)
