"""Bulk re-drive from the dead-letters page: CSRF, scope, and the count shown."""
from __future__ import annotations

from integration.store.models import Event, EventStatus


def _add_failed(db, installation_id: str, ticket: str) -> int:
    with db.session() as session:
        event = Event(installation_id=installation_id, provider_event_id=f"f{ticket}",
                      ticket_id=ticket, kind="created", status=EventStatus.FAILED, attempts=8,
                      last_error="HostError: 503")
        session.add(event)
        session.flush()
        return event.id


def _status(db, event_id: int) -> str:
    with db.session() as session:
        return session.get(Event, event_id).status


def test_bulk_redrive_requeues_every_failed_event_and_says_how_many(admin, stored, db):
    other = _add_failed(db, "in_b", "202")
    answer = admin.post("/console/dead-letters/redrive", data={"csrf_token": admin.csrf})
    assert answer.status_code == 302 and "requeued=2" in answer.headers["Location"]
    assert _status(db, stored["failed"]) in (EventStatus.PENDING, EventStatus.QUEUED)
    assert _status(db, other) in (EventStatus.PENDING, EventStatus.QUEUED)
    assert _status(db, stored["done"]) == EventStatus.DONE
    page = admin.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Re-queued 2 failed event(s)." in page
    again = admin.post("/console/dead-letters/redrive", data={"csrf_token": admin.csrf})
    assert "requeued=0" in again.headers["Location"]


def test_bulk_redrive_of_the_filtered_installation_leaves_the_others(admin, stored, db):
    other = _add_failed(db, "in_b", "202")
    page = admin.get("/console/dead-letters?installation=in_b").get_data(as_text=True)
    assert f"#{other}<" in page and f"#{stored['failed']}<" not in page
    assert 'name="installation" value="in_b"' in page
    answer = admin.post("/console/dead-letters/redrive",
                        data={"csrf_token": admin.csrf, "installation": "in_b"})
    assert "requeued=1" in answer.headers["Location"]
    assert _status(db, other) in (EventStatus.PENDING, EventStatus.QUEUED)
    assert _status(db, stored["failed"]) == EventStatus.FAILED


def test_bulk_redrive_needs_the_csrf_token(admin, stored, db):
    answer = admin.post("/console/dead-letters/redrive", data={"csrf_token": "forged"})
    assert answer.status_code == 400
    assert _status(db, stored["failed"]) == EventStatus.FAILED


def test_an_installation_session_redrives_only_its_own(console_app, stored, db):
    other = _add_failed(db, "in_b", "202")
    client = console_app.test_client()
    with client.session_transaction() as session:
        session["console"] = {"scope": "installation", "installation_id": "in_b"}
        session["csrf"] = "t"
    refused = client.post("/console/dead-letters/redrive",
                          data={"csrf_token": "t", "installation": "in_a"})
    assert refused.status_code == 404
    answer = client.post("/console/dead-letters/redrive", data={"csrf_token": "t"})
    assert "requeued=1" in answer.headers["Location"]
    assert _status(db, other) in (EventStatus.PENDING, EventStatus.QUEUED)
    assert _status(db, stored["failed"]) == EventStatus.FAILED
