"""The Zendesk sidebar in a real browser: the shipped iframe.html and scripts, a recording
ZAF stub, and a live Tactful holding a real stored enrichment."""
from __future__ import annotations

import dataclasses

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import select

from integration.store.models import AgentFeedback
from tests.browser import sidebar_harness
from tests.browser.sidebar_harness import stub_query, wait_for, wait_until
from tests.sidebar.helpers import ROUTING, add_enrichment, add_knowledge, make_installation


@pytest.fixture
def page(page):
    yield from sidebar_harness.sidebar_sized(page)


def open_sidebar(app, serve_app, page, db, keyring, *, locale="en", editor_text="",
                 memory=False):
    """memory=True: the enrichment recommends from a small help centre and routes."""
    sidebar_harness.mount(app)
    installation_id, secret = make_installation(db, keyring, "zendesk", "acme")
    if memory:
        add_enrichment(db, installation_id, "42", knowledge=add_knowledge(db, installation_id),
                       settings={"routing": ROUTING})
    else:
        add_enrichment(db, installation_id, "42")
    base = serve_app(app)
    app.config["TACTFUL"] = dataclasses.replace(app.config["TACTFUL"], public_url=base)
    page.get(f"{base}/_test/zendesk/iframe.html?" + stub_query(
        secret=secret, account="acme", ticketId=42, agentId=9001, locale=locale,
        tactfulUrl=base, editorText=editor_text))
    wait_for(page, "#label-sentiment")
    return installation_id


def text_of(page, css: str) -> str:
    return page.find_element(By.CSS_SELECTOR, css).text


def test_agent_sees_labels_evidence_priority_tips_and_the_reply(app, serve_app, page, db,
                                                                keyring, screenshot):
    open_sidebar(app, serve_app, page, db, keyring)
    assert "negative" in text_of(page, "#label-sentiment")
    assert "nobody answers" in text_of(page, "#label-sentiment .evidence")
    assert "frustration" in text_of(page, "#label-emotions")
    assert "third time i write" in text_of(page, "#label-emotions")
    assert "high" in text_of(page, "#label-priority")
    assert "strong frustration" in text_of(page, "#label-priority .why")
    assert len(page.find_elements(By.CSS_SELECTOR, "#tips li")) >= 2
    assert text_of(page, "#reply").startswith("Hello Rachel")
    calls = page.execute_script("return window.__zafCalls")
    requests = [c[1] for c in calls if c[0] == "request"]
    assert requests and all(r["secure"] is True for r in requests)
    assert requests[0]["jwt"]["claims"]["iss"] == "https://acme.zendesk.com"
    assert requests[0]["headers"] == {"Authorization": "Bearer {{jwt.token}}"}
    screenshot("sidebar-zendesk")


def test_insert_into_reply_calls_the_editor_with_the_reply(app, serve_app, page, db, keyring):
    open_sidebar(app, serve_app, page, db, keyring)
    reply = text_of(page, "#reply")
    page.find_element(By.ID, "insert-reply").click()
    invoked = wait_until(page, "return window.__zafCalls.filter(c => c[0] === 'invoke'"
                               " && c[1] === 'ticket.editor.insert')")
    assert invoked[0][2].split() == reply.split()
    assert "Added to your reply" in text_of(page, "#flash")


def test_was_this_right_stores_the_agents_answer(app, serve_app, page, db, keyring):
    installation_id = open_sidebar(app, serve_app, page, db, keyring)
    page.find_element(By.CSS_SELECTOR, '#label-urgency button[data-verdict="wrong"]').click()
    wait_for(page, '#label-urgency .was-right[data-saved="wrong"]')
    with db.session() as session:
        [row] = session.scalars(select(AgentFeedback)).all()
    assert (row.installation_id, row.ticket_id, row.label, row.verdict, row.agent_id) == (
        installation_id, "42", "urgency", "wrong", "9001")


def test_check_my_reply_reads_the_editor_and_shows_findings(app, serve_app, page, db, keyring,
                                                            screenshot):
    open_sidebar(app, serve_app, page, db, keyring,
                 editor_text="Calm down. As I said, your refund is being handled.")
    page.find_element(By.ID, "check-reply").click()
    wait_for(page, ".finding")
    rules = {f.get_attribute("data-rule") for f in
             page.find_elements(By.CSS_SELECTOR, ".finding")}
    assert {"calm_down", "as_i_said", "no_acknowledgement"} <= rules
    assert "Your refund is being handled." in text_of(page, '.finding[data-rule="as_i_said"]')
    assert "Readability" in text_of(page, "#readability")
    screenshot("sidebar-zendesk-check-reply")


def test_sidebar_speaks_the_agents_language(app, serve_app, page, db, keyring):
    open_sidebar(app, serve_app, page, db, keyring, locale="fr-FR")
    assert text_of(page, "#insert-reply") == "Insérer dans la réponse"
    assert "Était-ce juste" in text_of(page, "#label-sentiment")
    assert page.execute_script("return document.documentElement.lang") == "fr"


def test_agent_sees_suggested_articles_and_group_and_applies_the_macro(app, serve_app, page, db,
                                                                       keyring, screenshot):
    open_sidebar(app, serve_app, page, db, keyring, memory=True)
    items = page.find_elements(By.CSS_SELECTOR, "#recommendations li.recommendation")
    assert [i.get_attribute("data-id") for i in items] and len(items) == 3
    link = page.find_element(By.CSS_SELECTOR, '#recommendations li[data-id="101"] a')
    assert link.text == "Why was I charged twice?"
    assert link.get_attribute("href") == "https://help.acme.example/articles/101"
    assert text_of(page, '#recommendations li[data-id="101"] .why').startswith(
        "Matched: charged")
    assert text_of(page, "#routing-group") == "Suggested group: Billing"
    assert "rule 2" in text_of(page, "#routing")
    # Only the macro can be applied; articles are links.
    [button] = page.find_elements(By.CSS_SELECTOR, "#recommendations button.use-macro")
    assert button.text == "Apply macro"
    assert button.find_element(By.XPATH, "..").get_attribute("data-id") == "901"
    page.execute_script("document.getElementById('routing').scrollIntoView()")
    screenshot("sidebar-zendesk-recommendations")
    button.click()
    invoked = wait_until(page, "return window.__zafCalls.filter(c => c[0] === 'invoke'"
                               " && c[1] === 'macro')")
    assert invoked == [["invoke", "macro", 901]]
    assert text_of(page, "#flash") == "Macro applied to the ticket."


def test_suggestions_speak_the_agents_language(app, serve_app, page, db, keyring):
    open_sidebar(app, serve_app, page, db, keyring, locale="de", memory=True)
    heading = page.find_element(By.CSS_SELECTOR, "#recommendations h3")
    assert heading.get_attribute("textContent") == "Vorgeschlagene Artikel"   # CSS upper-cases
    assert text_of(page, "#routing-group") == "Vorgeschlagene Gruppe: Billing"
    assert text_of(page, "#recommendations button.use-macro") == "Makro anwenden"
