"""`tactful report`: measured accuracy per label, from agent feedback and undoing edits."""
from __future__ import annotations

import json
from datetime import UTC, datetime

import click

from integration.app import command_app
from integration.runtime import database
from integration.store import feedback
from integration.store.models import Installation

COLUMNS = ("label", "shown", "agreed", "said_wrong", "tag_removed", "priority_changed",
           "agreement_rate")


@click.command("report")
@click.option("--installation", "installation_id", required=True,
              help="The installation id (tactful installations list).")
@click.option("--since", default="30d", show_default=True,
              help="Window: 30d, 12h, 2w, an ISO date, or 'all'.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def report_cmd(installation_id: str, since: str, as_json: bool) -> None:
    """Per label: shown, agreed, said wrong, tag removed, priority changed, agreement rate."""
    try:
        start = None if since == "all" else feedback.parse_since(since, datetime.now(UTC))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from None
    with command_app() as app, database(app).session() as session:
        if session.get(Installation, installation_id) is None:
            raise click.ClickException(f"no installation {installation_id}")
        result = feedback.accuracy_report(session, installation_id, start)
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    click.echo(f"accuracy for {installation_id} since {result['since'] or 'the start'}")
    click.echo("  ".join(f"{c:>16}" if i else f"{c:<10}" for i, c in enumerate(COLUMNS)))
    for row in result["labels"]:
        rate = row["agreement_rate"]
        cells = [row[c] for c in COLUMNS[:-1]] + ["-" if rate is None else f"{rate:.0%}"]
        click.echo("  ".join(f"{v:>16}" if i else f"{v:<10}" for i, v in enumerate(cells)))
