"""The Freshdesk sidebar in a real browser: the shipped app/index.html and scripts, a
recording FDK client stub (which also plays the app's signing serverless function), and a
live Tactful holding a real stored enrichment."""
from __future__ import annotations

import dataclasses

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import select

from integration.store.models import AgentFeedback
from tests.browser import sidebar_harness
from tests.browser.sidebar_harness import stub_query, wait_for, wait_until
from tests.sidebar.helpers import (
    KNOWLEDGE,
    ROUTING,
    add_enrichment,
    add_knowledge,
    make_installation,
)


@pytest.fixture
def page(page):
    yield from sidebar_harness.sidebar_sized(page)


def open_sidebar(app, serve_app, page, db, keyring, *, locale="en", secret=None,
                 memory=False):
    """memory=True: the enrichment recommends from a small help centre and routes."""
    sidebar_harness.mount(app)
    installation_id, real_secret = make_installation(db, keyring, "freshdesk",
                                                     "acme.freshdesk.com")
    if memory:
        add_enrichment(db, installation_id, "11", knowledge=add_knowledge(db, installation_id),
                       settings={"routing": {**ROUTING, "mode": "assign"}},
                       written={"group": "assigned"})
    else:
        add_enrichment(db, installation_id, "11")
    base = serve_app(app)
    app.config["TACTFUL"] = dataclasses.replace(app.config["TACTFUL"], public_url=base)
    page.get(f"{base}/_test/freshdesk/index.html?" + stub_query(
        secret=secret or real_secret, installationId=installation_id, ticketId=11,
        agentId=5001, locale=locale, tactfulUrl=base))
    return installation_id


def text_of(page, css: str) -> str:
    return page.find_element(By.CSS_SELECTOR, css).text


def test_agent_sees_the_enrichment_and_inserts_the_reply(app, serve_app, page, db, keyring,
                                                         screenshot):
    open_sidebar(app, serve_app, page, db, keyring)
    wait_for(page, "#label-sentiment")
    assert "negative" in text_of(page, "#label-sentiment")
    assert "nobody answers" in text_of(page, "#label-emotions")
    assert "strong frustration" in text_of(page, "#label-priority .why")
    assert page.find_elements(By.CSS_SELECTOR, "#tips li")
    screenshot("sidebar-freshdesk")
    reply = text_of(page, "#reply")
    page.find_element(By.ID, "insert-reply").click()
    triggered = wait_until(page, "return window.__fdkCalls.filter(c => c[0] === "
                                 "'interface.trigger')")
    [(_, name, options)] = triggered
    assert name == "setValue" and options["id"] == "editor"
    assert options["text"].split() == reply.split()
    invoked = [c for c in page.execute_script("return window.__fdkCalls")
               if c[0] == "request.invoke"]
    assert invoked[0][1] == "sidebarRequest"
    assert invoked[0][2]["path"].startswith("/sidebar/freshdesk/tickets/11?agent_id=5001")


def test_was_this_right_and_check_my_reply(app, serve_app, page, db, keyring, screenshot):
    installation_id = open_sidebar(app, serve_app, page, db, keyring)
    wait_for(page, "#label-topic")
    page.find_element(By.CSS_SELECTOR, '#label-topic button[data-verdict="agree"]').click()
    wait_for(page, '#label-topic .was-right[data-saved="agree"]')
    with db.session() as session:
        [row] = session.scalars(select(AgentFeedback)).all()
    assert (row.installation_id, row.label, row.verdict, row.agent_id) == (
        installation_id, "topic", "agree", "5001")
    page.find_element(By.ID, "draft").send_keys(
        "This is your own fault. We guarantee it will never happen again.")
    page.find_element(By.ID, "check-reply").click()
    wait_for(page, ".finding")
    rules = {f.get_attribute("data-rule") for f in
             page.find_elements(By.CSS_SELECTOR, ".finding")}
    assert {"blame", "over_promise", "no_acknowledgement"} <= rules
    page.execute_script("document.getElementById('findings').scrollIntoView()")
    screenshot("sidebar-freshdesk-check-reply")


def test_german_agent_gets_german_strings(app, serve_app, page, db, keyring):
    open_sidebar(app, serve_app, page, db, keyring, locale="de")
    wait_for(page, "#label-sentiment")
    assert text_of(page, "#insert-reply") == "In Antwort einfügen"
    assert text_of(page, "#check-reply") == "Meine Antwort prüfen"


def test_a_wrong_secret_shows_the_error_not_data(app, serve_app, page, db, keyring):
    open_sidebar(app, serve_app, page, db, keyring, secret="not-this-installations-secret")
    wait_for(page, "#empty")
    assert "could not be reached" in text_of(page, "#flash")
    assert not page.find_elements(By.CSS_SELECTOR, "#label-sentiment")


def test_agent_sees_suggestions_and_inserts_the_canned_response(app, serve_app, page, db,
                                                                keyring, screenshot):
    open_sidebar(app, serve_app, page, db, keyring, memory=True)
    wait_for(page, "#recommendations")
    items = page.find_elements(By.CSS_SELECTOR, "#recommendations li.recommendation")
    assert len(items) == 3
    link = page.find_element(By.CSS_SELECTOR, '#recommendations li[data-id="102"] a')
    assert link.text == "When will I get my refund?"
    assert link.get_attribute("href") == "https://help.acme.example/articles/102"
    assert "Matched: refund" in text_of(page, '#recommendations li[data-id="102"] .why')
    assert text_of(page, "#routing-group") == "Assigned to: Billing"
    canned = page.find_element(By.CSS_SELECTOR, '#recommendations li[data-id="901"]')
    assert "canned response" in canned.text
    page.execute_script("document.getElementById('routing').scrollIntoView()")
    screenshot("sidebar-freshdesk-recommendations")
    canned.find_element(By.CSS_SELECTOR, "button.use-macro").click()
    triggered = wait_until(page, "return window.__fdkCalls.filter(c => c[0] === "
                                 "'interface.trigger')")
    [(_, name, options)] = triggered
    body = next(i["body"] for i in KNOWLEDGE if i["external_id"] == "901")
    assert (name, options) == ("setValue", {"id": "editor", "text": body, "replace": False})
    assert text_of(page, "#flash") == "Added to your reply."
