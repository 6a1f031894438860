"""Proactive alerts: the URL rule both ways, and an at-risk VIP alerting a real local receiver
exactly once through a real Celery worker, however many messages meet the condition."""
from __future__ import annotations

import threading
import time

import pytest
from flask import Flask, request

from integration.pipeline import alerts
from tests.e2e.conftest import wait_until
from tests.memory.conftest import new_ticket, process_ticket, set_settings

CHURN = ("I'm cancelling my subscription and switching to a competitor. Your billing failed "
         "again and I am done with this.")


@pytest.mark.parametrize("url", [
    "http://hooks.example.com/x",              # not https
    "https://127.0.0.1/x", "https://localhost/x", "https://[::1]/x",    # loopback
    "https://10.0.0.5/x", "https://192.168.1.2/x", "https://172.16.0.1/x",  # private
    "https://169.254.169.254/latest",          # link-local (cloud metadata)
    "https://user:pw@hooks.example.com/x",     # credentials in the URL
])
def test_production_refuses_unsafe_alert_urls(url):
    with pytest.raises(alerts.UnsafeURL):
        alerts.check_url(url, "production", resolve=False)


def test_production_accepts_a_public_https_url():
    alerts.check_url("https://93.184.215.14/services/T0/B0", "production", resolve=False)


def test_names_are_checked_after_dns_resolution(monkeypatch):
    monkeypatch.setattr(alerts.socket, "getaddrinfo",
                        lambda *a, **k: [(2, 1, 6, "", ("10.1.2.3", 443))])
    with pytest.raises(alerts.UnsafeURL, match="private"):
        alerts.check_url("https://hooks.example.com/x", "production")


def test_test_env_allows_loopback_http_but_still_refuses_private_networks():
    alerts.check_url("http://127.0.0.1:8123/alerts", "test", resolve=False)
    with pytest.raises(alerts.UnsafeURL):
        alerts.check_url("http://10.0.0.5/alerts", "test", resolve=False)
    with pytest.raises(alerts.UnsafeURL):
        alerts.check_url("http://127.0.0.1:8123/alerts", "development", resolve=False)


def test_allow_loopback_relaxes_development_only_and_never_private_networks():
    """TACTFUL_ALERTS_ALLOW_LOOPBACK (the demo's local receiver) is not a way round the
    rule in production, nor to a private network anywhere."""
    alerts.check_url("http://127.0.0.1:8123/alerts", "development", resolve=False,
                     allow_loopback=True)
    for url in ("http://127.0.0.1:8123/alerts", "https://127.0.0.1/alerts"):
        with pytest.raises(alerts.UnsafeURL):
            alerts.check_url(url, "production", resolve=False, allow_loopback=True)
    for url in ("http://10.0.0.5/alerts", "http://169.254.169.254/latest"):
        with pytest.raises(alerts.UnsafeURL):
            alerts.check_url(url, "development", resolve=False, allow_loopback=True)
    schema = alerts.AlertSettingsSchema(env="development", allow_loopback=True)
    assert schema.load({"webhook_url": "http://127.0.0.1:8123/alerts"})["on"] == list(
        alerts.CONDITIONS)


def test_admin_api_rejects_an_unsafe_alert_url_with_the_reason(app, client, db):
    import dataclasses
    app.config["TACTFUL"] = dataclasses.replace(app.config["TACTFUL"], admin_token="t0k")
    from integration.store.models import Installation
    with db.session() as session:
        session.add(Installation(id="in_x", provider="zendesk", account="acme", settings={},
                                 remote={}))
    answer = client.put("/api/admin/installations/in_x/settings",
                        headers={"Authorization": "Bearer t0k"},
                        json={"alerts": {"webhook_url": "http://10.0.0.5/hook"}})
    assert answer.status_code == 400
    assert "private" in str(answer.get_json()["reasons"]["alerts"]["webhook_url"])
    answer = client.put("/api/admin/installations/in_x/settings",
                        headers={"Authorization": "Bearer t0k"},
                        json={"routing": {"rules": [{"when": {"colour": "red"}, "group": "x"}]}})
    assert answer.status_code == 400 and "routing" in answer.get_json()["reasons"]


@pytest.mark.parametrize("allow, status", [(False, 400), (True, 200)])
def test_admin_api_takes_a_loopback_alert_url_in_development_only_when_allowed(
        app, client, db, allow, status):
    import dataclasses
    app.config["TACTFUL"] = dataclasses.replace(app.config["TACTFUL"], admin_token="t0k",
                                                env="development", alerts_allow_loopback=allow)
    from integration.store.models import Installation
    with db.session() as session:
        session.add(Installation(id="in_x", provider="zendesk", account="acme", settings={},
                                 remote={}))
    answer = client.put("/api/admin/installations/in_x/settings",
                        headers={"Authorization": "Bearer t0k"},
                        json={"alerts": {"webhook_url": "http://127.0.0.1:8123/alerts"}})
    assert answer.status_code == status, answer.get_json()


@pytest.fixture
def receiver(serve_app):
    """A real local webhook receiver that records every alert it gets."""
    got, lock = [], threading.Lock()
    hook = Flask("alert-receiver")

    @hook.post("/alerts")
    def take():
        with lock:
            got.append(request.get_json())
        return "ok"
    return serve_app(hook) + "/alerts", got


@pytest.mark.slow
def test_an_at_risk_vip_triggers_exactly_one_alert(app, db, sandbox, vendor_install, receiver,
                                                   start_worker):
    url, got = receiver
    installation, _ = vendor_install("zendesk")
    set_settings(db, installation, policy={"vip_tags": ["vip"]},
                 alerts={"webhook_url": url, "on": ["at_risk"]})
    start_worker()
    for _ in range(2):      # the same customer, at risk on both tickets
        ticket = new_ticket(sandbox, "zendesk", "acme", CHURN, email="vip@example.org",
                            tags=["vip"])
        assert process_ticket(app, db, installation, ticket).status == "done"
    wait_until(lambda: got, what="the alert at the local receiver")
    time.sleep(2.0)         # a second alert, if one were queued, would have arrived by now
    assert len(got) == 1
    alert = got[0]
    assert set(alert) == {"text", "blocks"} and "at risk" in alert["text"]
    assert "talked about leaving" in alert["text"]
    assert "vip@example.org" not in str(alert) and "cancelling" not in str(alert)
