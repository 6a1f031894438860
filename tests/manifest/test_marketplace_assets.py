"""What the three marketplace listings need: transparent PNG logos at the vendors' sizes,
screenshots from the browser tests, localised texts with the terms and privacy URLs, and
sidebar strings that agree across apps and languages."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "manifest"
LOCALES = ("en", "es", "fr", "de")
LOGOS = {"zendesk/assets/logo.png": 320, "zendesk/assets/logo-small.png": 128,
         "freshdesk/app/styles/images/logo.png": 512, "intercom/assets/logo.png": 512}
STRING_COPIES = (MANIFEST / "zendesk/assets/i18n", MANIFEST / "freshdesk/app/i18n",
                 ROOT / "integration/web/sidebar_i18n")


@pytest.mark.parametrize("relative, size", LOGOS.items())
def test_logos_are_png24_with_transparency_at_the_vendor_size(relative, size):
    from PIL import Image
    with Image.open(MANIFEST / relative) as image:
        assert image.format == "PNG" and image.mode == "RGBA" and image.size == (size, size)
        assert image.getpixel((0, 0))[3] == 0                  # transparent corner
        assert image.getpixel((size // 2, size // 2))[3] == 255  # solid mark


@pytest.mark.parametrize("vendor", ["zendesk", "freshdesk", "intercom"])
def test_each_listing_has_screenshots_from_the_browser_tests(vendor):
    shots = sorted((MANIFEST / vendor / "assets" / "screenshots").glob("*.png"))
    assert [s.name for s in shots] == [f"sidebar-{vendor}-check-reply.png",
                                       f"sidebar-{vendor}.png"]
    assert all(s.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for s in shots)


@pytest.mark.parametrize("vendor", ["freshdesk", "intercom"])
@pytest.mark.parametrize("locale", LOCALES)
def test_listing_texts_are_localised_and_link_terms_and_privacy(vendor, locale):
    listing = json.loads((MANIFEST / vendor / "listing" / f"{locale}.json").read_text("utf-8"))
    assert listing["short_description"] and listing["long_description"]
    assert listing["terms_url"].endswith("/legal/terms")
    assert listing["privacy_url"].endswith("/legal/privacy")
    for relative in (*listing["screenshots"], listing["logo"]):
        assert (MANIFEST / vendor / "listing" / relative).resolve().is_file(), relative


def test_listing_texts_differ_per_language():
    texts = {json.loads((MANIFEST / "freshdesk/listing" / f"{loc}.json").read_text("utf-8"))
             ["short_description"] for loc in LOCALES}
    assert len(texts) == len(LOCALES)


@pytest.mark.parametrize("locale", LOCALES)
def test_sidebar_strings_are_the_same_file_in_every_app_and_complete(locale):
    copies = {folder: (folder / f"{locale}.json").read_text("utf-8") for folder in STRING_COPIES}
    assert len(set(copies.values())) == 1, "sync the i18n copies (they must be identical)"
    english = json.loads((STRING_COPIES[0] / "en.json").read_text("utf-8"))
    strings = json.loads(next(iter(copies.values())))
    assert set(strings) == set(english) and all(strings.values())


def test_every_coaching_rule_has_a_sidebar_string():
    from integration.domain.drafting.catalog import load_catalog
    strings = json.loads((STRING_COPIES[0] / "en.json").read_text("utf-8"))
    rules = set(load_catalog("en")["guard"]) | {"banned_phrase", "no_acknowledgement",
                                                "unanswered_question", "hard_to_read"}
    assert {f"rule_{r}" for r in rules} <= set(strings)


def test_the_shared_sidebar_view_is_the_same_file_in_both_apps():
    zendesk = (MANIFEST / "zendesk/assets/sidebar-view.js").read_bytes()
    assert zendesk == (MANIFEST / "freshdesk/app/scripts/sidebar-view.js").read_bytes()
