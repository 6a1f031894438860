"""The Zendesk app package follows the Apps Framework rules, and agrees with our provisioning."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from connectors.zendesk.provision import TICKET_FIELDS, TRIGGERS, WEBHOOK_NAME

APP = Path(__file__).resolve().parents[2] / "manifest" / "zendesk"
LOCALES = ("en", "es", "fr", "de")
PARAMETER_TYPES = {"text", "password", "checkbox", "url", "number", "multiline", "hidden",
                   "oauth"}


def load(name: str):
    return json.loads((APP / name).read_text(encoding="utf-8"))


@pytest.fixture
def manifest() -> dict:
    return load("manifest.json")


@pytest.mark.parametrize("name", ["manifest.json",
                                  *(f"translations/{locale}.json" for locale in LOCALES)])
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


def test_no_requirements_json_the_install_provisions_through_the_api():
    # One path only (docs/zendesk.md): the OAuth / API-token install creates the webhook,
    # triggers and fields (connectors/zendesk/provision.py); the app declares none.
    assert not (APP / "requirements.json").exists()
    assert TICKET_FIELDS and TRIGGERS and WEBHOOK_NAME


@pytest.mark.parametrize("locale", LOCALES)
def test_every_locale_has_the_listing_texts_and_parameter_labels(manifest, locale):
    app = load(f"translations/{locale}.json")["app"]
    assert app["name"] and app["short_description"] and app["long_description"]
    assert set(app["parameters"]) == {p["name"] for p in manifest["parameters"]}


def test_sidebar_calls_are_secure_jwt_requests_with_the_shared_secret(manifest):
    secret = next(p for p in manifest["parameters"] if p["name"] == "shared_secret")
    assert secret["secure"] is True and secret["required"] is True
    script = (APP / "assets" / "app.js").read_text(encoding="utf-8")
    assert "secure: true" in script and "'{{setting.shared_secret}}'" in script
    assert "Bearer {{jwt.token}}" in script and "ticket.editor.insert" in script
    assert "/legal/terms" in manifest["termsConditionsURL"]
