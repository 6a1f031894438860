"""`tactful backfill`: enrich tickets that existed before Tactful was installed."""
from __future__ import annotations

import json
import sys
import time

import click

from connectors.base import LISTING_STATUSES
from connectors.errors import ConnectorError, RateLimited
from integration.app import command_app
from integration.pipeline import backfill, backfill_jobs, handoff
from integration.runtime import database, processing
from integration.store import installations


@click.command("backfill")
@click.option("--installation", "installation_id", required=True, help="installation id")
@click.option("--since", required=True,
              help="how far back: 7d, 12h, 30m, 2w, or an ISO 8601 time (UTC if no zone)")
@click.option("--status", type=click.Choice(LISTING_STATUSES),
              help="only tickets in this status (default: any)")
@click.option("--dry-run", is_flag=True, help="list what would be enqueued; write nothing")
@click.option("--wait/--no-wait", default=True, show_default=True,
              help="after listing, follow the events until every one is done")
@click.option("--timeout", type=click.FloatRange(1), default=None,
              help="seconds to follow the events before giving up waiting (they still run)")
@click.option("--json", "as_json", is_flag=True, help="print the final report as JSON")
def backfill_cmd(installation_id: str, since: str, status: str | None, dry_run: bool,
                 wait: bool, timeout: float | None, as_json: bool) -> None:
    """Enrich existing tickets through the same queue as webhooks, idempotently.

    The helpdesk's search or list API pages through the tickets updated since
    SINCE; each becomes an event (`backfill:<ticket>:<updated_at>`), so running it
    again enqueues nothing twice. A worker (`tactful worker` or `tactful run`)
    enriches them; listing calls spend from the installation's outbound budget.
    """
    try:
        backfill.parse_since(since)
    except backfill.BackfillError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from None
    with command_app() as app:
        if dry_run:
            summary = _dry_run(app, installation_id, since, status, as_json)
        else:
            summary = _run(app, installation_id, since, status, wait, timeout, as_json)
    if as_json:
        click.echo(json.dumps(summary, indent=2))


def _dry_run(app, installation_id: str, since_text: str, status: str | None,
             as_json: bool) -> dict:
    rt = processing(app)
    row = installations.fetch_row(rt.database, installation_id)
    if row is None or row.status != installations.ACTIVE:
        raise click.ClickException(f"no active installation {installation_id}")
    ctx = installations.context_of(row, rt.keyring, rt.database)
    since, progress = backfill.parse_since(since_text), backfill.Progress()
    while True:
        try:
            page = backfill.fetch_page(rt, ctx, since, status, progress.cursor)
        except RateLimited as exc:
            time.sleep(max(0.5, exc.retry_after))
            continue
        except ConnectorError as exc:
            raise click.ClickException(f"listing failed: {exc}") from None
        for ticket in backfill.take_page(rt.database, ctx.id, page, progress, None):
            if not as_json:
                click.echo(f"would enqueue ticket {ticket.ticket_id} "
                           f"(updated {ticket.updated_at.isoformat()})")
        if progress.cursor is None:
            break
    summary = {"dry_run": True, "pages": progress.pages, "found": progress.found,
               "would_enqueue": progress.enqueued, "skipped": progress.skipped}
    if not as_json:
        click.echo(f"dry run: {progress.pages} page(s), {progress.found} ticket(s) found, "
                   f"{progress.enqueued} would be enqueued, {progress.skipped} already "
                   f"queued or enriched; nothing written")
    return summary


def _run(app, installation_id, since_text, status, wait, timeout, as_json) -> dict:
    rt, celery_app = processing(app), app.extensions["celery"]
    try:
        job = backfill_jobs.start(rt.database, installation_id, since_text, status, False)
    except LookupError:
        raise click.ClickException(f"no installation {installation_id}") from None
    except backfill.BackfillError as exc:
        raise click.ClickException(str(exc)) from None
    live = not as_json and sys.stdout.isatty()

    def show(progress: backfill.Progress) -> None:
        if live:
            click.echo(f"\rlisting: {progress.pages} page(s), {progress.found} found, "
                       f"{progress.enqueued} new event(s), {progress.skipped} skipped", nl=False)

    def publish(event_ids: list[int]) -> int:
        handoff.trigger_dispatch(celery_app)    # fair dispatch, as for webhooks
        return len(event_ids)

    while not (step := backfill_jobs.run_slice(rt, job.id, publish, on_page=show)).finished:
        time.sleep(step.wait_s or 0)
    report = backfill_jobs.report(rt.database, job.id)
    if live:
        click.echo("")
    if not as_json:
        click.echo(f"backfill {job.id}: {report['pages']} page(s), {report['found']} ticket(s) "
                   f"found, {report['enqueued']} event(s) created, {report['skipped']} "
                   f"already queued or enriched")
    if report["state"] == "failed":
        raise click.ClickException(f"listing stopped: {report['last_error']}")
    if wait and report["enqueued"]:
        report = _follow(database(app), job.id, report, timeout, as_json)
    return report


def _follow(db, job_id: str, report: dict, timeout: float | None, as_json: bool) -> dict:
    """Wait for the job's events to reach a final state, with a progress bar."""
    deadline = time.monotonic() + timeout if timeout else None
    total = report["enqueued"]
    if as_json:
        return _poll(db, job_id, total, deadline, lambda finished: None)
    with click.progressbar(length=total, label="enriching") as bar:
        report = _poll(db, job_id, total, deadline,
                       lambda finished: bar.update(finished - bar.pos))
    click.echo(f"{report['done']} done, {report['failed']} failed, "
               f"{report['pending']} still queued"
               + ("" if report["pending"] == 0 else " (a worker will take them)"))
    return report


def _poll(db, job_id: str, total: int, deadline: float | None, tick) -> dict:
    while True:
        report = backfill_jobs.report(db, job_id)
        finished = report["done"] + report["failed"]
        tick(finished)
        if finished >= total or (deadline and time.monotonic() > deadline):
            return report
        time.sleep(0.5)
