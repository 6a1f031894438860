"""The outbox relay and retention, shared by celery beat and `tactful sweep`.

The sweep is the dispatcher's safety net (integration/pipeline/dispatch.py): every
open event nobody holds a live lease on is on its installation's ready list, so one
dispatch pass re-delivers whatever was lost — never published (broker down at
arrival), its message gone (Redis restarted), its worker killed — within each
installation's cap. Before that, events that have waited past the maximum age
(TACTFUL_MAX_EVENT_AGE_H) are dead-lettered with that reason.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, or_, update

from integration.config import Settings
from integration.logs import fields
from integration.pipeline import dispatch
from integration.store import installations
from integration.store.db import Database
from integration.store.models import Enrichment, Event, EventStatus, OAuthState, utcnow

log = logging.getLogger("tactful.sweep")


@dataclass(frozen=True)
class SweepResult:
    claimed: int
    published: int
    expired: int = 0


def expire_overdue(database: Database, max_age_s: float) -> int:
    """Dead-letter events still waiting (not running) after the maximum age."""
    now = utcnow()
    hours = round(max_age_s / 3600, 1)
    statement = update(Event).where(
        Event.status.in_(EventStatus.READY),
        Event.received_at < now - timedelta(seconds=max_age_s),
        or_(Event.lease_until.is_(None), Event.lease_until < now),
    ).values(status=EventStatus.FAILED, lease_until=None, lease_holder=None,
             next_attempt_at=None, prepaid_calls=0,
             last_error=f"still waiting after the maximum age of {hours} h")
    expired = database.autocommit(lambda c: c.execute(statement).rowcount)
    if expired:
        log.warning("sweep.expired", extra=fields(count=expired, max_age_h=hours))
    return expired


def run_sweep(database: Database, celery_app, settings: Settings) -> SweepResult:
    expired = expire_overdue(database, settings.max_event_age_h * 3600)
    result = dispatch.request(dispatch.from_settings(database, celery_app, settings))
    if result.claimed:
        log.info("sweep.republished", extra=fields(claimed=result.claimed,
                                                   published=result.published))
    return SweepResult(result.claimed, result.published, expired)


def run_retention(database: Database, settings: Settings) -> dict:
    now = utcnow()
    payload_cutoff = now - timedelta(days=settings.payload_retention_days)
    dedup_cutoff = now - timedelta(days=settings.dedup_retention_days)
    with database.session() as session:
        payloads = session.execute(update(Event).where(
            Event.received_at < payload_cutoff, Event.payload.is_not(None),
            Event.status.in_(EventStatus.FINAL)).values(payload=None)).rowcount
        # The customer's message kept for the console follows the payloads' retention.
        messages = session.execute(update(Enrichment).where(
            Enrichment.created_at < payload_cutoff, Enrichment.message.is_not(None),
        ).values(message=None)).rowcount
        rows = session.execute(delete(Event).where(
            Event.received_at < dedup_cutoff, Event.status.in_(EventStatus.FINAL))).rowcount
        purged = installations.purge_uninstalled(session, settings.uninstall_grace_days, now)
        # An OAuth state is useless once expired (the callback refuses it), and anyone
        # can create one with GET /oauth/<provider>/start.
        states = session.execute(delete(OAuthState).where(OAuthState.expires_at < now)).rowcount
    result = {"payloads_dropped": payloads, "events_deleted": rows,
              "installations_purged": purged, "oauth_states_deleted": states,
              "messages_dropped": messages}
    log.info("retention.done", extra=fields(**result))
    return result
