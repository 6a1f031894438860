"""Backfill jobs: a row per run, advanced a slice at a time by a Celery task or the CLI.

A slice lists pages until its time is up, the listing ends, or the budget says
wait; the cursor and counters are saved after every page, so a slice cut short
(a worker killed, a deploy) loses nothing and the next one resumes. One job per
installation runs at a time; a job is advanced by one slice at a time (a lease).
"""
from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select, update

from connectors.errors import ConnectorError, RateLimited
from integration.logs import fields
from integration.pipeline import backfill, locks
from integration.store import installations
from integration.store.db import Database
from integration.store.models import Backfill, BackfillState, Event, EventStatus, utcnow

log = logging.getLogger("tactful.backfill")
SLICE_S = 60.0                  # well inside the task time limit
HOST_ERROR_WAIT_S = 15.0
MAX_HOST_ERRORS = 8             # consecutive vendor outages before the job gives up
STALLED_S = 180                 # an active job untouched this long lost its task


@dataclass(frozen=True)
class Step:
    state: str
    wait_s: float | None = None   # run the next slice after this many seconds; None: finished

    @property
    def finished(self) -> bool:
        return self.wait_s is None


def start(database: Database, installation_id: str, since_text: str, status: str | None,
          dry_run: bool) -> Backfill:
    """Create a job, or raise BackfillError (bad input, installation not active, or a
    backfill of it still running)."""
    since = backfill.parse_since(since_text)
    with locks.held(database, f"backfill-start:{installation_id}", ttl_s=30, wait_s=5), \
            database.session() as session:
        row = session.get(installations.Installation, installation_id)
        if row is None:
            raise LookupError(installation_id)
        if row.status != installations.ACTIVE:
            raise backfill.BackfillError(f"installation is {row.status}, not active")
        running = session.scalar(select(Backfill.id).where(
            Backfill.installation_id == installation_id,
            Backfill.state.in_(BackfillState.ACTIVE)))
        if running:
            raise backfill.BackfillError(f"backfill {running} of this installation is still "
                                         f"running")
        job = Backfill(id="bf_" + secrets.token_urlsafe(9), installation_id=installation_id,
                       since=since, ticket_status=status, dry_run=dry_run,
                       state=BackfillState.QUEUED)
        session.add(job)
    log.info("backfill.started", extra=fields(backfill=job.id, installation=installation_id))
    return job


def run_slice(rt, job_id: str, publish, slice_s: float = SLICE_S,
              holder: str | None = None, on_page=None) -> Step:
    """Advance the job for up to `slice_s` seconds (`on_page(progress)` after each page).
    Another slice of this job running: nothing done."""
    try:
        with locks.held(rt.database, f"backfill:{job_id}", ttl_s=slice_s + 120, holder=holder):
            return _advance(rt, job_id, publish, time.monotonic() + slice_s, on_page)
    except locks.LockBusy:
        return Step("busy")


def _advance(rt, job_id: str, publish, deadline: float, on_page) -> Step:
    database = rt.database
    with database.session() as session:
        job = session.get(Backfill, job_id)
        if job is None or job.state not in BackfillState.ACTIVE:
            return Step(job.state if job else "missing")
        row = session.get(installations.Installation, job.installation_id)
        if row is None or row.status != installations.ACTIVE:
            return _finish(database, job_id, BackfillState.FAILED,
                           f"installation is {row.status if row else 'gone'}")
        ctx = installations.context_of(row, rt.keyring, database)
    progress = _progress_of(job)
    _save(database, job_id, progress, state=BackfillState.RUNNING, next_run_at=None)
    failures = 0
    while True:
        try:
            page = backfill.fetch_page(rt, ctx, job.since, job.ticket_status, progress.cursor)
        except RateLimited as exc:
            return _wait(database, job_id, progress, exc.retry_after, "rate limited")
        except ConnectorError as exc:
            failures += 1
            if not exc.retryable or failures >= MAX_HOST_ERRORS:
                return _finish(database, job_id, BackfillState.FAILED,
                               f"{type(exc).__name__}: {exc.args[-1]}")
            return _wait(database, job_id, progress, HOST_ERROR_WAIT_S, type(exc).__name__)
        backfill.take_page(database, ctx.id, page, progress, None if job.dry_run else publish)
        _save(database, job_id, progress)
        if on_page is not None:
            on_page(progress)
        if progress.cursor is None:
            return _finish(database, job_id, BackfillState.LISTED)
        if time.monotonic() >= deadline:
            return Step(BackfillState.RUNNING, 0.0)


def _progress_of(job: Backfill) -> backfill.Progress:
    return backfill.Progress(cursor=job.cursor, pages=job.pages, found=job.found,
                             enqueued=job.enqueued, skipped=job.skipped,
                             first_event_id=job.first_event_id, last_event_id=job.last_event_id,
                             preview=list(job.preview or []))


def _save(database: Database, job_id: str, progress: backfill.Progress, **values) -> None:
    with database.session() as session:
        session.execute(update(Backfill).where(Backfill.id == job_id).values(
            cursor=progress.cursor, pages=progress.pages, found=progress.found,
            enqueued=progress.enqueued, skipped=progress.skipped,
            first_event_id=progress.first_event_id, last_event_id=progress.last_event_id,
            preview=progress.preview or None, updated_at=utcnow(), **values))


def _wait(database: Database, job_id: str, progress, wait_s: float, why: str) -> Step:
    wait_s = max(0.5, float(wait_s))
    _save(database, job_id, progress, state=BackfillState.WAITING, last_error=why,
          next_run_at=utcnow() + timedelta(seconds=wait_s))
    log.info("backfill.waiting", extra=fields(backfill=job_id, wait_s=round(wait_s, 1),
                                              reason=why))
    return Step(BackfillState.WAITING, wait_s)


def _finish(database: Database, job_id: str, state: str, reason: str | None = None) -> Step:
    with database.session() as session:
        session.execute(update(Backfill).where(Backfill.id == job_id).values(
            state=state, last_error=reason, next_run_at=None, finished_at=utcnow(),
            updated_at=utcnow()))
    log.info(f"backfill.{state}", extra=fields(backfill=job_id, reason=reason))
    return Step(state)


def report(database: Database, job_id: str) -> dict | None:
    """The job as the admin API and the CLI show it, with its events' outcomes so far."""
    with database.session() as session:
        job = session.get(Backfill, job_id)
        if job is None:
            return None
        outcomes = _outcomes(session, job)
    done = outcomes.get(EventStatus.DONE, 0) + outcomes.get(EventStatus.IGNORED, 0)
    failed = outcomes.get(EventStatus.FAILED, 0)
    return {"id": job.id, "installation": job.installation_id, "state": job.state,
            "since": job.since.isoformat(), "status": job.ticket_status, "dry_run": job.dry_run,
            "pages": job.pages, "found": job.found, "enqueued": job.enqueued,
            "skipped": job.skipped, "done": done, "failed": failed,
            "pending": max(0, job.enqueued - done - failed) if not job.dry_run else 0,
            "complete": job.state == BackfillState.LISTED and done + failed >= job.enqueued,
            "would_enqueue": job.preview if job.dry_run else None,
            "last_error": job.last_error, "created_at": job.created_at.isoformat(),
            "finished_at": job.finished_at.isoformat() if job.finished_at else None}


def _outcomes(session, job: Backfill) -> dict[str, int]:
    if job.dry_run or job.first_event_id is None:
        return {}
    rows = session.execute(select(Event.status, func.count()).where(
        Event.installation_id == job.installation_id,
        Event.id.between(job.first_event_id, job.last_event_id),
        Event.provider_event_id.startswith(backfill.EVENT_PREFIX),
    ).group_by(Event.status))
    return dict(rows.all())


def stalled(database: Database) -> list[str]:
    """Active jobs whose task was lost (a broker restart): due for another slice."""
    now = utcnow()
    with database.session() as session:
        return list(session.scalars(select(Backfill.id).where(
            Backfill.state.in_(BackfillState.ACTIVE),
            Backfill.updated_at < now - timedelta(seconds=STALLED_S),
            (Backfill.next_run_at.is_(None)) | (Backfill.next_run_at < now))))
