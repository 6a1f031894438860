"""Provisioning creates the webhook (with its secret), two triggers and our ticket fields, once."""
from __future__ import annotations

import json

import responses
from responses import matchers

from connectors.zendesk import CONNECTOR
from connectors.zendesk.provision import DONE_TAG, TICKET_FIELDS

BASE = "https://acme.zendesk.com/api/v2"
HOOK_URL = "https://tactful.example/webhooks/zendesk/in_abc"
HOOK_ID = "01HAN96XNH1J7DY8D7RZ22QMT9"


def register_reads(mock, api_fixture, fields=None, webhooks=None, triggers=None):
    mock.get(f"{BASE}/ticket_fields.json", json=fields or api_fixture("list_ticket_fields"))
    mock.get(f"{BASE}/webhooks", json=webhooks or api_fixture("list_webhooks_empty"),
             match=[matchers.query_param_matcher({"filter[name_contains]": "Tactful"})])
    mock.get(f"{BASE}/webhooks/{HOOK_ID}/signing_secret", json=api_fixture("get_signing_secret"))
    mock.get(f"{BASE}/triggers.json", json=triggers or api_fixture("list_triggers_empty"))


def test_fresh_account_gets_fields_webhook_and_triggers(ctx, api_fixture):
    with responses.RequestsMock() as mock:
        register_reads(mock, api_fixture)
        mock.post(f"{BASE}/ticket_fields.json", json=api_fixture("create_ticket_field"))
        mock.post(f"{BASE}/webhooks", json=api_fixture("create_webhook"))
        mock.post(f"{BASE}/triggers.json", json=api_fixture("create_trigger"))
        result = CONNECTOR.provision(ctx, HOOK_URL, "our-generated-secret")
        posts = [(c.request.url, json.loads(c.request.body)) for c in mock.calls
                 if c.request.method == "POST"]
    field_titles = [b["ticket_field"]["title"] for u, b in posts if "ticket_fields" in u]
    assert field_titles == [t for t in TICKET_FIELDS.values() if t != "Tactful sentiment"]
    hook = next(b["webhook"] for u, b in posts if u.endswith("/webhooks"))
    assert hook == {"name": "Tactful", "status": "active", "endpoint": HOOK_URL,
                    "http_method": "POST", "request_format": "json",
                    "subscriptions": ["conditional_ticket_events"],
                    "signing_secret": {"algorithm": "SHA256", "secret": "our-generated-secret"}}
    triggers = [b["trigger"] for u, b in posts if "triggers" in u]
    assert [t["title"] for t in triggers] == ["Tactful: new ticket", "Tactful: customer replied"]
    created = triggers[0]
    assert {"field": "current_tags", "operator": "not_includes", "value": DONE_TAG} in \
        created["conditions"]["all"]
    replied = triggers[1]["conditions"]["all"]
    assert {"field": "current_via_id", "operator": "is_not", "value": "5"} in replied
    action = created["actions"][0]
    assert action["field"] == "notification_webhook" and action["value"][0] == HOOK_ID
    body = json.loads(action["value"][1])
    assert body["source"] == "tactful-trigger" and body["ticket_id"] == "{{ticket.id}}"
    assert body["account"] == "acme"
    # The secret Zendesk holds is authoritative; the field ids are kept for apply().
    assert result.webhook_secret == "zendesk-held-signing-secret-0001"
    assert result.remote["webhook_id"] == HOOK_ID
    assert result.remote["fields"]["sentiment"] == 360001
    assert set(result.remote["trigger_ids"]) == {"created", "replied"}


def test_second_run_creates_nothing(ctx, api_fixture):
    from connectors.zendesk.provision import TRIGGERS, trigger_body
    fields = {"ticket_fields": [{"id": 360000 + i, "title": t, "type": "text"}
                                for i, t in enumerate(TICKET_FIELDS.values())]}
    hooks = {"webhooks": [{"id": HOOK_ID, "name": "Tactful", "endpoint": HOOK_URL}]}
    triggers = {"triggers": [
        {"id": 70 + i, "title": spec["title"], "conditions": {"all": spec["all"], "any": []},
         "actions": [{"field": "notification_webhook",
                      "value": [HOOK_ID, trigger_body(e, "acme")]}]}
        for i, (e, spec) in enumerate(TRIGGERS.items())]}
    with responses.RequestsMock() as mock:
        register_reads(mock, api_fixture, fields, hooks, triggers)
        result = CONNECTOR.provision(ctx, HOOK_URL, "ignored")
        assert all(c.request.method == "GET" for c in mock.calls)
    assert result.created == ()
    assert result.remote["trigger_ids"] == {"created": "70", "replied": "71"}


def test_trigger_pointing_at_an_old_webhook_is_repaired(ctx, api_fixture):
    stale = {"triggers": [{"id": 70, "title": "Tactful: new ticket",
                           "conditions": {"all": [], "any": []},
                           "actions": [{"field": "notification_webhook", "value": ["OLD", "{}"]}]}]}
    with responses.RequestsMock() as mock:
        register_reads(mock, api_fixture, triggers=stale)
        mock.post(f"{BASE}/ticket_fields.json", json=api_fixture("create_ticket_field"))
        mock.post(f"{BASE}/webhooks", json=api_fixture("create_webhook"))
        mock.post(f"{BASE}/triggers.json", json=api_fixture("create_trigger"))
        mock.put(f"{BASE}/triggers/70.json", json={"trigger": {"id": 70}})
        CONNECTOR.provision(ctx, HOOK_URL, "s")
        put = next(c for c in mock.calls if c.request.method == "PUT")
    assert json.loads(put.request.body)["trigger"]["actions"][0]["value"][0] == HOOK_ID


def test_unprovision_removes_triggers_and_webhook_and_tolerates_missing_ones(ctx):
    ctx.remote = {"webhook_id": HOOK_ID, "trigger_ids": {"created": "70", "replied": "71"}}
    with responses.RequestsMock() as mock:
        mock.delete(f"{BASE}/triggers/70.json", status=204)
        mock.delete(f"{BASE}/triggers/71.json", status=404, json={"error": "RecordNotFound"})
        mock.delete(f"{BASE}/webhooks/{HOOK_ID}", status=204)
        CONNECTOR.unprovision(ctx)
        assert len(mock.calls) == 3


def test_revoke_deletes_the_oauth_token(ctx):
    ctx.credentials = {"access_token": "at", "actor_id": "1"}
    with responses.RequestsMock() as mock:
        mock.delete(f"{BASE}/oauth/tokens/current.json", status=204)
        CONNECTOR.revoke(ctx)
        assert mock.calls[0].request.headers["Authorization"] == "Bearer at"


def test_revoke_leaves_an_api_token_alone(ctx):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        CONNECTOR.revoke(ctx)
        assert len(mock.calls) == 0
