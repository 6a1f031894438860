"""The enrichment task: thin glue between Celery and integration.pipeline.process."""
from __future__ import annotations

from celery import shared_task

from integration.pipeline import process
from integration.runtime import processing


@shared_task(bind=True, name="tactful.enrich", ignore_result=True, max_retries=None)
def enrich_task(self, event_id: int) -> str:
    """Enrich one stored event. Takes an id and re-reads everything (state may have moved)."""
    outcome = process.process_event(processing(), int(event_id), self.request.id)
    if outcome.status == "retry":
        # Bounded by the attempts counter in the database (Runtime.max_attempts),
        # which survives redeliveries that Celery's own counter does not see.
        raise self.retry(countdown=outcome.countdown, max_retries=None)
    return outcome.status
