"""The enrichment task: thin glue between Celery and integration.pipeline."""
from __future__ import annotations

from celery import shared_task

from integration import pipeline, ratelimit
from integration.app import database, keyring, settings


@shared_task(bind=True, name="tactful.enrich", ignore_result=True, max_retries=None)
def enrich_task(self, event_id: int) -> str:
    """Enrich one stored event. Takes an id and re-reads everything (state may have moved)."""
    outcome = pipeline.process_event(runtime(), int(event_id), self.request.id)
    if outcome.status == "retry":
        # Bounded by the attempts counter in the database (Runtime.max_attempts),
        # which survives redeliveries that Celery's own counter does not see.
        raise self.retry(countdown=outcome.countdown, max_retries=None)
    return outcome.status


def runtime() -> pipeline.Runtime:
    config = settings()
    return pipeline.Runtime(
        database=database(), keyring=keyring(), limiter=ratelimit.limiter_for(config.broker_url),
        per_minute=config.rate_limit_per_minute, lease_s=config.processing_lease_s,
        backoff_base_s=config.retry_backoff_base_s, max_attempts=config.max_attempts,
        http_timeout_s=config.http_timeout_s)
