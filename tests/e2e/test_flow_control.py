"""Issue 13, findings 1 and 2: waiting is not failing.

1. A backlog larger than the installation's budget used to spend an attempt per wake-up
   (every waiting event woke at the same minute boundary) and was dead-lettered after
   eight. Now a wait gives the attempt back and books the event its own slot, spaced at
   the budget's rate.
2. Events that arrived while an installation needed re-authorisation were `ignored`
   forever. Now they wait, and run once it is active again.
"""
from __future__ import annotations

from sqlalchemy import select, update

from integration.pipeline import process, ratelimit
from integration.store import installations
from integration.store.models import Event, EventStatus, Installation, utcnow
from tests.e2e.conftest import sample, sandbox_call, wait_until

PER_MINUTE = 60          # one call a second, 8 at once


def _tickets(sandbox, count: int) -> list[str]:
    return [sandbox_call(sandbox, "POST", "/zendesk/acme/tickets", **sample("angry"))["ticket_id"]
            for _ in range(count)]


def _stored(db, count: int) -> list[Event]:
    def rows():
        with db.session() as session:
            found = list(session.scalars(select(Event).order_by(Event.id)))
        return len(found) >= count and found
    return wait_until(rows, 20, f"{count} stored events")


def _event(db, event_id: int) -> Event:
    with db.session() as session:
        return session.get(Event, event_id)


def _notes(sandbox, ticket: str) -> list:
    return sandbox_call(sandbox, "GET", f"/zendesk/acme/tickets/{ticket}")["notes"]


def test_a_backlog_over_budget_waits_without_spending_attempts_then_all_finish(
        app, db, keyring, sandbox, installed):
    with db.session() as session:
        session.get(Installation, installed["installation_id"]).settings = {
            "rate_limit_per_minute": PER_MINUTE}
    tickets = _tickets(sandbox, 12)
    events = _stored(db, 12)
    clock = [10_000.0]                     # the budget's clock, stepped instead of slept
    rt = process.Runtime(db, keyring, limiter=ratelimit.LocalLimiter(clock=lambda: clock[0]),
                         max_attempts=8)
    started = utcnow()
    # A burst: every event is tried at once, as a pool of workers would.
    first = {e.id: process.process_event(rt, e.id, f"task-{e.id}") for e in events}
    waiting = sorted((_event(db, i) for i, o in first.items() if o.status == "wait"),
                     key=lambda e: e.next_attempt_at)
    assert len(waiting) >= 9               # 8 calls of burst cannot serve 12 tickets
    assert all(e.attempts == 0 and e.wait_reason == "budget" for e in waiting)
    dues = [(e.next_attempt_at - started).total_seconds() for e in waiting]
    gaps = [b - a for a, b in zip(dues, dues[1:], strict=False)]
    # Each event has its own slot, a ticket's calls (5 s at 60/min) after the previous:
    # spread at the budget's rate, not all at the next minute boundary.
    assert min(gaps) >= 0.9 * 5 * 60 / PER_MINUTE
    assert dues[-1] - dues[0] >= 0.9 * 5 * (len(dues) - 1)
    # Drain: each event runs when its slot comes (time stepped to its due time).
    for _ in range(100):
        with db.session() as session:
            due = session.scalars(select(Event).where(Event.status == EventStatus.WAITING)
                                  .order_by(Event.next_attempt_at)).first()
        if due is None:
            break
        clock[0] = 10_000.0 + (due.next_attempt_at - started).total_seconds()
        with db.session() as session:      # its due time has come
            session.execute(update(Event).where(Event.id == due.id).values(
                next_attempt_at=utcnow()))
        process.process_event(rt, due.id, f"task-{due.id}-again")
    final = [_event(db, e.id) for e in events]
    assert [e.status for e in final] == [EventStatus.DONE] * 12
    assert all(e.attempts == 1 for e in final)          # one real attempt each, no failure
    assert sum(e.waits for e in final) >= 9
    assert [len(_notes(sandbox, t)) for t in tickets] == [1] * 12


def test_events_during_needs_reauth_run_after_reactivation_with_a_real_worker(
        app, db, sandbox, installed, start_worker):
    installation_id = installed["installation_id"]
    with db.session() as session:
        session.get(Installation, installation_id).status = installations.NEEDS_REAUTH
    start_worker(concurrency=1)
    tickets = _tickets(sandbox, 3)
    events = _stored(db, 3)
    # Handed out anyway (a message published before the status changed), they wait.
    for event in events:
        process.process_event(process.Runtime(db, app.extensions["tactful"].keyring),
                              event.id, "early")
    assert {(_event(db, e.id).status, _event(db, e.id).attempts) for e in events} == {
        (EventStatus.WAITING, 0)}
    assert all(_notes(sandbox, t) == [] for t in tickets)
    admin = "test-admin-token-0123456789abcdef"
    app.config["TACTFUL"] = __import__("dataclasses").replace(app.config["TACTFUL"],
                                                               admin_token=admin)
    answer = app.test_client().post(f"/api/admin/installations/{installation_id}/activate",
                                    headers={"Authorization": f"Bearer {admin}"})
    assert answer.status_code == 200 and answer.get_json()["waiting_events"] == 3
    for ticket in tickets:
        wait_until(lambda t=ticket: len(_notes(sandbox, t)) == 1, 40, f"ticket {ticket} enriched")
    wait_until(lambda: all(_event(db, e.id).status == EventStatus.DONE for e in events), 20,
               "every event done")
