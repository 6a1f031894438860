"""The browser harness itself: a real Chromium opens a page served by Tactful."""
from __future__ import annotations


def test_chromium_renders_a_page_served_by_tactful(app, serve_app, page, screenshot):
    base = serve_app(app)
    page.get(f"{base}/healthz")
    assert '"status"' in page.page_source and "ok" in page.find_element("tag name", "body").text
    shot = screenshot("harness-healthz")
    assert shot.read_bytes().startswith(b"\x89PNG")
