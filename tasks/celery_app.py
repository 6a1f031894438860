"""Celery wired to Flask the way pallets/flask's examples/celery does it.

Tasks run inside the app context and are declared with @shared_task, so task
modules never import the app. The settings are the reliable ones from
shared/reference/reliability.md §2: late acks, requeue on worker loss, one
prefetched task, time limits, a visibility timeout above every retry delay.
"""
from __future__ import annotations

from celery import Celery, Task
from flask import Flask

from tasks import embedded_transport

embedded_transport.register()

TASK_SOFT_LIMIT_S = 240
TASK_HARD_LIMIT_S = 300
RETRY_BACKOFF_MAX_S = 480
# Must exceed the hard limit plus the longest retry countdown, or Redis redelivers
# a task that is merely waiting for its ETA.
VISIBILITY_TIMEOUT_S = 900
DISPATCH_INTERVAL_S = 5.0


def celery_config(broker_url: str, sweep_interval_s: int, key_prefix: str = "") -> dict:
    transport_options: dict = {"visibility_timeout": VISIBILITY_TIMEOUT_S}
    if broker_url.startswith(("sqla+", embedded_transport.ALIAS + "+")):
        # The embedded transport has no visibility timeout; the sweep covers lost messages.
        transport_options = {"polling_interval": 0.05}
    else:
        # Fail fast when Redis is down: the event is already committed and the
        # sweep will hand it over later, so the webhook must not hang on it.
        transport_options.update(socket_connect_timeout=2, socket_timeout=5)
        if key_prefix:
            transport_options["global_keyprefix"] = key_prefix
    return {
        "broker_url": broker_url,
        "broker_transport_options": transport_options,
        "broker_connection_retry_on_startup": True,
        "task_serializer": "json",
        "accept_content": ["json"],
        "result_serializer": "json",
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_soft_time_limit": TASK_SOFT_LIMIT_S,
        "task_time_limit": TASK_HARD_LIMIT_S,
        "task_publish_retry_policy": {"max_retries": 1, "interval_start": 0,
                                      "interval_step": 0.2, "interval_max": 0.5},
        "worker_cancel_long_running_tasks_on_connection_loss": True,
        "worker_hijack_root_logger": False,
        "task_default_queue": "tactful",
        "beat_schedule": {
            "sweep": {"task": "tactful.sweep", "schedule": float(sweep_interval_s)},
            # Timers wake the dispatcher for each due event; this is the safety net
            # (a lost timer, an installation re-activated by another process).
            "dispatch": {"task": "tactful.dispatch", "schedule": DISPATCH_INTERVAL_S},
            "retention": {"task": "tactful.retention", "schedule": 3600.0},
            "backfill-resume": {"task": "tactful.backfill-resume", "schedule": 60.0},
            "memory-retention": {"task": "tactful.memory.retention", "schedule": 3600.0},
            "knowledge-refresh": {"task": "tactful.knowledge.refresh", "schedule": 6 * 3600.0},
        },
    }


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    settings = app.config["TACTFUL"]
    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(celery_config(settings.broker_url, settings.sweep_interval_s,
                                                settings.redis_key_prefix))
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    import tasks.backfill  # noqa: F401
    import tasks.enrich  # noqa: F401  (registers the shared tasks)
    import tasks.memory  # noqa: F401
    import tasks.relay  # noqa: F401
    return celery_app
