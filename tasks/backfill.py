"""The backfill task: one slice of a backfill job, then the next slice is queued.

Slices keep every task short (inside the time limit, and fair to the enrich tasks
sharing the workers); a spent budget is waited out with a countdown, not a sleep.
"""
from __future__ import annotations

from celery import shared_task
from flask import current_app

from integration.pipeline import backfill_jobs, handoff
from integration.runtime import database, processing

BACKFILL_TASK = "tactful.backfill"


def _publish(event_ids: list[int]) -> int:
    # Backfilled events are ordinary pending events: the dispatcher hands them out
    # within the installation's in-flight cap, so a big backfill never crowds out
    # another installation's new tickets.
    handoff.trigger_dispatch(current_app.extensions["celery"])
    return len(event_ids)


@shared_task(bind=True, name=BACKFILL_TASK, ignore_result=True)
def backfill_task(self, job_id: str) -> str:
    step = backfill_jobs.run_slice(processing(), job_id, _publish, holder=self.request.id)
    if not step.finished:
        backfill_task.apply_async(args=[job_id], countdown=step.wait_s)
    return step.state


@shared_task(name="tactful.backfill-resume", ignore_result=True)
def resume_stalled_task() -> int:
    """Give a slice to every active job whose next slice was lost (a broker restart)."""
    jobs = backfill_jobs.stalled(database())
    for job_id in jobs:
        backfill_task.apply_async(args=[job_id])
    return len(jobs)
