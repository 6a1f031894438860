"""The sandbox speaks Zendesk well enough that the real connector works against it unchanged."""
from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import requests

from connectors.base import Enrichment
from connectors.errors import Conflict, HostError, RateLimited, Unauthorized
from connectors.zendesk import CONNECTOR, webhook
from connectors.zendesk.client import ZendeskClient
from integration.sandbox.core import sample_tickets


def control(sandbox, method: str, path: str, **body):
    response = requests.request(method, f"{sandbox.base_url}/_sandbox{path}",
                                json=body or None, timeout=5)
    response.raise_for_status()
    return response.json()


def new_ticket(sandbox, subject="Refund please", body="I was charged twice, please refund.",
               **extra) -> str:
    return control(sandbox, "POST", "/zendesk/acme/tickets", subject=subject, body=body,
                   requester={"name": "Dana", "email": "dana@example.org"}, **extra)["ticket_id"]


def enrichment(op_key="op-1") -> Enrichment:
    return Enrichment(op_key=op_key, add_tags=("tactful_done", "tactful_sentiment_negative"),
                      priority="high", custom_fields={"sentiment": "negative"}, note="Be kind.")


def test_bundled_samples_are_varied_and_plenty():
    samples = sample_tickets()
    assert len(samples) >= 50
    assert {"angry", "confused", "grateful", "urgent", "long-email"} <= {s["kind"] for s in samples}
    assert {"es", "fr", "de", "pt"} <= {s["language"] for s in samples}
    assert all(s["subject"] and s["body"] and s["requester"]["email"] for s in samples)


def test_connector_reads_and_writes_a_sandbox_ticket(sandbox, zendesk_ctx):
    ticket_id = new_ticket(sandbox)
    zendesk_ctx.remote = CONNECTOR.provision(zendesk_ctx, "http://127.0.0.1:9/x", "s").remote
    ticket = CONNECTOR.fetch_ticket(zendesk_ctx, ticket_id)
    assert ticket.latest_message == "I was charged twice, please refund."
    assert ticket.requester_name == "Dana"
    result = CONNECTOR.apply(zendesk_ctx, ticket, enrichment())
    view = control(sandbox, "GET", f"/zendesk/acme/tickets/{ticket_id}")
    assert view["enriched"] and view["priority"] == "high"
    assert set(result.tags_added) <= set(view["tags"])
    assert view["fields"] == {"Tactful sentiment": "negative"}
    again = CONNECTOR.apply(zendesk_ctx, CONNECTOR.fetch_ticket(zendesk_ctx, ticket_id),
                            enrichment())
    assert again.already_applied
    assert len(control(sandbox, "GET", f"/zendesk/acme/tickets/{ticket_id}")["notes"]) == 1


def test_write_log_lists_every_write_by_account_and_ticket(sandbox, zendesk_ctx):
    ticket_id = new_ticket(sandbox)
    CONNECTOR.apply(zendesk_ctx, CONNECTOR.fetch_ticket(zendesk_ctx, ticket_id), enrichment())
    writes = requests.get(f"{sandbox.base_url}/_sandbox/log",
                          params={"account": "acme", "ticket": ticket_id}, timeout=5).json()
    entries = writes["writes"]
    assert [(w["method"], w["path"].rsplit("/", 1)[-1]) for w in entries] == [
        ("PUT", f"{ticket_id}.json"), ("PUT", "tags.json")]
    assert entries[0]["body"]["ticket"]["comment"]["public"] is False
    assert entries[1]["body"]["tags"] == ["tactful_done", "tactful_sentiment_negative"]
    assert all(w["vendor"] == "zendesk" and w["account"] == "acme" for w in entries)


def test_write_log_since_returns_only_later_writes(sandbox, zendesk_ctx):
    ticket_id = new_ticket(sandbox)
    CONNECTOR.apply(zendesk_ctx, CONNECTOR.fetch_ticket(zendesk_ctx, ticket_id), enrichment())
    log_url = f"{sandbox.base_url}/_sandbox/log"
    first, second = requests.get(log_url, params={"account": "acme"}, timeout=5).json()["writes"]
    later = requests.get(log_url, params={"account": "acme", "since": first["seq"]},
                         timeout=5).json()["writes"]
    assert later == [second]
    assert requests.get(log_url, params={"since": "x"}, timeout=5).status_code == 400


def test_wrong_credentials_get_401(sandbox, zendesk_ctx):
    zendesk_ctx.credentials = {**zendesk_ctx.credentials, "api_token": "wrong"}
    with pytest.raises(Unauthorized):
        CONNECTOR.whoami(zendesk_ctx)


def test_stale_updated_stamp_gets_409_and_changes_nothing(sandbox, zendesk_ctx):
    ticket_id = new_ticket(sandbox)
    with pytest.raises(Conflict):
        ZendeskClient(zendesk_ctx).update_ticket(ticket_id, {"priority": "low"},
                                                 "2000-01-01T00:00:00Z")
    assert CONNECTOR.fetch_ticket(zendesk_ctx, ticket_id).priority is None


def test_injected_conflicts_are_survived_by_refetch(sandbox, zendesk_ctx):
    ticket_id = new_ticket(sandbox)
    control(sandbox, "POST", "/faults", vendor="zendesk", account="acme", conflicts=2)
    result = CONNECTOR.apply(zendesk_ctx, CONNECTOR.fetch_ticket(zendesk_ctx, ticket_id),
                             enrichment())
    assert result.note_added
    assert control(sandbox, "GET", f"/zendesk/acme/tickets/{ticket_id}")["enriched"]


def test_status_burst_then_recovery(sandbox, zendesk_ctx):
    control(sandbox, "POST", "/faults", vendor="zendesk", account="acme", fail_status=503,
            fail_count=2)
    for _ in range(2):
        with pytest.raises(HostError):
            CONNECTOR.whoami(zendesk_ctx)
    assert CONNECTOR.whoami(zendesk_ctx)["role"] == "admin"


def test_rate_limit_answers_429_with_retry_after(sandbox, zendesk_ctx):
    control(sandbox, "POST", "/faults", vendor="zendesk", account="acme", rate_limit=2,
            rate_window_s=30)
    CONNECTOR.whoami(zendesk_ctx)
    CONNECTOR.whoami(zendesk_ctx)
    with pytest.raises(RateLimited) as caught:
        CONNECTOR.whoami(zendesk_ctx)
    assert 0 < caught.value.retry_after <= 30


def test_a_hang_longer_than_the_timeout_is_a_host_error(sandbox, zendesk_ctx):
    control(sandbox, "POST", "/faults", vendor="zendesk", account="acme", hang_s=1.0,
            hang_count=1)
    zendesk_ctx.settings = {"http_timeout_s": 0.3}
    with pytest.raises(HostError, match="timed out"):
        CONNECTOR.whoami(zendesk_ctx)


def test_unknown_fault_knob_is_400(sandbox, zendesk_account):
    response = requests.post(f"{sandbox.base_url}/_sandbox/faults", timeout=5,
                             json={"vendor": "zendesk", "account": "acme", "explode": True})
    assert response.status_code == 400


def test_trigger_fires_a_webhook_signed_as_zendesk_signs(sandbox, zendesk_ctx, webhook_receiver):
    provisioned = CONNECTOR.provision(zendesk_ctx, webhook_receiver.url, "hook-secret")
    ticket_id = new_ticket(sandbox)
    [delivery] = webhook_receiver.wait_for(1)
    zendesk_ctx.webhook_secrets = [provisioned.webhook_secret]
    # The connector's own verifier accepts it: same headers, same bytes, same secret.
    CONNECTOR.verify(delivery["headers"], delivery["body"], zendesk_ctx, datetime.now(UTC))
    event = CONNECTOR.parse_event(json.loads(delivery["body"]))
    assert (event.kind, event.ticket_id, event.account) == ("created", ticket_id, "acme")
    assert delivery["headers"][webhook.TIMESTAMP_HEADER].endswith("Z")


def test_our_api_writes_do_not_fire_triggers_unless_echo_is_on(sandbox, zendesk_ctx,
                                                                webhook_receiver):
    zendesk_ctx.remote = CONNECTOR.provision(zendesk_ctx, webhook_receiver.url, "s").remote
    ticket_id = new_ticket(sandbox)
    webhook_receiver.wait_for(1)
    CONNECTOR.apply(zendesk_ctx, CONNECTOR.fetch_ticket(zendesk_ctx, ticket_id), enrichment())
    assert len(webhook_receiver.wait_for(2, timeout=0.5)) == 1
    control(sandbox, "POST", "/faults", vendor="zendesk", account="acme", echo_writes=True)
    CONNECTOR.apply(zendesk_ctx, CONNECTOR.fetch_ticket(zendesk_ctx, ticket_id),
                    enrichment("op-2"))
    echoed = webhook_receiver.wait_for(2)[1]
    event = CONNECTOR.parse_event(json.loads(echoed["body"]))
    assert event.actor_id == str(zendesk_ctx.credentials["actor_id"])
    assert CONNECTOR.is_own_change(zendesk_ctx, event, None)


def test_customer_reply_fires_the_reply_trigger(sandbox, zendesk_ctx, webhook_receiver):
    CONNECTOR.provision(zendesk_ctx, webhook_receiver.url, "s")
    ticket_id = new_ticket(sandbox)
    control(sandbox, "POST", f"/zendesk/acme/tickets/{ticket_id}/replies", body="Any news?")
    replies = webhook_receiver.wait_for(2)
    assert CONNECTOR.parse_event(json.loads(replies[1]["body"])).kind == "replied"
    assert CONNECTOR.fetch_ticket(zendesk_ctx, ticket_id).latest_message == "Any news?"


def test_secrets_never_appear_in_the_write_log(sandbox, zendesk_ctx):
    CONNECTOR.provision(zendesk_ctx, "http://127.0.0.1:9/x", "very-secret-value")
    log = requests.get(f"{sandbox.base_url}/_sandbox/log", timeout=5).text
    assert "very-secret-value" not in log
