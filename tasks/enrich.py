"""The enrichment task: thin glue between Celery and integration.pipeline.process."""
from __future__ import annotations

from celery import shared_task

from integration.pipeline import dispatch, process
from integration.runtime import dispatcher, processing


@shared_task(bind=True, name="tactful.enrich", ignore_result=True, max_retries=None)
def enrich_task(self, event_id: int) -> str:
    """Enrich one stored event. Takes an id and re-reads everything (state may have moved).

    A retry or a wait is not a Celery retry: the event row carries its due time and the
    dispatcher hands it out again then (so no message sits in the broker for minutes).
    Finishing frees a slot of the installation's cap, so the dispatcher runs next, here.
    """
    outcome = process.process_event(processing(), int(event_id), self.request.id)
    if outcome.status != "skipped":
        dispatch.request(dispatcher())
    return outcome.status
