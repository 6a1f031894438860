"""Serving the real sidebar apps to a real browser, against a live Tactful.

The apps' files are served from manifest/ by a test-only blueprint on the same server as
Tactful, with the vendor SDK's <script> swapped for a stub that records every call (the
stubs live in tests/browser/stubs/ and are never shipped). The stub's settings (secret,
account, ticket, agent, locale) travel in the page's ?stub= parameter.
"""
from __future__ import annotations

import base64
import json
from pathlib import Path

from flask import Blueprint, Response, abort, send_from_directory

ROOT = Path(__file__).resolve().parents[2]
STUBS = Path(__file__).parent / "stubs"
ZENDESK = ROOT / "manifest" / "zendesk" / "assets"
FRESHDESK = ROOT / "manifest" / "freshdesk" / "app"
ZAF_SDK = "https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js"


def _page(folder: Path, name: str, swap: tuple[str, str], stub: str) -> Response:
    html = (folder / name).read_text(encoding="utf-8")
    if swap[0] not in html:
        abort(500, description=f"{name} no longer loads {swap[0]}")
    html = html.replace(f'<script src="{swap[0]}"></script>',
                        f'<script src="/_test/stubs/signing.js"></script>'
                        f'<script src="/_test/stubs/{stub}"></script>')
    return Response(html, mimetype="text/html")


def mount(app) -> None:
    bp = Blueprint("sidebar_test_assets", __name__, url_prefix="/_test")

    @bp.get("/zendesk/<path:name>")
    def zendesk(name: str):
        if name == "iframe.html":
            return _page(ZENDESK, name, (ZAF_SDK, ""), "zaf-stub.js")
        return send_from_directory(ZENDESK, name)

    @bp.get("/freshdesk/<path:name>")
    def freshdesk(name: str):
        if name == "index.html":
            return _page(FRESHDESK, name, ("{{{appclient}}}", ""), "fdk-stub.js")
        return send_from_directory(FRESHDESK, name)

    @bp.get("/stubs/<path:name>")
    def stubs(name: str):
        return send_from_directory(STUBS, name)

    app.register_blueprint(bp)


def stub_query(**config) -> str:
    return "stub=" + base64.b64encode(json.dumps(config).encode()).decode()


def wait_for(page, css: str, timeout: float = 30.0):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(page, timeout).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css)))


def wait_until(page, script: str, timeout: float = 30.0):
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(page, timeout).until(lambda driver: driver.execute_script(script))


def sidebar_sized(page, width: int = 400, height: int = 1100):
    """The session's browser at a helpdesk sidebar's width; a generator for a fixture."""
    page.set_window_size(width, height)
    yield page
    page.set_window_size(1280, 900)
