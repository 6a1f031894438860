"""Every console surface in a real headless Chromium, against a live Tactful with the
sandbox helpdesk and a real worker; each page is asserted as a person reads it and saved
as a screenshot (console-<name>.png)."""
from __future__ import annotations

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from integration.store.models import EventStatus
from tests.console.conftest import ADMIN_TOKEN, console_app  # noqa: F401 (fixture)
from tests.e2e.conftest import (  # noqa: F401 (installed, tactful_url: fixtures)
    events_of,
    installed,
    sample,
    sandbox_call,
    tactful_url,
    wait_until,
)

pytestmark = pytest.mark.slow


def _text(page) -> str:
    return page.find_element(By.TAG_NAME, "body").text


def _after_click(page, text: str) -> str:
    """A click does not wait for the next page: wait until it shows `text`."""
    # While the next page loads, the old body goes stale under the lookup: try again.
    WebDriverWait(page, 30, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: text in d.find_element(By.TAG_NAME, "body").text)
    return _text(page)


def _sign_in(page, base: str, token: str) -> None:
    page.get(f"{base}/console/login")
    page.find_element(By.ID, "token").send_keys(token)
    page.find_element(By.CSS_SELECTOR, "form.card button[type=submit]").click()


def test_console_in_a_browser(console_app, sandbox, installed, tactful_url,  # noqa: F811
                              db, start_worker, page, screenshot):
    start_worker(concurrency=2)
    tickets = [sandbox_call(sandbox, "POST", "/zendesk/acme/tickets", **sample(kind))
               ["ticket_id"] for kind in ("angry", "urgent", "grateful")]
    for ticket in tickets:
        wait_until(lambda t=ticket: (e := events_of(db, t)) and all(
            x.status in EventStatus.FINAL for x in e), timeout=60, what=f"ticket {ticket}")
    base = tactful_url

    page.get(f"{base}/")
    assert "Tactful is running" in _text(page) and "Admin console" in _text(page)
    screenshot("console-landing")

    _sign_in(page, base, "not-the-token")
    assert "That token is not the admin token." in _after_click(page, "That token")
    screenshot("console-sign-in")
    _sign_in(page, base, ADMIN_TOKEN)
    body = _after_click(page, "Error rate")
    assert "Installations" in body and "acme" in body and "/webhooks/zendesk/" in body
    assert "0.0% (0/" in body
    screenshot("console-installations")

    page.find_element(By.LINK_TEXT, "Settings").click()
    _after_click(page, "Save policy")
    field = page.find_element(By.ID, "policy-escalate_threshold")
    field.clear()
    field.send_keys("7")
    page.find_element(By.CSS_SELECTOR, "#section-policy button[type=submit]").click()
    _after_click(page, "Must be greater")
    error = page.find_element(By.ID, "error-policy-escalate_threshold").text
    assert "Must be greater than or equal to 0.0 and less than or equal to 1.0." in error
    screenshot("console-settings-error")

    page.get(f"{base}/console/events")
    page.find_element(By.ID, "ticket").send_keys(tickets[0])
    page.find_element(By.CSS_SELECTOR, "form.search button").click()
    WebDriverWait(page, 30).until(lambda d: f"ticket={tickets[0]}" in d.current_url)
    rows = page.find_elements(By.CSS_SELECTOR, "table.grid tbody tr")
    assert rows and all(tickets[0] in r.text for r in rows)
    screenshot("console-events")

    done = next(r for r in rows if " done " in f" {r.text} ")
    done.find_element(By.TAG_NAME, "a").click()
    body = _after_click(page, "Internal note")
    for heading in ("What Tactful read", "What it found", "What it decided, and why",
                    "What it wrote back", "Internal note"):
        assert heading in body, heading
    assert " ".join(sample("angry")["body"].split()[:6]) in body
    assert "tactful_" in body
    screenshot("console-event")

    page.get(f"{base}/console/installations/{installed['installation_id']}/trends")
    body = _text(page)
    assert "Sentiment over time" in body and "Top topics" in body
    # Sentiment, emotions, escalations, topics, and agreement with agent feedback.
    assert len(page.find_elements(By.CSS_SELECTOR, "svg.chart")) == 5
    assert "Agreement with agent feedback" in body
    screenshot("console-trends")
    page.find_element(By.ID, "agreement").location_once_scrolled_into_view  # noqa: B018
    screenshot("console-accuracy")

    page.get(f"{base}/docs")
    body = _text(page)
    assert "PUT /api/admin/installations/{installation_id}/settings" in body
    assert "POST /webhooks/{provider}/{installation_id}" in body
    screenshot("console-docs")

    page.get(f"{base}/console/installations")
    page.find_element(By.XPATH, "//button[text()='Sign out']").click()
    assert "Sign in to the console" in _after_click(page, "Sign in to the console")
