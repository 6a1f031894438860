"""The admin backfill routes: precise 4xx on bad input, 202 with a job, progress by id."""
from __future__ import annotations

import dataclasses

import pytest

from integration.store.models import Event

TOKEN = "admin-token-for-tests-0123456789"


@pytest.fixture
def admin(app, client):
    app.config["TACTFUL"] = dataclasses.replace(app.config["TACTFUL"], admin_token=TOKEN)

    def call(method: str, path: str, token: str = TOKEN, **kwargs):
        return getattr(client, method)(f"/api/admin{path}",
                                       headers={"Authorization": f"Bearer {token}"}, **kwargs)
    return call


def test_start_answers_202_with_a_queued_job_and_stores_no_event_yet(admin, db, existing):
    installation_id, _, _ = existing("zendesk", 2)
    response = admin("post", f"/installations/{installation_id}/backfill",
                     json={"since": "7d", "status": "open"})
    assert response.status_code == 202, response.json
    job = response.json["backfill"]
    assert job["state"] == "queued" and job["status"] == "open" and job["dry_run"] is False
    assert response.json["status_url"] == f"/api/admin/backfills/{job['id']}"
    shown = admin("get", f"/backfills/{job['id']}")
    assert shown.status_code == 200 and shown.json["id"] == job["id"]
    with db.session() as session:
        assert session.query(Event).count() == 0


def test_a_second_start_while_one_runs_is_409(admin, existing):
    installation_id, _, _ = existing("zendesk", 1)
    first = admin("post", f"/installations/{installation_id}/backfill", json={"since": "1h"})
    second = admin("post", f"/installations/{installation_id}/backfill", json={"since": "1h"})
    assert second.status_code == 409
    assert first.json["backfill"]["id"] in second.json["reason"]


@pytest.mark.parametrize(("body", "field"), [
    ({"since": "soon"}, "since"),
    ({"since": "500d"}, "since"),
    ({}, "since"),
    ({"since": "7d", "status": "escalated"}, "status"),
    ({"since": "7d", "dry_run": "maybe"}, "dry_run"),
    ({"since": "7d", "limit": 5}, "limit"),
])
def test_bad_bodies_are_400_naming_the_field(admin, existing, body, field):
    installation_id, _, _ = existing("zendesk", 0)
    response = admin("post", f"/installations/{installation_id}/backfill", json=body)
    assert response.status_code == 400
    assert field in response.json["reasons"]


def test_a_body_that_is_not_an_object_is_400(admin, existing):
    installation_id, _, _ = existing("zendesk", 0)
    response = admin("post", f"/installations/{installation_id}/backfill", json=["7d"])
    assert response.status_code == 400 and response.json["error"] == "invalid-request"


def test_unknown_installation_and_unknown_job_are_404(admin):
    assert admin("post", "/installations/in_nope/backfill",
                 json={"since": "7d"}).status_code == 404
    assert admin("get", "/backfills/bf_nope").status_code == 404


def test_the_routes_need_the_admin_token(admin, existing):
    installation_id, _, _ = existing("zendesk", 0)
    assert admin("post", f"/installations/{installation_id}/backfill", token="wrong",
                 json={"since": "7d"}).status_code == 401
    assert admin("get", "/backfills/bf_x", token="wrong").status_code == 401
