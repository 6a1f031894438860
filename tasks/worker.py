"""The Celery application for `celery -A tasks.worker worker|beat` (see the Procfile)."""
import logging

from celery.signals import worker_init, worker_process_shutdown

from integration.app import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]


@worker_init.connect
def warm_up(**_) -> None:
    """Load the analysis model and compile the drafting rules once, in the parent.

    Pool processes fork after this, so they inherit it all: otherwise each child
    pays ~0.3 s on its first ticket (and a recycled child again), and the first
    message whose language is a close call would pay ~0.7 s for the second detector.
    Loading here is safe: it runs in the parent's main thread, before the pool forks.
    """
    from integration.domain.analysis.language import preload
    from integration.domain.assessment import assess
    try:
        preload()
        assess("Hello, my order arrived broken and I am upset. Can you help?")
    except Exception:  # only a head start: each task loads what it needs anyway
        logging.getLogger("tactful.worker").warning("worker.warm-up-failed", exc_info=True)


@worker_process_shutdown.connect
def forget_metrics_of_this_process(pid=None, **_) -> None:
    """A pool process is gone: /metrics must stop counting its live gauges."""
    import os
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess
        multiprocess.mark_process_dead(pid or os.getpid())
