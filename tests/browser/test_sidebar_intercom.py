"""The Intercom inbox app in a real browser: Tactful's Canvas Kit answers rendered by a
small test renderer that signs requests as Intercom does, against a live Tactful holding
a real stored enrichment."""
from __future__ import annotations

import dataclasses

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import select

from integration.store.models import AgentFeedback
from tests.browser import sidebar_harness
from tests.browser.sidebar_harness import stub_query, wait_for, wait_until
from tests.sidebar.helpers import (
    INTERCOM_SECRET,
    KNOWLEDGE,
    ROUTING,
    add_enrichment,
    add_knowledge,
    make_installation,
)


@pytest.fixture
def page(page):
    yield from sidebar_harness.sidebar_sized(page, width=420)


def open_app(app, serve_app, page, db, keyring, locale="en", memory=False):
    """memory=True: the enrichment recommends from a small help centre and routes."""
    sidebar_harness.mount(app)
    app.config["TACTFUL"] = dataclasses.replace(app.config["TACTFUL"],
                                                intercom_client_secret=INTERCOM_SECRET)
    installation_id, _ = make_installation(db, keyring, "intercom", "ws1")
    if memory:
        articles = [i for i in KNOWLEDGE if i["kind"] == "article"]
        add_enrichment(db, installation_id, "555",
                       knowledge=add_knowledge(db, installation_id, articles),
                       settings={"routing": ROUTING})
    else:
        add_enrichment(db, installation_id, "555")
    base = serve_app(app)
    page.get(f"{base}/_test/stubs/canvas-renderer.html?" + stub_query(
        secret=INTERCOM_SECRET, workspace="ws1", conversationId="555", adminId="814",
        locale=locale, tactfulUrl=base))
    wait_for(page, '[data-id="sentiment"]')
    return installation_id


def text_of(page, data_id: str) -> str:
    return page.find_element(By.CSS_SELECTOR, f'[data-id="{data_id}"]').text


def test_teammate_sees_the_enrichment_and_inserts_the_reply_card(app, serve_app, page, db,
                                                                 keyring, screenshot):
    open_app(app, serve_app, page, db, keyring)
    assert "negative" in text_of(page, "sentiment") and "nobody answers" in text_of(
        page, "sentiment")
    assert "frustration" in text_of(page, "emotions")
    assert "high" in text_of(page, "priority") and "strong frustration" in text_of(
        page, "priority")
    assert text_of(page, "tip_0") and text_of(page, "reply").startswith("Hello Rachel")
    screenshot("sidebar-intercom")
    page.find_element(By.CSS_SELECTOR, '[data-id="insert_reply"]').click()
    wait_for(page, '#reply-card [data-id="card_0"]')
    options = wait_until(page, "return window.__canvasCalls.filter(c => "
                               "c.card_creation_options).map(c => c.card_creation_options)")
    assert options == [{"ticket_id": "555"}]
    assert text_of(page, "card_0") == "Hello Rachel,"
    assert "Added to your reply" in text_of(page, "notice")


def test_feedback_and_check_my_reply(app, serve_app, page, db, keyring, screenshot):
    installation_id = open_app(app, serve_app, page, db, keyring)
    page.find_element(By.CSS_SELECTOR,
                      '[data-id="fb_sentiment"] button[data-option="wrong"]').click()
    wait_for(page, '[data-id="fb_sentiment"] button.chosen[data-option="wrong"]')
    with db.session() as session:
        [row] = session.scalars(select(AgentFeedback)).all()
    assert (row.installation_id, row.label, row.verdict, row.agent_id) == (
        installation_id, "sentiment", "wrong", "814")
    page.find_element(By.ID, "draft").send_keys("Calm down, as I said it is fixed.")
    page.find_element(By.CSS_SELECTOR, '[data-id="check_reply"]').click()
    wait_for(page, '[data-id="finding_0"]')
    findings = " ".join(e.text for e in
                        page.find_elements(By.CSS_SELECTOR, '[data-id^="finding_"]'))
    assert "calm down" in findings.lower() and "Try instead" in findings
    assert page.find_element(By.ID, "draft").get_attribute("value").startswith("Calm down")
    page.execute_script("document.querySelector('[data-id=\"readability\"]').scrollIntoView()")
    screenshot("sidebar-intercom-check-reply")


def test_spanish_teammate_gets_spanish_components(app, serve_app, page, db, keyring):
    open_app(app, serve_app, page, db, keyring, locale="es")
    assert "Sentimiento" in text_of(page, "sentiment")
    assert text_of(page, "insert_reply") == "Insertar en la respuesta"


def test_teammate_sees_suggested_articles_as_links_and_the_group(app, serve_app, page, db,
                                                                 keyring, screenshot):
    open_app(app, serve_app, page, db, keyring, memory=True)
    assert text_of(page, "routing") == "Suggested group: Billing"
    first = page.find_element(By.CSS_SELECTOR, '[data-id="rec_0"] a')
    assert first.text == "Why was I charged twice?"
    assert first.get_attribute("href") == "https://help.acme.example/articles/101"
    assert text_of(page, "rec_0").endswith("\u2022 article")
    assert "Matched: charged" in text_of(page, "rec_0")
    assert len(page.find_elements(By.CSS_SELECTOR, '[data-id^="rec_"]')) == 2
    # Intercom has no macros to apply: links only.
    assert not page.find_elements(By.CSS_SELECTOR, '[data-id^="rec_"] button')
    page.execute_script("document.querySelector('[data-id=\"routing\"]').scrollIntoView()")
    screenshot("sidebar-intercom-recommendations")
