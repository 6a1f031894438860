"""The fair dispatcher: per-installation caps, least-recently-served first, budget-paced,
never a duplicate; re-authorisation and re-drives put events back on their lists."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select, update

from integration.pipeline import dispatch, ratelimit, redrive, sweep
from integration.store import installations
from integration.store.models import Event, EventStatus, Installation, utcnow


def _installation(db, installation_id: str, **settings) -> None:
    with db.session() as session:
        session.add(Installation(id=installation_id, provider="zendesk", account=installation_id,
                                 settings=settings, remote={}))


def _events(db, installation_id: str, count: int, status=EventStatus.PENDING, **values) -> list:
    with db.session() as session:
        start = session.scalar(select(func.count()).select_from(Event))
        rows = [Event(installation_id=installation_id,
                      provider_event_id=f"{installation_id}-{start + n}",
                      ticket_id=str(n), kind="created", status=status, **values)
                for n in range(count)]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def _dispatcher(db, sent: list, cap: int = 4, per_minute: int = 100_000, limiter=None):
    lock = threading.Lock()

    def record(_celery, ids):
        with lock:
            sent.extend(ids)
        return len(ids)
    return dispatch.Dispatcher(db, celery_app=None, cap=cap, per_minute=per_minute,
                               limiter=limiter or ratelimit.LocalLimiter(), publish=record)


def _finish(db, event_ids) -> None:
    """What a worker does with a message: the event ends, its slot of the cap frees."""
    with db.session() as session:
        session.execute(update(Event).where(Event.id.in_(list(event_ids))).values(
            status=EventStatus.DONE, lease_until=None))


def _owner(db) -> dict[int, str]:
    with db.session() as session:
        return dict(session.execute(select(Event.id, Event.installation_id)).all())


def test_a_quiet_installations_new_ticket_goes_before_a_noisy_backlog(db):
    _installation(db, "in_noisy")
    _installation(db, "in_quiet")
    _events(db, "in_noisy", 300)
    sent: list[int] = []
    d = _dispatcher(db, sent, cap=4)
    dispatch.run_pass(d)
    assert len(sent) == 4                           # the cap, not the whole backlog
    quiet = _events(db, "in_quiet", 1)[0]           # a new ticket arrives mid-backlog
    # Workers take messages in FIFO order; each finished one triggers a pass.
    consumed: list[int] = []
    while len(consumed) < len(sent):
        event_id = sent[len(consumed)]
        consumed.append(event_id)
        _finish(db, [event_id])
        dispatch.run_pass(d)
    position = consumed.index(quiet)
    assert position <= 4 + 1                        # behind at most one cap of the backlog
    assert len(consumed) == 301                     # and the backlog still drains, in order
    noisy = [i for i in consumed if i != quiet]
    assert noisy == sorted(noisy)


def test_installations_are_served_least_recently_served_first(db):
    for name in ("in_a", "in_b", "in_c"):
        _installation(db, name)
        _events(db, name, 10)
    sent: list[int] = []
    d = _dispatcher(db, sent, cap=1)
    owner = _owner(db)
    order = []
    for _ in range(6):
        result = dispatch.run_pass(d)
        order += result.served
        _finish(db, sent[-len(result.served):] if result.served else [])
    assert order[:3] == sorted(order[:3]) and len(set(order[:3])) == 3
    assert order[3:6] == order[:3]                  # round robin, nobody twice in a row
    assert {owner[i] for i in sent} == {"in_a", "in_b", "in_c"}


def test_concurrent_dispatchers_never_hand_out_an_event_twice(db):
    for name in ("in_a", "in_b"):
        _installation(db, name)
        _events(db, name, 60)
    sent: list[int] = []
    d = _dispatcher(db, sent, cap=100)
    barrier = threading.Barrier(4)

    def one():
        barrier.wait()
        for _ in range(3):
            dispatch.request(d)

    threads = [threading.Thread(target=one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(sent) == sorted(set(sent))
    assert len(sent) == 120


def test_a_spent_budget_keeps_events_on_the_list_and_sets_a_wake_up(db):
    _installation(db, "in_a", rate_limit_per_minute=60)   # burst 8 calls, one per second
    _events(db, "in_a", 10)
    sent: list[int] = []
    now = [1_000.0]
    d = _dispatcher(db, sent, cap=8, limiter=ratelimit.LocalLimiter(clock=lambda: now[0]))
    result = dispatch.run_pass(d)
    assert len(sent) == 1                          # 8 calls of burst: one ticket's 5 calls
    assert 0 < result.next_due_s <= 5              # woken at the next free slot, not at :00
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Event).where(
            Event.status == EventStatus.PENDING)) == 9
        assert session.get(Event, sent[0]).prepaid_calls == 5
    now[0] += 5
    dispatch.run_pass(d)
    assert len(sent) == 2                          # the budget's rate: one ticket per 5 s


def test_events_of_an_installation_needing_reauth_wait_until_it_is_active(db, keyring):
    _installation(db, "in_a")
    ids = _events(db, "in_a", 3, status=EventStatus.WAITING, wait_reason="reauth")
    with db.session() as session:
        session.get(Installation, "in_a").status = installations.NEEDS_REAUTH
    sent: list[int] = []
    d = _dispatcher(db, sent)
    assert dispatch.run_pass(d).claimed == 0
    assert redrive.reactivate(db, "in_a") == 3
    dispatch.run_pass(d)
    assert sorted(sent) == ids
    assert redrive.reactivate(db, "in_a") is None    # already active


def test_waiting_past_the_maximum_age_is_dead_lettered_with_that_reason(db):
    _installation(db, "in_a")
    old = utcnow() - timedelta(hours=49)
    stale = _events(db, "in_a", 2, status=EventStatus.WAITING, received_at=old)
    _events(db, "in_a", 1, status=EventStatus.PROCESSING, received_at=old,
            lease_until=utcnow() + timedelta(seconds=100))       # running: left alone
    fresh = _events(db, "in_a", 1, status=EventStatus.WAITING)
    assert sweep.expire_overdue(db, 48 * 3600) == 2
    with db.session() as session:
        for event_id in stale:
            row = session.get(Event, event_id)
            assert row.status == EventStatus.FAILED
            assert "maximum age of 48.0 h" in row.last_error
        assert session.get(Event, fresh[0]).status == EventStatus.WAITING


def test_bulk_retry_reopens_failed_events_per_installation_and_window(db):
    _installation(db, "in_a")
    _installation(db, "in_b")
    a = _events(db, "in_a", 3, status=EventStatus.FAILED, attempts=8)
    _events(db, "in_b", 2, status=EventStatus.FAILED)
    _events(db, "in_b", 1, status=EventStatus.DONE)
    with db.session() as session:   # one of a's failed long ago
        session.execute(update(Event).where(Event.id == a[0]).values(
            updated_at=utcnow() - timedelta(days=3)))
    assert redrive.retry_failed_bulk(db, "in_a", since=timedelta(hours=2)) == {"in_a": 2}
    assert redrive.retry_failed_bulk(db) == {"in_a": 1, "in_b": 2}
    assert redrive.retry_failed_bulk(db) == {}
    with db.session() as session:
        rows = session.scalars(select(Event).where(Event.installation_id == "in_a")).all()
        assert {(r.status, r.attempts, r.last_error) for r in rows} == {
            (EventStatus.PENDING, 0, None)}


def test_durations_parse_or_name_the_expected_form():
    assert redrive.parse_duration("2h") == timedelta(hours=2)
    assert redrive.parse_duration("7d") == timedelta(days=7)
    for bad in ("", "2", "h", "-1h", "0m", "2w", "1.5h"):
        try:
            redrive.parse_duration(bad)
        except ValueError as exc:
            assert "30m, 2h or 7d" in str(exc)
        else:
            raise AssertionError(f"{bad!r} was accepted")
