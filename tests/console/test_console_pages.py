"""The console through Flask's test client: sign-in, CSRF, scoping, settings, events, trends."""
from __future__ import annotations

from integration.store.models import Event, EventStatus, Installation
from tests.console.conftest import ADMIN_TOKEN, csrf_of


def test_sign_in_needs_the_csrf_token_and_the_right_admin_token(console_app):
    client = console_app.test_client()
    assert client.get("/console/installations").status_code == 302   # to the sign-in page
    page = client.get("/console/login")
    token = csrf_of(page.get_data(as_text=True))
    assert client.post("/console/login", data={"token": ADMIN_TOKEN}).status_code == 400
    wrong = client.post("/console/login", data={"token": "nope", "csrf_token": token})
    assert wrong.status_code == 401 and "not the admin token" in wrong.get_data(as_text=True)
    right = client.post("/console/login", data={"token": ADMIN_TOKEN, "csrf_token": token})
    assert right.status_code == 302 and right.headers["Location"].endswith("/installations")
    cookie = right.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert client.get("/console/installations").status_code == 200


def test_sign_in_never_redirects_off_the_console(console_app):
    client = console_app.test_client()
    token = csrf_of(client.get("/console/login").get_data(as_text=True))
    answer = client.post("/console/login?next=//evil.example/x",
                         data={"token": ADMIN_TOKEN, "csrf_token": token})
    assert answer.headers["Location"].endswith("/console/installations")


def test_posts_without_the_session_csrf_token_change_nothing(admin, stored, db):
    answer = admin.post("/console/installations/in_a/mode", data={"action": "pause"})
    assert answer.status_code == 400 and "CSRF" in answer.get_json()["reason"]
    with db.session() as session:
        assert session.get(Installation, "in_a").paused is False


def test_installations_show_error_rate_and_pause_parks_nothing_yet(admin, stored, db):
    html = admin.get("/console/installations").get_data(as_text=True)
    assert "acme-a" in html and "50.0% (1/2 failed)" in html
    assert "/webhooks/zendesk/in_a" in html
    answer = admin.post("/console/installations/in_a/mode",
                        data={"action": "pause", "csrf_token": admin.csrf})
    assert answer.status_code == 302
    admin.post("/console/installations/in_a/mode",
               data={"action": "dry-run-on", "csrf_token": admin.csrf})
    with db.session() as session:
        row = session.get(Installation, "in_a")
        assert (row.paused, row.dry_run) == (True, True)
    html = admin.get("/console/installations").get_data(as_text=True)
    assert "Resume" in html and "dry run" in html


def test_a_bad_setting_shows_the_schema_message_next_to_its_field(admin, stored, db):
    answer = admin.post("/console/installations/in_a/settings/policy", data={
        "csrf_token": admin.csrf, "tag_prefix": "tactful_", "escalate_threshold": "1.7"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert 'id="error-policy-escalate_threshold"' in html
    assert "Must be greater than or equal to 0.0 and less than or equal to 1.0." in html
    with db.session() as session:
        assert session.get(Installation, "in_a").settings == {}
    good = admin.post("/console/installations/in_a/settings/policy", data={
        "csrf_token": admin.csrf, "tag_prefix": "tf_", "escalate_threshold": "0.6",
        "vip_tags": "vip\ngold", "escalate_on_churn": "on"})
    assert good.status_code == 302
    with db.session() as session:
        policy = session.get(Installation, "in_a").settings["policy"]
    assert policy["escalate_threshold"] == 0.6 and policy["vip_tags"] == ["vip", "gold"]
    assert policy["escalate_on_churn"] is True and policy["escalate_on_abuse"] is False


def test_limits_and_fields_map_sections_use_the_admin_schema(admin, stored, db):
    bad = admin.post("/console/installations/in_a/settings/limits", data={
        "csrf_token": admin.csrf, "rate_limit_per_minute": "0", "http_timeout_s": ""})
    assert bad.status_code == 400 and 'id="error-limits-rate_limit_per_minute"' in \
        bad.get_data(as_text=True)
    not_json = admin.post("/console/installations/in_a/settings/fields_map", data={
        "csrf_token": admin.csrf, "fields_map": "{sentiment:"})
    assert not_json.status_code == 400 and "not valid JSON" in not_json.get_data(as_text=True)
    admin.post("/console/installations/in_a/settings/limits", data={
        "csrf_token": admin.csrf, "rate_limit_per_minute": "120", "http_timeout_s": "5"})
    with db.session() as session:
        settings = session.get(Installation, "in_a").settings
    assert settings["rate_limit_per_minute"] == 120 and settings["http_timeout_s"] == 5.0


def test_events_search_by_ticket_and_status(admin, stored):
    by_ticket = admin.get("/console/events?ticket=101").get_data(as_text=True)
    assert f"#{stored['done']}" in by_ticket and f"#{stored['failed']}" not in by_ticket
    failed = admin.get("/console/events?status=failed").get_data(as_text=True)
    assert f"#{stored['failed']}" in failed and f"#{stored['done']}<" not in failed
    assert admin.get("/console/events?status=bogus").status_code == 400


def test_the_event_page_tells_what_was_read_decided_and_written(admin, stored):
    html = admin.get(f"/console/events/{stored['done']}").get_data(as_text=True)
    for expected in ("I am absolutely furious, I was charged twice!", "absolutely furious",
                     "strong anger (0.80)", "urgent", "tactful_angry", "sentiment = negative",
                     "Tactful note: acknowledge the charge", "billing"):
        assert expected in html, expected


def test_redrive_requeues_a_dead_letter(admin, stored, db):
    answer = admin.post(f"/console/events/{stored['failed']}/redrive",
                        data={"csrf_token": admin.csrf})
    assert answer.status_code == 302
    with db.session() as session:
        event = session.get(Event, stored["failed"])
        assert event.status in (EventStatus.PENDING, EventStatus.QUEUED)
        assert event.attempts == 0
    again = admin.post(f"/console/events/{stored['done']}/redrive",
                       data={"csrf_token": admin.csrf})
    assert again.status_code == 409


def test_an_installation_session_sees_only_its_own_installation(console_app, stored):
    client = console_app.test_client()
    with client.session_transaction() as session:
        session["console"] = {"scope": "installation", "installation_id": "in_b"}
        session["csrf"] = "t"
    listing = client.get("/console/installations").get_data(as_text=True)
    assert "beta-b" in listing and "acme-a" not in listing
    assert client.get(f"/console/events/{stored['done']}").status_code == 404
    assert client.get(f"/console/events/{stored['other']}").status_code == 200
    assert f"#{stored['done']}" not in client.get("/console/events").get_data(as_text=True)
    assert client.get("/console/installations/in_a/settings").status_code == 404
    assert client.get("/console/installations/in_a/trends").status_code == 404
    assert client.post("/console/installations/in_a/mode",
                       data={"action": "pause", "csrf_token": "t"}).status_code == 404
    assert client.post(f"/console/events/{stored['failed']}/redrive",
                       data={"csrf_token": "t"}).status_code == 404


def test_trends_draw_the_stored_enrichments(admin, stored):
    html = admin.get("/console/installations/in_a/trends?days=7").get_data(as_text=True)
    assert html.count("<svg") == 5 and "1 enrichments" in html
    assert "billing: 1" in html and "1 escalation(s) in the window" in html
    assert admin.get("/console/installations/in_a/trends?days=0").status_code == 400


def test_landing_page_links_the_console_docs_and_health(client):
    html = client.get("/").get_data(as_text=True)
    for link in ('href="/console/"', 'href="/docs"', 'href="/healthz"'):
        assert link in html
