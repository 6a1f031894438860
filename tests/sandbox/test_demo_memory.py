"""The demo's memory scene, run for real: every line it prints is checked against what the
sandbox helpdesks hold afterwards and what the demo's alert webhook received.

The service runs as `tactful run` runs it on a laptop: TACTFUL_ENV=development with
TACTFUL_ALERTS_ALLOW_LOOPBACK=1 (the demo's receiver is on 127.0.0.1), a real Celery
worker, webhooks over HTTP, settings through the admin API and the default outbound
budget (300 calls a minute), so a routing assignment may meet a spent budget.
"""
from __future__ import annotations

import dataclasses
import re

import pytest
from sqlalchemy import select

from integration.cli import demo_memory
from integration.cli.demo import run_demo_against
from integration.sandbox.core import load_vendors
from integration.sandbox.knowledge import sample_knowledge
from integration.sandbox.knowledge_api import MACROS
from integration.store.models import Effect

TOKEN = "demo-memory-admin-token-0123456789abcdef"
BILLING = {"zendesk": 5001, "freshdesk": 4001, "intercom": "3001"}   # the sandbox's groups


@pytest.fixture
def demo_service(app, serve_app, start_worker):
    """Web (in this process) and a worker, configured as `tactful run` configures them."""
    secret = load_vendors()["intercom"].service_env["INTERCOM_CLIENT_SECRET"]
    app.config["TACTFUL"] = dataclasses.replace(
        app.config["TACTFUL"], env="development", alerts_allow_loopback=True,
        admin_token=TOKEN, intercom_client_secret=secret)
    extra, skipped = demo_memory.service_env(environ={})
    assert skipped == {} and extra["TACTFUL_ALERTS_ALLOW_LOOPBACK"] == "1"
    start_worker(concurrency=2, extra_env={**extra, "TACTFUL_ENV": "development"})
    return serve_app(app)


@pytest.mark.slow
def test_the_memory_scene_prints_what_the_helpdesks_and_the_alert_webhook_hold(
        app, db, sandbox, demo_service, capsys):
    summary = run_demo_against(demo_service, "zendesk", tickets=1, app=app, memory=True,
                               admin_token=TOKEN, sandbox=sandbox)
    printed = capsys.readouterr().out
    lines = {label: _line(printed, label) for label in
             ("repeat customer", "proactive alert", "routing", "recommendations")}
    found = summary["memory"]
    zendesk = sandbox.sandbox.account("zendesk", found["account"]).data

    # 1. Two tickets from one customer about one problem: only the second is flagged.
    first, second = _tickets_of(zendesk, demo_memory.REPEAT[0]["email"])
    assert "tactful_customer_repeat_topic" not in first["tags"]
    assert "tactful_customer_repeat_topic" in second["tags"]
    assert "contact us about this before" in _note(zendesk, second)
    assert "contact us about this before" not in _note(zendesk, first)
    assert (f"ticket {first['id']} not flagged, ticket {second['id']} tagged "
            "tactful_customer_repeat_topic") in lines["repeat customer"]
    assert "its draft: \"I can see you've had to contact us about this before" in \
        lines["repeat customer"]

    # 2. An at-risk VIP writes twice the same day: exactly one alert reaches the webhook.
    [vip] = _tickets_of(zendesk, demo_memory.VIP[0]["email"])
    customer_messages = [c for c in zendesk["comments"][vip["id"]]
                         if c["author_id"] == vip["requester_id"]]
    assert len(customer_messages) == 2
    assert len([c for c in zendesk["comments"][vip["id"]] if not c["public"]]) == 2  # notes
    assert {"vip", "tactful_customer_at_risk"} <= set(vip["tags"])
    [alert] = found["alert"]["payloads"]          # what the receiver got, as it got it
    assert set(alert) == {"text", "blocks"}
    assert f"zendesk ticket {vip['id']} ({found['account']})" in alert["text"]
    assert "at risk of leaving" in alert["text"] and "talked about leaving" in alert["text"]
    assert demo_memory.VIP[0]["email"] not in str(alert) and "competitor" not in str(alert)
    with db.session() as session:
        claims = session.scalars(select(Effect.op_key).where(
            Effect.op_key.like("alert:%"))).all()
    assert len(claims) == 1 and claims[0].startswith("alert:at_risk:")
    assert (f"wrote 2 messages today on ticket {vip['id']}, tagged at risk; the demo's alert "
            "webhook received 1") in lines["proactive alert"]

    # 3. The routing rule assigned "Billing" in each helpdesk's own terms.
    freshdesk = sandbox.sandbox.account("freshdesk", found["account"]).data
    intercom = sandbox.sandbox.account("intercom", found["account"]).data
    [fd_ticket] = freshdesk["tickets"].values()
    [conversation] = intercom["conversations"].values()
    assert second.get("group_id") == BILLING["zendesk"]
    assert fd_ticket.get("group_id") == BILLING["freshdesk"]
    assert conversation["team_assignee_id"] == BILLING["intercom"]
    assert ("zendesk group_id 5001, freshdesk group_id 4001, intercom team 3001"
            in lines["routing"])

    # 4. The second ticket's note recommends three items of the sandbox's knowledge.
    titles = re.findall(r"^- \[(?:article|macro)\] (.+?) https?://",
                        _note(zendesk, second).partition("Suggested help (Tactful):")[2],
                        flags=re.MULTILINE)
    known = {a["title"] for a in sample_knowledge()["articles"]} | {m[0] for m in MACROS}
    assert len(titles) == 3 and set(titles) <= known
    assert found["indexed"] == len(sample_knowledge()["articles"]) + len(MACROS)
    assert lines["recommendations"].endswith(
        f"ticket {second['id']}'s note suggests: " + " | ".join(titles))


def test_service_env_never_overrides_a_real_intercom_app():
    extra, skipped = demo_memory.service_env(environ={"INTERCOM_CLIENT_SECRET": "mine"})
    assert "INTERCOM_CLIENT_SECRET" not in extra and set(skipped) == {"intercom"}
    assert extra["TACTFUL_ALERTS_ALLOW_LOOPBACK"] == "1"
    sandbox_secret = load_vendors()["intercom"].service_env["INTERCOM_CLIENT_SECRET"]
    extra, skipped = demo_memory.service_env(environ={"INTERCOM_CLIENT_SECRET": sandbox_secret})
    assert skipped == {} and extra["INTERCOM_CLIENT_SECRET"] == sandbox_secret


def test_summary_lines_say_what_is_missing_instead_of_inventing_it():
    found = {"provider": "zendesk", "account": "memory-x", "indexed": 0,
             "repeat": {"tickets": ["1", ""], "flagged": [False, False], "draft": None},
             "alert": {"ticket": "2", "messages": 1, "at_risk": False, "received": 0,
                       "url": "http://127.0.0.1:1/alerts", "payloads": []},
             "routing": {"zendesk": {"ticket": "", "group_id": None, "group": None}},
             "recommendations": {"ticket": "", "titles": []},
             "skipped": {"intercom": "INTERCOM_CLIENT_SECRET is set to your own app's"}}
    text = "\n".join(demo_memory.summary_lines(found))
    assert "its draft does not say so" in text
    assert "alert webhook received 0" in text
    assert "zendesk not assigned, intercom skipped (INTERCOM_CLIENT_SECRET" in text
    assert "note suggests: nothing" in text


def _line(printed: str, label: str) -> str:
    [line] = [ln for ln in printed.splitlines() if ln.strip().startswith(label)]
    return line


def _tickets_of(store: dict, email: str) -> list[dict]:
    [user] = [u for u in store["users"].values() if u["email"] == email]
    return sorted((t for t in store["tickets"].values() if t["requester_id"] == user["id"]),
                  key=lambda t: t["id"])


def _note(store: dict, ticket: dict) -> str:
    notes = [c["body"] for c in store["comments"][ticket["id"]] if not c["public"]]
    return notes[-1] if notes else ""
