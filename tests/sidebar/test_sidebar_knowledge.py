"""What the sidebars show of memory: the recommended articles and macros with why they
matched, and the routed group: suggested, or assigned only when the group really was set."""
from __future__ import annotations

import pytest

from integration.store import knowledge
from tests.sidebar.helpers import (
    KNOWLEDGE,
    ROUTING,
    add_enrichment,
    add_knowledge,
    canvas_body,
    freshdesk_headers,
    intercom_request,
    make_installation,
    zendesk_headers,
)


@pytest.fixture
def zendesk(sidebar_app, db, keyring):
    return make_installation(db, keyring, "zendesk", "acme")


def zendesk_view(client, secret: str, ticket_id: str = "42") -> dict:
    answer = client.get(f"/sidebar/zendesk/tickets/{ticket_id}",
                        headers=zendesk_headers(secret, "acme"))
    assert answer.status_code == 200, answer.json
    return answer.json


def freshdesk_view(client, installation_id: str, secret: str, ticket_id: str = "11") -> dict:
    path = f"/sidebar/freshdesk/tickets/{ticket_id}"
    answer = client.get(path, headers=freshdesk_headers(secret, installation_id, "GET", path))
    assert answer.status_code == 200, answer.json
    return answer.json


def test_view_lists_the_recommended_items_with_links_and_why(sidebar_client, db, zendesk):
    installation_id, secret = zendesk
    add_enrichment(db, installation_id, "42", knowledge=add_knowledge(db, installation_id))
    found = zendesk_view(sidebar_client, secret)["recommendations"]
    assert len(found) == 3
    assert {(r["kind"], r["id"]) for r in found} == {("article", "101"), ("article", "102"),
                                                     ("macro", "901")}
    first = found[0]
    assert (first["id"], first["title"], first["url"]) == (
        "101", "Why was I charged twice?", "https://help.acme.example/articles/101")
    assert {"charged", "twice"} <= set(first["matched"]) and first["boosted"] is False
    assert first["why"].startswith("matched: charged")
    assert [r["score"] for r in found] == sorted((r["score"] for r in found), reverse=True)
    # Zendesk applies a macro by its id: no text travels to the browser.
    assert all(r["text"] is None for r in found)


def test_view_without_knowledge_or_routing_rules_shows_neither(sidebar_client, db, zendesk):
    installation_id, secret = zendesk
    add_enrichment(db, installation_id, "42")
    view = zendesk_view(sidebar_client, secret)
    assert view["recommendations"] == [] and view["routing"] is None


def test_suggest_mode_shows_the_group_and_the_rule_that_chose_it(sidebar_client, db, zendesk):
    installation_id, secret = zendesk
    add_enrichment(db, installation_id, "42", settings={"routing": ROUTING})
    assert zendesk_view(sidebar_client, secret)["routing"] == {
        "group": "Billing", "mode": "suggest", "assigned": False, "outcome": None, "rule": 2}


@pytest.mark.parametrize("outcome, assigned", [("assigned", True), ("kept_existing", False),
                                               ("unknown_group", False), ("failed", False)])
def test_assign_mode_says_assigned_only_when_the_group_was_set(sidebar_client, db, zendesk,
                                                               outcome, assigned):
    installation_id, secret = zendesk
    add_enrichment(db, installation_id, "42", settings={"routing": {**ROUTING, "mode": "assign"}},
                   written={"group": outcome})
    routing = zendesk_view(sidebar_client, secret)["routing"]
    assert (routing["group"], routing["mode"], routing["assigned"], routing["outcome"]) == (
        "Billing", "assign", assigned, outcome)


def test_freshdesk_view_carries_the_canned_responses_current_text(sidebar_client, db,
                                                                  keyring):
    installation_id, secret = make_installation(db, keyring, "freshdesk", "acme.freshdesk.com")
    add_enrichment(db, installation_id, "11", knowledge=add_knowledge(db, installation_id))
    # The admin edits the canned response after the ticket was enriched: the agent gets
    # the text as it is now, not as it was indexed then.
    knowledge.replace_all(db, installation_id, [
        {**item, "body": "Edited: your refund left us today."} if item["external_id"] == "901"
        else item for item in KNOWLEDGE])
    found = freshdesk_view(sidebar_client, installation_id, secret)["recommendations"]
    [canned] = [r for r in found if r["kind"] == "macro"]
    assert canned["text"] == "Edited: your refund left us today."
    assert all(r["text"] is None for r in found if r["kind"] == "article")


def test_a_canned_response_text_never_comes_from_another_installation(sidebar_client, db,
                                                                      keyring):
    mine, secret = make_installation(db, keyring, "freshdesk", "acme.freshdesk.com")
    theirs, _ = make_installation(db, keyring, "freshdesk", "other.freshdesk.com")
    add_enrichment(db, mine, "11", knowledge=add_knowledge(db, mine))
    knowledge.replace_all(db, mine, [i for i in KNOWLEDGE if i["kind"] == "article"])
    add_knowledge(db, theirs, [{**i, "body": "Other account's secret wording."}
                               for i in KNOWLEDGE])
    [canned] = [r for r in freshdesk_view(sidebar_client, mine, secret)["recommendations"]
                if r["kind"] == "macro"]
    assert canned["text"] is None        # gone from this account: nothing to insert


def intercom_components(client, locale: str = "en") -> list[dict]:
    body = canvas_body("ws1", "555")
    body["context"]["locale"] = locale
    raw, headers = intercom_request(body)
    answer = client.post("/sidebar/intercom/initialize", data=raw, headers=headers)
    assert answer.status_code == 200, answer.json
    return answer.json["canvas"]["content"]["components"]


def test_intercom_canvas_lists_articles_as_links_and_the_suggested_group(sidebar_client, db,
                                                                         keyring):
    installation_id, _ = make_installation(db, keyring, "intercom", "ws1")
    articles = [i for i in KNOWLEDGE if i["kind"] == "article"]
    articles[1] = {**articles[1], "url": "javascript:alert(1)"}    # never made a link
    add_enrichment(db, installation_id, "555", knowledge=add_knowledge(db, installation_id,
                                                                       articles),
                   settings={"routing": ROUTING})
    components = intercom_components(sidebar_client)
    [listing] = [c for c in components if c["type"] == "list"]
    first, second = listing["items"]
    assert first["title"] == "Why was I charged twice?"
    assert first["action"] == {"type": "url", "url": "https://help.acme.example/articles/101"}
    assert first["subtitle"].startswith("Matched: charged") and first["tertiary_text"] == "article"
    assert second["title"] == "When will I get my refund?" and "action" not in second
    [routing] = [c for c in components if c.get("id") == "routing"]
    assert routing["text"] == "*Suggested group:* Billing"
    french = intercom_components(sidebar_client, locale="fr")
    assert [c["text"] for c in french if c.get("id") == "routing"] == [
        "*Groupe suggéré:* Billing"]
