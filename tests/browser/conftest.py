"""A real headless Chromium for page tests: Debian's chromium and chromedriver, driven by
Selenium. Nothing is downloaded at run time: the driver path is given explicitly, so
Selenium Manager never looks for one.

Where the browser is missing the page tests are skipped with a notice; CI installs it
(.ci/run) and sets TACTFUL_REQUIRE_BROWSER=1, so there a missing browser fails.
Screenshots go to $TACTFUL_SCREENSHOT_DIR (default var/screenshots).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("TACTFUL_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("TACTFUL_CHROMEDRIVER", "/usr/bin/chromedriver")
ROOT = Path(__file__).resolve().parents[2]
# Without the networking flags Chromium keeps calling home, and this network refuses.
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,900")


def _missing() -> str | None:
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (os.path.exists(path) or shutil.which(path)):
            return path
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "the selenium package"
    return None


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session; each test gets it on a blank page."""
    missing = _missing()
    if missing:
        if os.environ.get("TACTFUL_REQUIRE_BROWSER"):
            pytest.fail(f"{missing} not found and TACTFUL_REQUIRE_BROWSER is set")
        pytest.skip(f"{missing} not found: install chromium and chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="tactful-chromium-")
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser):
    """The session's browser, cleared of the previous test's cookies and page."""
    browser.delete_all_cookies()
    browser.get("about:blank")
    return browser


@pytest.fixture
def screenshot(browser):
    """screenshot("console-installations") saves the current page as a PNG and returns
    its path; the closing notes and the marketplace listings name these files."""
    folder = Path(os.environ.get("TACTFUL_SCREENSHOT_DIR", ROOT / "var" / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)

    def _take(name: str) -> Path:
        path = folder / f"{name}.png"
        browser.save_screenshot(str(path))
        return path

    return _take
