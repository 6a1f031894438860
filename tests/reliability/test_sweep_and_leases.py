"""The sweep re-delivers what was lost, once; leases keep copies of one event apart.

The sweep is a dispatch pass (integration/pipeline/dispatch.py): every open event nobody
holds a live lease on is due, fresh ones too (the receiver no longer publishes events
itself, so there is no in-flight publish to wait for), within each installation's cap.
"""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select

from integration.pipeline import dispatch, locks, process, redrive, sweep
from integration.runtime import settings as app_settings
from integration.store.models import Event, EventStatus, Installation, utcnow


def _setup(db, events):
    with db.session() as session:
        session.add(Installation(id="in_a", provider="zendesk", account="acme", settings={},
                                 remote={}))
    with db.session() as session:
        for n, (status, age_s, lease_s) in enumerate(events):
            now = utcnow()
            session.add(Event(
                installation_id="in_a", provider_event_id=f"e{n}", ticket_id=str(n),
                kind="created", status=status, received_at=now - timedelta(seconds=age_s),
                lease_until=None if lease_s is None else now + timedelta(seconds=lease_s)))


def _ids(db, **where):
    with db.session() as session:
        query = select(Event.provider_event_id).order_by(Event.id)
        for key, value in where.items():
            query = query.where(getattr(Event, key) == value)
        return list(session.scalars(query))


def _recording_dispatcher(db, sent, cap=8):
    def record(_celery, ids):
        sent.extend(ids)
        return len(ids)
    return dispatch.Dispatcher(db, celery_app=None, cap=cap, per_minute=100_000, publish=record)


def test_sweep_claims_only_lost_or_abandoned_events(db):
    _setup(db, [
        (EventStatus.PENDING, 5, None),        # e0: fresh: the dispatcher hands it out
        (EventStatus.PENDING, 600, None),      # e1: never published
        (EventStatus.PROCESSING, 600, -10),    # e2: its worker died, lease expired
        (EventStatus.PROCESSING, 600, 200),    # e3: a live worker holds it
        (EventStatus.DONE, 600, None),         # e4: finished
        (EventStatus.RETRYING, 600, -1),       # e5: due, nobody holds it
    ])
    sent: list[int] = []
    dispatch.run_pass(_recording_dispatcher(db, sent))
    with db.session() as session:
        names = {session.get(Event, i).provider_event_id for i in sent}
    assert names == {"e0", "e1", "e2", "e5"}
    assert dispatch.run_pass(_recording_dispatcher(db, sent)).claimed == 0   # leased now


def test_two_sweepers_never_send_the_same_event(app, db, celery_app, monkeypatch):
    _setup(db, [(EventStatus.PENDING, 600, None) for _ in range(50)])
    sent: list[int] = []
    lock = threading.Lock()

    def record(_celery, ids):
        with lock:
            sent.extend(ids)
        return len(ids)

    monkeypatch.setattr(dispatch.handoff, "publish", record)
    monkeypatch.setattr(dispatch.handoff, "trigger_dispatch", lambda *_a, **_k: True)
    import dataclasses
    config = dataclasses.replace(app_settings(app), inflight_per_installation=100,
                                 rate_limit_per_minute=100_000)
    barrier = threading.Barrier(4)

    def one_sweep():
        barrier.wait()
        sweep.run_sweep(db, celery_app, config)

    threads = [threading.Thread(target=one_sweep) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(sent) == sorted(set(sent))          # nothing sent twice
    assert len(sent) == 50


def test_a_requeued_message_takes_its_own_lease_back_but_a_copy_does_not(db, keyring):
    _setup(db, [(EventStatus.PENDING, 0, None)])
    event_id = db.sessionmaker().scalar(select(Event.id))
    assert process.claim(process.Runtime(db, keyring), event_id, "task-1") is not None
    # a duplicate copy
    assert process.claim(process.Runtime(db, keyring), event_id, "task-2") is None
    # the redelivered original
    again = process.claim(process.Runtime(db, keyring), event_id, "task-1")
    assert again is not None and again.attempts == 2


def test_final_events_are_never_claimed(db, keyring):
    _setup(db, [(EventStatus.DONE, 0, None), (EventStatus.FAILED, 0, None)])
    with db.session() as session:
        ids = list(session.scalars(select(Event.id)))
    assert all(process.claim(process.Runtime(db, keyring), i, "t") is None for i in ids)


def test_retry_failed_reopens_only_dead_letters(db):
    _setup(db, [(EventStatus.FAILED, 0, None), (EventStatus.PROCESSING, 0, 100)])
    with db.session() as session:
        failed, busy = list(session.scalars(select(Event.id).order_by(Event.id)))
    assert redrive.retry_failed(db, failed)
    assert not redrive.retry_failed(db, busy)
    with db.session() as session:
        row = session.get(Event, failed)
        assert (row.status, row.attempts) == (EventStatus.PENDING, 0)


def test_locks_are_exclusive_until_released_or_expired(db):
    assert locks.try_acquire(db, "x", "a", ttl_s=60)
    assert not locks.try_acquire(db, "x", "b", ttl_s=60)
    locks.release(db, "x", "a")
    assert locks.try_acquire(db, "x", "b", ttl_s=0.0)
    assert locks.try_acquire(db, "x", "c", ttl_s=60)      # b's lease had already expired


def test_a_sweep_that_cannot_publish_gives_its_claims_back(app, db, celery_app, monkeypatch):
    _setup(db, [(EventStatus.PENDING, 600, None) for _ in range(3)])
    monkeypatch.setattr(dispatch.handoff, "publish", lambda _celery, ids: 1)  # broker died
    monkeypatch.setattr(dispatch.handoff, "trigger_dispatch", lambda *_a, **_k: False)
    import dataclasses
    config = dataclasses.replace(app_settings(app), rate_limit_per_minute=100_000)
    result = sweep.run_sweep(db, celery_app, config)
    assert (result.claimed, result.published) == (3, 1)
    sent: list[int] = []
    dispatch.run_pass(_recording_dispatcher(db, sent))
    assert len(sent) == 2                                   # the unsent two are due again
