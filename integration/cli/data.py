"""`tactful db | keys | sweep | events | installations`: the service's data."""
from __future__ import annotations

import json

import click
from sqlalchemy import select

from integration.config import load_settings


def _app():
    from integration.app import command_app
    return command_app()


@click.group("db")
def db_group() -> None:
    """Database schema (Alembic migrations; SQLite and PostgreSQL alike)."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    from integration.store.migrate import current, upgrade
    url = load_settings().database_url
    upgrade(url, revision)
    click.echo(f"database at revision {current(url)}")


@db_group.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Revert migrations down to REVISION ('base' removes every table)."""
    from integration.store.migrate import current, downgrade
    url = load_settings().database_url
    downgrade(url, revision)
    click.echo(f"database at revision {current(url) or 'base'}")


@click.group("keys")
def keys_group() -> None:
    """Encryption keys for tokens and secrets at rest."""


@keys_group.command("generate")
def keys_generate() -> None:
    """Print a new Fernet key to put first in TACTFUL_ENCRYPTION_KEYS."""
    from integration.store.crypto import generate_key
    click.echo(generate_key())


@keys_group.command("rotate")
def keys_rotate() -> None:
    """Re-encrypt every stored secret under the newest key (the first in the list)."""
    from integration.runtime import database, keyring
    from integration.store import installations
    with _app() as app:
        with database(app).session() as session:
            count = installations.rotate_all_keys(session, keyring(app))
        click.echo(f"re-encrypted {count} value(s) under the newest key")


@click.command("sweep")
def sweep_cmd() -> None:
    """Dead-letter events past their maximum age, then re-deliver anything lost."""
    from integration.pipeline import sweep
    from integration.runtime import database, settings
    with _app() as app:
        result = sweep.run_sweep(database(app), app.extensions["celery"], settings(app))
        click.echo(f"expired {result.expired} event(s), dispatched {result.claimed}, "
                   f"published {result.published}")


@click.command("relay")
@click.option("--interval", default=0.1, show_default=True, type=click.FloatRange(0.01, 60),
              help="seconds between polls when there is nothing to publish")
def relay_cmd(interval: float) -> None:
    """Publish newly stored events to the queue in batches (for TACTFUL_HANDOFF=relay).

    The web process then only commits rows; this loop runs the dispatcher, which hands
    them to Celery within each installation's cap. Stop with Ctrl-C.
    """
    import time

    from integration.pipeline import dispatch
    from integration.runtime import dispatcher
    with _app() as app:
        click.echo(f"relaying stored events every {interval}s (Ctrl-C to stop)")
        try:
            while True:
                if not dispatch.request(dispatcher(app)).claimed:
                    time.sleep(interval)
        except KeyboardInterrupt:
            click.echo("relay stopped")


@click.group("events", invoke_without_command=True)
@click.option("--failed", is_flag=True, help="only dead-lettered events")
@click.option("--limit", default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def events_group(ctx, failed: bool, limit: int, as_json: bool) -> None:
    """List recent events (or `events retry ID`)."""
    if ctx.invoked_subcommand:
        return
    from integration.runtime import database
    from integration.store.models import Event, EventStatus
    query = select(Event).order_by(Event.id.desc()).limit(limit)
    if failed:
        query = query.where(Event.status == EventStatus.FAILED)
    with _app() as app, database(app).session() as session:
        rows = [{"id": e.id, "installation": e.installation_id, "ticket": e.ticket_id,
                 "kind": e.kind, "status": e.status, "attempts": e.attempts,
                 "received_at": e.received_at.isoformat(), "last_error": e.last_error}
                for e in session.scalars(query)]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("no failed events" if failed else "no events")
    for r in rows:
        click.echo(f"{r['id']:>7}  {r['status']:<10} {r['installation']}  ticket {r['ticket']:<8} "
                   f"attempts {r['attempts']}  {r['last_error'] or ''}")


@events_group.command("retry")
@click.argument("event_id", type=int, required=False)
@click.option("--failed", "all_failed", is_flag=True,
              help="re-drive every dead-lettered event (with the filters below)")
@click.option("--installation", default=None, help="only this installation's events")
@click.option("--since", default=None, help="only events failed within this long: 30m, 2h, 7d")
def events_retry(event_id: int | None, all_failed: bool, installation: str | None,
                 since: str | None) -> None:
    """Re-drive a failed event (ID), or many (--failed [--installation ID] [--since 2h])."""
    from integration.pipeline import handoff, redrive
    from integration.runtime import database
    if (event_id is None) == (not all_failed):
        raise click.UsageError("give either an event ID or --failed")
    if event_id is not None and (installation or since):
        raise click.UsageError("--installation and --since go with --failed")
    try:
        window = redrive.parse_duration(since) if since else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from None
    with _app() as app:
        if event_id is not None:
            if not redrive.retry_failed(database(app), event_id):
                raise click.ClickException(
                    f"event {event_id} is not failed or ignored (or not found)")
            per_installation = {"": 1}
        else:
            per_installation = redrive.retry_failed_bulk(database(app), installation, window)
        sent = handoff.trigger_dispatch(app.extensions["celery"]) if per_installation else True
    _print_redrive(event_id, per_installation, sent)


def _print_redrive(event_id: int | None, per_installation: dict[str, int], sent: bool) -> None:
    later = "" if sent else " (broker down: the sweep hands them out when it is back)"
    if event_id is not None:
        click.echo(f"event {event_id} re-queued{later}")
        return
    total = sum(per_installation.values())
    if not total:
        click.echo("no failed events matched; nothing re-queued")
        return
    click.echo(f"re-queued {total} failed event(s) from {len(per_installation)} "
               f"installation(s){later}; each drains within its cap and budget:")
    for installation_id, count in per_installation.items():
        click.echo(f"  {installation_id}  {count}")
