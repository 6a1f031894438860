"""The sidebar API behind the three apps: what an agent sees, what feedback stores, and
that each vendor's proof of identity is checked before anything is read."""
from __future__ import annotations

import json
import time

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


@pytest.fixture
def zendesk(sidebar_app, db, keyring):
    installation_id, secret = make_installation(db, keyring, "zendesk", "acme")
    enrichment_id = add_enrichment(db, installation_id, "42")
    return installation_id, secret, enrichment_id


def feedback_rows(db) -> list[AgentFeedback]:
    with db.session() as session:
        return list(session.scalars(select(AgentFeedback).order_by(AgentFeedback.id)))


def test_zendesk_sidebar_shows_labels_evidence_priority_tips_and_reply(sidebar_client, zendesk):
    _, secret, enrichment_id = zendesk
    answer = sidebar_client.get("/sidebar/zendesk/tickets/42",
                                headers=zendesk_headers(secret, "acme"))
    assert answer.status_code == 200, answer.json
    view = answer.json
    assert view["enrichment_id"] == enrichment_id
    assert view["sentiment"]["label"] == "negative"
    assert "nobody answers" in view["sentiment"]["evidence"]
    [emotion] = view["emotions"]
    assert emotion["name"] == "frustration" and "third time i write" in emotion["evidence"]
    assert view["priority"]["value"] == "high" and view["priority"]["reasons"]
    assert view["tips"] and view["reply"].startswith("Hello Rachel")
    assert view["feedback"] == {}


def test_unknown_ticket_is_404_with_a_reason(sidebar_client, zendesk):
    _, secret, _ = zendesk
    answer = sidebar_client.get("/sidebar/zendesk/tickets/7",
                                headers=zendesk_headers(secret, "acme"))
    assert answer.status_code == 404 and answer.json["error"] == "not-enriched"


@pytest.mark.parametrize("case", ["missing", "wrong-secret", "expired", "wrong-audience",
                                  "unknown-account", "not-a-jwt", "unsigned"])
def test_zendesk_rejects_tokens_it_cannot_trust(sidebar_client, zendesk, case):
    _, secret, _ = zendesk
    headers = {
        "missing": {},
        "wrong-secret": zendesk_headers("not-the-secret-" + "x" * 32, "acme"),
        "expired": zendesk_headers(secret, "acme", expires_in=-3600),
        "wrong-audience": zendesk_headers(secret, "acme", audience="https://evil.example"),
        "unknown-account": zendesk_headers(secret, "nobody"),
        "not-a-jwt": {"Authorization": "Bearer nonsense"},
        "unsigned": {"Authorization": "Bearer " + _unsigned_token()},
    }[case]
    answer = sidebar_client.get("/sidebar/zendesk/tickets/42", headers=headers)
    assert answer.status_code == 401 and answer.json["error"] == "unauthorized"
    assert "negative" not in answer.get_data(as_text=True)


def _unsigned_token() -> str:
    import base64
    def part(obj):
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()
    now = int(time.time())
    return part({"alg": "none", "typ": "JWT"}) + "." + part(
        {"iss": "acme", "aud": "http://127.0.0.1:8000", "exp": now + 60}) + "."


def test_feedback_is_stored_per_installation_label_agent_and_replaced_on_a_new_answer(
        sidebar_client, zendesk, db):
    installation_id, secret, enrichment_id = zendesk
    headers = zendesk_headers(secret, "acme", agent="9001")
    first = sidebar_client.post("/sidebar/zendesk/feedback", headers=headers, json={
        "ticket_id": "42", "label": "sentiment", "verdict": "wrong"})
    assert first.status_code == 201, first.json
    again = sidebar_client.post("/sidebar/zendesk/feedback", headers=headers, json={
        "ticket_id": "42", "label": "sentiment", "verdict": "agree"})
    assert again.status_code == 201
    [row] = feedback_rows(db)
    assert (row.installation_id, row.ticket_id, row.enrichment_id, row.label, row.value,
            row.verdict, row.agent_id) == (installation_id, "42", enrichment_id, "sentiment",
                                           "negative", "agree", "9001")
    view = sidebar_client.get("/sidebar/zendesk/tickets/42", headers=headers).json
    assert view["feedback"] == {"sentiment": "agree"}


@pytest.mark.parametrize("body, field", [
    ({"ticket_id": "42", "label": "colour", "verdict": "agree"}, "label"),
    ({"ticket_id": "42", "label": "sentiment", "verdict": "maybe"}, "verdict"),
    ({"ticket_id": "42", "label": "sentiment", "verdict": "agree", "extra": 1}, "extra"),
    ({"label": "sentiment", "verdict": "agree"}, "ticket_id"),
])
def test_bad_feedback_is_400_naming_the_field(sidebar_client, zendesk, db, body, field):
    _, secret, _ = zendesk
    answer = sidebar_client.post("/sidebar/zendesk/feedback",
                                 headers=zendesk_headers(secret, "acme"), json=body)
    assert answer.status_code == 400 and field in answer.json["reasons"]
    assert feedback_rows(db) == []


def test_check_reply_coaches_against_the_tickets_feelings_and_questions(sidebar_client,
                                                                        zendesk):
    _, secret, _ = zendesk
    answer = sidebar_client.post("/sidebar/zendesk/check-reply",
                                 headers=zendesk_headers(secret, "acme"), json={
                                     "ticket_id": "42",
                                     "text": "Calm down. As I said, it is being handled."})
    assert answer.status_code == 200, answer.json
    rules = [f["rule"] for f in answer.json["findings"]]
    assert {"calm_down", "as_i_said", "no_acknowledgement", "unanswered_question"} <= set(rules)
    assert answer.json["primary_emotion"] == "frustration" and answer.json["enriched"] is True
    assert all("suggestion" in f for f in answer.json["findings"])


def test_freshdesk_signed_calls_work_and_a_signature_for_another_path_does_not(
        sidebar_client, sidebar_app, db, keyring):
    installation_id, secret = make_installation(db, keyring, "freshdesk", "acme.freshdesk.com")
    add_enrichment(db, installation_id, "11")
    path = "/sidebar/freshdesk/tickets/11"
    ok = sidebar_client.get(path, headers=freshdesk_headers(secret, installation_id, "GET", path))
    assert ok.status_code == 200 and ok.json["sentiment"]["label"] == "negative"
    replayed = sidebar_client.get("/sidebar/freshdesk/tickets/12",
                                  headers=freshdesk_headers(secret, installation_id, "GET", path))
    assert replayed.status_code == 401
    stale = sidebar_client.get(path, headers=freshdesk_headers(
        secret, installation_id, "GET", path, timestamp=int(time.time()) - 3600))
    assert stale.status_code == 401
    body = json.dumps({"ticket_id": "11", "label": "urgency", "verdict": "wrong",
                       "agent_id": "77"}).encode()
    posted = sidebar_client.post("/sidebar/freshdesk/feedback", data=body,
                                 content_type="application/json",
                                 headers=freshdesk_headers(secret, installation_id, "POST",
                                                           "/sidebar/freshdesk/feedback", body))
    assert posted.status_code == 201
    [row] = feedback_rows(db)
    assert (row.label, row.verdict, row.agent_id) == ("urgency", "wrong", "77")


def test_intercom_canvas_shows_the_enrichment_and_stores_feedback(sidebar_client, db,
                                                                  keyring):
    installation_id, _ = make_installation(db, keyring, "intercom", "ws1")
    add_enrichment(db, installation_id, "555")
    raw, headers = intercom_request(canvas_body("ws1", "555"))
    canvas = sidebar_client.post("/sidebar/intercom/initialize", data=raw, headers=headers)
    assert canvas.status_code == 200, canvas.json
    components = {c.get("id"): c for c in canvas.json["canvas"]["content"]["components"]}
    assert "negative" in components["sentiment"]["text"]
    assert "frustration" in components["emotions"]["text"]
    assert components["reply"]["text"].startswith("Hello Rachel")
    assert components["insert_reply"]["action"] == {"type": "submit"}
    stored = canvas.json["canvas"]["stored_data"]
    raw, headers = intercom_request(canvas_body(
        "ws1", "555", component_id="fb_topic", input_values={"fb_topic": "wrong"},
        current_canvas={"stored_data": stored}))
    assert sidebar_client.post("/sidebar/intercom/submit", data=raw,
                               headers=headers).status_code == 200
    [row] = feedback_rows(db)
    assert (row.installation_id, row.label, row.verdict, row.agent_id) == (
        installation_id, "topic", "wrong", "814")


def test_intercom_insert_reply_asks_for_a_reply_card_that_carries_the_draft(sidebar_client,
                                                                            db, keyring):
    installation_id, _ = make_installation(db, keyring, "intercom", "ws1")
    add_enrichment(db, installation_id, "555")
    raw, headers = intercom_request(canvas_body("ws1", "555", component_id="insert_reply"))
    answer = sidebar_client.post("/sidebar/intercom/submit", data=raw, headers=headers)
    assert answer.json["card_creation_options"] == {"ticket_id": "555"}
    raw, headers = intercom_request(canvas_body(
        "ws1", "555", card_creation_options=answer.json["card_creation_options"]))
    card = sidebar_client.post("/sidebar/intercom/initialize", data=raw, headers=headers).json
    texts = [c["text"] for c in card["canvas"]["content"]["components"]]
    assert texts[0] == "Hello Rachel,"


def test_intercom_strings_follow_the_teammates_locale(sidebar_client, db, keyring):
    installation_id, _ = make_installation(db, keyring, "intercom", "ws1")
    add_enrichment(db, installation_id, "555")
    body = canvas_body("ws1", "555")
    body["context"]["locale"] = "de"
    raw, headers = intercom_request(body)
    components = sidebar_client.post("/sidebar/intercom/initialize", data=raw,
                                     headers=headers).json["canvas"]["content"]["components"]
    labels = [c.get("label") for c in components]
    assert "In Antwort einfügen" in labels and "Meine Antwort prüfen" in labels


def test_intercom_rejects_a_bad_signature(sidebar_client, db, keyring):
    make_installation(db, keyring, "intercom", "ws1")
    raw, headers = intercom_request(canvas_body("ws1", "555"), secret="wrong")
    answer = sidebar_client.post("/sidebar/intercom/initialize", data=raw, headers=headers)
    assert answer.status_code == 401


def test_intercom_check_reply_renders_findings(sidebar_client, db, keyring):
    installation_id, _ = make_installation(db, keyring, "intercom", "ws1")
    add_enrichment(db, installation_id, "555")
    raw, headers = intercom_request(canvas_body(
        "ws1", "555", component_id="check_reply",
        input_values={"draft": "Calm down, we guarantee a fix."}))
    components = sidebar_client.post("/sidebar/intercom/submit", data=raw,
                                     headers=headers).json["canvas"]["content"]["components"]
    findings = [c["text"] for c in components if str(c.get("id", "")).startswith("finding_")]
    assert any("calm down" in f.lower() for f in findings)
    assert any("guarantee" in f for f in findings)
    draft = next(c for c in components if c.get("id") == "draft")
    assert draft["value"] == "Calm down, we guarantee a fix."
