"""The hand-off on the configured broker: batched, declared once per chunk, nothing dropped."""
from __future__ import annotations

import json

from integration.pipeline import handoff


def _drain(celery_app, queue_name: str = "tactful") -> list[tuple[str, list]]:
    found = []
    with celery_app.connection_for_read() as connection:
        channel = connection.default_channel
        while (message := channel.basic_get(queue_name, no_ack=True)) is not None:
            args = json.loads(message.body)[0]
            found.append((message.headers["task"], args))
    return found


def test_every_event_becomes_one_enrich_message_across_chunks(celery_app):
    _drain(celery_app)
    ids = list(range(1, handoff.CHUNK * 2 + 8))          # three chunks, the last partial
    assert handoff.publish(celery_app, ids) == len(ids)
    messages = _drain(celery_app)
    assert sorted(args[0] for _, args in messages) == ids
    assert {task for task, _ in messages} == {handoff.ENRICH_TASK}


def test_a_broker_that_refuses_reports_nothing_sent(celery_app, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(celery_app, "send_task", refuse)
    assert handoff.publish(celery_app, [1, 2, 3]) == 0
