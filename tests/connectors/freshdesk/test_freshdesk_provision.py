"""Provisioning creates the ticket fields and both rules, or hands back the rule to paste."""
from __future__ import annotations

import json

import pytest
import responses

from connectors.freshdesk import CONNECTOR
from connectors.freshdesk.provision import manual_rule
from connectors.freshdesk.webhook import SECRET_HEADER
from tests.connectors.freshdesk import samples

BASE = f"{samples.API_BASE}/api/v2"
URL = "https://tactful.example/webhooks/freshdesk/in_fd_test"


@pytest.fixture
def api():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def _fields(api):
    api.get(f"{BASE}/admin/ticket_fields", json=samples.api("list_ticket_fields"))
    for label in ("sentiment", "emotions", "suggested_priority", "topic"):
        created = samples.api("create_ticket_field")
        created["name"] = f"cf_tactful_{label}"
        api.post(f"{BASE}/admin/ticket_fields", json=created)


def test_creates_fields_and_both_rules_with_our_secret_header(api):
    _fields(api)
    for kind, rule_id in ((1, 88001), (4, 88002)):
        api.get(f"{BASE}/automations/{kind}/rules", json=[])
        api.post(f"{BASE}/automations/{kind}/rules",
                 json={**samples.api("create_automation_rule"), "id": rule_id})
    result = CONNECTOR.provision(samples.context(), URL, samples.SECRET)
    assert result.remote == {
        "fields": {"sentiment": "cf_tactful_sentiment", "emotions": "cf_tactful_emotions",
                   "priority": "cf_tactful_suggested_priority", "topic": "cf_tactful_topic"},
        "rule_ids": {"created": "1:88001", "replied": "4:88002"}}
    assert result.manual is None and not result.problems
    created_rules = [json.loads(c.request.body) for c in api.calls
                     if c.request.method == "POST" and "/automations/" in c.request.url]
    for rule in created_rules:
        action, = rule["actions"]
        assert action["field_name"] == "trigger_webhook" and action["url"] == URL
        assert action["custom_headers"] == {SECRET_HEADER: samples.SECRET}
        body = json.loads(action["content"])
        assert body["ticket_id"] == "{{ticket.id}}" and body["account"] == "acme"
    assert created_rules[1]["performer"] == {"type": 2}   # the requester: never our agent
    field = json.loads(api.calls[1].request.body)
    assert field["type"] == "custom_text" and field["displayed_to_customers"] is False


def test_existing_rules_are_updated_not_duplicated(api):
    api.get(f"{BASE}/admin/ticket_fields", json=[
        {"label": label, "name": f"cf_{n}"} for n, label in (
            ("s", "Tactful sentiment"), ("e", "Tactful emotions"),
            ("p", "Tactful suggested priority"), ("t", "Tactful topic"))])
    api.get(f"{BASE}/automations/1/rules", json=[{"id": 5, "name": "Tactful: new ticket"}])
    api.put(f"{BASE}/automations/1/rules/5", json={"id": 5})
    api.get(f"{BASE}/automations/4/rules", json=[{"id": 6, "name": "Tactful: customer replied"}])
    api.put(f"{BASE}/automations/4/rules/6", json={"id": 6})
    result = CONNECTOR.provision(samples.context(), URL, samples.SECRET)
    assert result.remote["rule_ids"] == {"created": "1:5", "replied": "4:6"}
    assert not [c for c in api.calls if c.request.method == "POST"]


def test_an_account_that_refuses_rules_gets_the_exact_rule_to_paste(api):
    api.get(f"{BASE}/admin/ticket_fields", status=403, json=samples.api("error_access_denied"))
    api.get(f"{BASE}/automations/1/rules", status=403, json=samples.api("error_access_denied"))
    result = CONNECTOR.provision(samples.context(), URL, samples.SECRET)
    assert result.remote == {"fields": {}, "rule_ids": {}}
    assert result.manual == manual_rule("acme", URL, samples.SECRET)
    assert URL in result.manual and f"{SECRET_HEADER}: {samples.SECRET}" in result.manual
    assert '"ticket_id": "{{ticket.id}}"' in result.manual
    assert len(result.problems) == 2 and "Unauthorized" in result.problems[0]


def test_unprovision_deletes_our_rules_and_tolerates_gone_ones(api):
    api.delete(f"{BASE}/automations/1/rules/5", status=204)
    api.delete(f"{BASE}/automations/4/rules/6", status=404, json={})
    CONNECTOR.unprovision(samples.context(remote={"rule_ids": {"created": "1:5",
                                                                "replied": "4:6"}}))
    assert len(api.calls) == 2
