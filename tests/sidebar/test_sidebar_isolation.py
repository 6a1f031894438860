"""A valid sidebar call for installation A never reads or writes installation B's data,
for each helpdesk. B's ticket carries a distinctive message, so any leak would show."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from integration.store.models import AgentFeedback
from tests.sidebar.helpers import (
    add_enrichment,
    canvas_body,
    freshdesk_headers,
    intercom_request,
    make_installation,
    zendesk_headers,
)

B_MESSAGE = "Thank you so much, the zebra-striped invoice finally arrived! Can I pay by cheque?"


def feedback_count(db) -> int:
    with db.session() as session:
        return len(list(session.scalars(select(AgentFeedback))))


def assert_nothing_of_b(text: str) -> None:
    for secret_word in ("zebra", "cheque", "gratitude", "positive"):
        assert secret_word not in text, secret_word


@pytest.fixture
def two_accounts(sidebar_app, db, keyring):
    """Per provider: (A id, A secret, B id, B secret, B's enrichment id on ticket "900")."""
    made = {}
    for provider, a, b in (("zendesk", "alpha", "beta"),
                           ("freshdesk", "alpha.freshdesk.com", "beta.freshdesk.com"),
                           ("intercom", "wsalpha", "wsbeta")):
        a_id, a_secret = make_installation(db, keyring, provider, a)
        b_id, b_secret = make_installation(db, keyring, provider, b)
        b_enrichment = add_enrichment(db, b_id, "900", message=B_MESSAGE, name="Zoe")
        made[provider] = (a_id, a_secret, b_id, b_secret, b_enrichment)
    return made


def test_zendesk_a_cannot_read_or_judge_bs_ticket(sidebar_client, two_accounts, db):
    _, a_secret, _, _, b_enrichment = two_accounts["zendesk"]
    headers = zendesk_headers(a_secret, "alpha")
    read = sidebar_client.get("/sidebar/zendesk/tickets/900", headers=headers)
    assert read.status_code == 404
    assert_nothing_of_b(read.get_data(as_text=True))
    for body in ({"ticket_id": "900", "label": "sentiment", "verdict": "wrong"},
                 {"ticket_id": "900", "label": "sentiment", "verdict": "wrong",
                  "enrichment_id": b_enrichment}):
        assert sidebar_client.post("/sidebar/zendesk/feedback", headers=headers,
                                   json=body).status_code == 404
    coached = sidebar_client.post("/sidebar/zendesk/check-reply", headers=headers,
                                  json={"ticket_id": "900", "text": "Thanks for writing."})
    assert coached.json["enriched"] is False and coached.json["findings"] == []
    assert feedback_count(db) == 0


def test_zendesk_as_secret_does_not_open_bs_account(sidebar_client, two_accounts):
    _, a_secret, _, _, _ = two_accounts["zendesk"]
    forged = zendesk_headers(a_secret, "beta")      # claims to be B, signed with A's key
    answer = sidebar_client.get("/sidebar/zendesk/tickets/900", headers=forged)
    assert answer.status_code == 401
    assert_nothing_of_b(answer.get_data(as_text=True))


def test_same_ticket_number_in_both_accounts_shows_each_its_own(sidebar_client, two_accounts,
                                                                db):
    a_id, a_secret, _, _, b_enrichment = two_accounts["zendesk"]
    a_enrichment = add_enrichment(db, a_id, "900")
    view = sidebar_client.get("/sidebar/zendesk/tickets/900",
                              headers=zendesk_headers(a_secret, "alpha")).json
    assert view["enrichment_id"] == a_enrichment != b_enrichment
    assert_nothing_of_b(json.dumps(view))


def test_freshdesk_a_cannot_read_or_judge_bs_ticket(sidebar_client, two_accounts, db):
    a_id, a_secret, b_id, _, b_enrichment = two_accounts["freshdesk"]
    path = "/sidebar/freshdesk/tickets/900"
    read = sidebar_client.get(path, headers=freshdesk_headers(a_secret, a_id, "GET", path))
    assert read.status_code == 404
    assert_nothing_of_b(read.get_data(as_text=True))
    # A's secret naming B's installation: the signature does not verify.
    posing = sidebar_client.get(path, headers=freshdesk_headers(a_secret, b_id, "GET", path))
    assert posing.status_code == 401
    body = json.dumps({"ticket_id": "900", "label": "topic", "verdict": "wrong",
                       "enrichment_id": b_enrichment}).encode()
    answer = sidebar_client.post(
        "/sidebar/freshdesk/feedback", data=body, content_type="application/json",
        headers=freshdesk_headers(a_secret, a_id, "POST", "/sidebar/freshdesk/feedback", body))
    assert answer.status_code == 404 and feedback_count(db) == 0


def test_intercom_a_cannot_read_or_judge_bs_conversation(sidebar_client, two_accounts, db):
    raw, headers = intercom_request(canvas_body("wsalpha", "900"))
    canvas = sidebar_client.post("/sidebar/intercom/initialize", data=raw, headers=headers)
    assert canvas.status_code == 200
    assert_nothing_of_b(canvas.get_data(as_text=True))
    raw, headers = intercom_request(canvas_body(
        "wsalpha", "900", component_id="fb_sentiment", input_values={"fb_sentiment": "wrong"},
        current_canvas={"stored_data": {"ticket_id": "900",
                                        "enrichment_id": two_accounts["intercom"][4]}}))
    answer = sidebar_client.post("/sidebar/intercom/submit", data=raw, headers=headers)
    assert_nothing_of_b(answer.get_data(as_text=True))
    raw, headers = intercom_request(canvas_body(
        "wsalpha", "900", card_creation_options={"ticket_id": "900"}))
    card = sidebar_client.post("/sidebar/intercom/initialize", data=raw, headers=headers)
    assert_nothing_of_b(card.get_data(as_text=True))
    assert feedback_count(db) == 0


def test_an_uninstalled_account_is_refused(sidebar_client, two_accounts, db, keyring):
    from integration.pipeline import uninstall
    a_id, a_secret, _, _, _ = two_accounts["zendesk"]
    uninstall.uninstall(db, keyring, a_id, revoke=False)
    answer = sidebar_client.get("/sidebar/zendesk/tickets/900",
                                headers=zendesk_headers(a_secret, "alpha"))
    assert answer.status_code == 401
