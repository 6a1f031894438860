"""Memory's Celery tasks: alert delivery, knowledge refresh, memory retention. Thin glue."""
from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from connectors.errors import ConnectorError, RateLimited
from integration.pipeline import alerts, knowledge, memory
from integration.runtime import database, keyring, processing, settings
from integration.store import customers, installations
from integration.store.models import Installation, utcnow

ALERT_RETRIES = 5
ASSIGN_RETRIES = 5


@shared_task(bind=True, name="tactful.alert", ignore_result=True, max_retries=ALERT_RETRIES)
def alert_task(self, installation_id: str, body: dict) -> str:
    """Send one claimed alert. The URL is re-read (it may have changed) and re-checked."""
    with database().session() as session:
        row = session.get(Installation, installation_id)
        url = ((row.settings or {}).get("alerts") or {}).get("webhook_url") if row else None
        active = row is not None and row.status == installations.ACTIVE
    if not url or not active:
        return "dropped"
    try:
        alerts.send(url, body, settings().env,
                    allow_loopback=settings().alerts_allow_loopback)
    except alerts.UnsafeURL:
        return "refused"        # a rule, not a hiccup: retrying cannot help
    except Exception as exc:
        # Bounded: after ALERT_RETRIES the alert is given up (it stays claimed for the day).
        raise self.retry(exc=exc, countdown=min(300, 5 * 2 ** self.request.retries)) from None
    return "sent"


@shared_task(bind=True, name="tactful.routing.assign", ignore_result=True,
             max_retries=ASSIGN_RETRIES)
def routing_assign_task(self, installation_id: str, ticket_id: str, group: str) -> str:
    """A routing assignment that met a spent budget or a busy vendor, tried again.

    Bounded: after ASSIGN_RETRIES the group stays a suggestion in the note."""
    try:
        return memory.assign_deferred(processing(), installation_id, ticket_id, group)
    except RateLimited as exc:
        raise self.retry(exc=exc, countdown=max(1.0, exc.retry_after)) from None
    except ConnectorError as exc:
        if not exc.retryable:
            return f"failed: {type(exc).__name__}"
        raise self.retry(exc=exc, countdown=min(300, 5 * 2 ** self.request.retries)) from None


@shared_task(name="tactful.knowledge.refresh", ignore_result=True)
def knowledge_refresh_task(installation_id: str | None = None) -> dict:
    """Re-index one installation's knowledge, or every active one (the beat schedule)."""
    ids = [installation_id] if installation_id else knowledge.active_installations(database())
    counts = {}
    for each in ids:
        try:
            counts[each] = knowledge.refresh(database(), keyring(), each)
        except Exception as exc:    # one failing helpdesk must not stop the others
            counts[each] = f"failed: {type(exc).__name__}"
    return counts


@shared_task(name="tactful.memory.retention", ignore_result=True)
def memory_retention_task() -> int:
    cutoff = utcnow() - timedelta(days=settings().memory_retention_days)
    return customers.expire(database(), cutoff)
