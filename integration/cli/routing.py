"""`tactful routing suggest|accept`: routing rules learned from the installation's own solved
tickets, proposed to the admin, and added to `routing.rules` only when accepted."""
from __future__ import annotations

import json

import click
from marshmallow import ValidationError

from connectors.errors import ConnectorError
from integration.app import command_app
from integration.pipeline import backfill, routing_learn
from integration.runtime import processing
from integration.store import installations

INSTALLATION = click.option("--installation", "installation_id", required=True,
                            help="installation id (tactful installations list)")
SINCE = click.option("--since", "since_text", default="90d", show_default=True,
                     help="solved tickets updated since: 90d, 12w, or an ISO 8601 time")
LIMIT = click.option("--limit", default=routing_learn.DEFAULT_LIMIT, show_default=True,
                     type=click.IntRange(1, 10_000), help="read at most this many solved tickets")


@click.group("routing")
def routing_group() -> None:
    """Routing rules learned from solved tickets (suggest, then accept)."""


def _learn(app, installation_id: str, since_text: str, limit: int) -> routing_learn.Learned:
    rt = processing(app)
    row = installations.fetch_row(rt.database, installation_id)
    if row is None or row.status != installations.ACTIVE:
        raise click.ClickException(f"no active installation {installation_id}")
    ctx = installations.context_of(row, rt.keyring, rt.database)
    try:
        return routing_learn.suggest(rt, ctx, backfill.parse_since(since_text), limit=limit)
    except (backfill.BackfillError, routing_learn.LearnError) as exc:
        raise click.ClickException(str(exc)) from None
    except ConnectorError as exc:
        raise click.ClickException(f"reading solved tickets failed: {exc}") from None


@routing_group.command("suggest")
@INSTALLATION
@SINCE
@LIMIT
@click.option("--json", "as_json", is_flag=True)
def suggest_cmd(installation_id: str, since_text: str, limit: int, as_json: bool) -> None:
    """Propose, per (topic, language), the group that solved those tickets with the fewest
    reopenings and the shortest resolution. Changes nothing."""
    with command_app() as app:
        learned = _learn(app, installation_id, since_text, limit)
    if as_json:
        click.echo(json.dumps({"rules": learned.rules, "read": learned.read,
                               "skipped": learned.skipped}, indent=2))
        return
    click.echo(f"{learned.read} solved ticket(s) read, {learned.skipped} without a group "
               f"or solve time")
    for number, rule in enumerate(learned.rules, start=1):
        when = rule["when"]
        click.echo(f"{number:>3}. {when['topic']}/{when['language']} -> group {rule['group']} "
                   f"(support {rule['support']} of {rule['of']}, confidence "
                   f"{rule['confidence']:.2f}, reopen rate {rule['reopen_rate']:.2f}, median "
                   f"{rule['median_hours_to_resolve']} h)")


@routing_group.command("accept")
@INSTALLATION
@click.option("--rule", "numbers", type=click.IntRange(1), multiple=True,
              help="a suggestion's number (repeatable); without --file, suggestions are "
                   "learned again with --since")
@click.option("--file", "rules_file", type=click.File("r"),
              help="JSON: a list of rules, or `routing suggest --json` output")
@SINCE
@LIMIT
def accept_cmd(installation_id: str, numbers: tuple[int, ...], rules_file, since_text: str,
               limit: int) -> None:
    """Add learned rules to the installation's routing.rules (after the existing ones)."""
    if not numbers and rules_file is None:
        raise click.UsageError("give --rule N, --file FILE, or both")
    with command_app() as app:
        proposals = _from_file(rules_file) if rules_file is not None \
            else _learn(app, installation_id, since_text, limit).rules
        if numbers:
            if max(numbers) > len(proposals):
                raise click.ClickException(f"there are {len(proposals)} suggestion(s); "
                                           f"no rule {max(numbers)}")
            proposals = [proposals[n - 1] for n in numbers]
        try:
            section = routing_learn.accept(processing(app).database, installation_id, proposals)
        except ValidationError as exc:
            raise click.ClickException(f"invalid rules: {json.dumps(exc.messages)}") from None
        except LookupError:
            raise click.ClickException(f"no installation {installation_id}") from None
    click.echo(json.dumps({"installation": installation_id, "routing": section}))


def _from_file(handle) -> list:
    try:
        data = json.load(handle)
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"the file is not JSON: {exc}") from None
    return data.get("rules") if isinstance(data, dict) else data
