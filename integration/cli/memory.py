"""`tactful customers`, `tactful recommend`, `tactful knowledge refresh`: customer memory,
data-subject deletion, and help-centre recommendations from the command line."""
from __future__ import annotations

import json

import click

from integration.app import command_app
from integration.pipeline import knowledge, memory
from integration.runtime import database, keyring
from integration.store import customers
from integration.store.models import Installation

INSTALLATION = click.option("--installation", "installation_id", required=True,
                            help="installation id (tactful installations list)")


def _settings(app, installation_id: str) -> dict:
    with database(app).session() as session:
        row = session.get(Installation, installation_id)
        if row is None:
            raise click.ClickException(f"no installation {installation_id}")
        return dict(row.settings or {})


@click.group("customers", invoke_without_command=True)
@click.option("--installation", "installation_id", help="installation id (required to list)")
@click.option("--at-risk", is_flag=True, help="only customers whose at-risk score is high")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def customers_group(ctx, installation_id: str | None, at_risk: bool, as_json: bool) -> None:
    """Customers Tactful remembers, with their signals (contacts, trend, at-risk)."""
    if ctx.invoked_subcommand is not None:
        return
    if not installation_id:
        raise click.UsageError("--installation is required to list customers")
    with command_app() as app:
        found = memory.list_customers(database(app), installation_id,
                                      _settings(app, installation_id), at_risk_only=at_risk)
    if as_json:
        click.echo(json.dumps(found, indent=2))
        return
    for c in found:
        s = c["signals"]
        flag = "AT RISK" if s["at_risk"] else ""
        click.echo(f"{c['requester_id']:<24} 7d={s['contacts_7d']:<3} 30d={s['contacts_30d']:<3} "
                   f"trend={s['trend']:<10} risk={s['at_risk_score']:.2f} {flag}")


@customers_group.command("show")
@INSTALLATION
@click.option("--requester", "requester_id", required=True, help="the vendor's requester id")
@click.option("--json", "as_json", is_flag=True)
def customers_show(installation_id: str, requester_id: str, as_json: bool) -> None:
    """One customer's signals and timeline (labels only, never message text)."""
    with command_app() as app:
        summary = memory.customer_summary(database(app), installation_id, requester_id,
                                          _settings(app, installation_id), with_timeline=True)
    if summary is None:
        raise click.ClickException("no memory of this requester")
    click.echo(json.dumps(summary, indent=2 if as_json else None))


@customers_group.command("forget")
@INSTALLATION
@click.option("--requester", "requester_id", required=True, help="the vendor's requester id")
def customers_forget(installation_id: str, requester_id: str) -> None:
    """Erase everything held about one requester (a data-subject deletion request)."""
    with command_app() as app:
        _settings(app, installation_id)
        counts = customers.forget(database(app), installation_id, requester_id)
    click.echo(json.dumps({"forgotten": requester_id, "deleted": counts}))


@click.command("recommend")
@INSTALLATION
@click.argument("text")
@click.option("--json", "as_json", is_flag=True)
def recommend_cmd(installation_id: str, text: str, as_json: bool) -> None:
    """The top three articles or macros for TEXT from the installation's indexed knowledge."""
    with command_app() as app:
        _settings(app, installation_id)
        found = memory.recommend_for(database(app), installation_id, text)
    if as_json:
        click.echo(json.dumps(found))
        return
    for r in found:
        click.echo(f"{r['score']:>7.3f} [{r['kind']}] {r['title']} {r['url'] or ''} ({r['why']})")


@click.group("knowledge")
def knowledge_group() -> None:
    """The help-centre knowledge indexed for recommendations."""


@knowledge_group.command("refresh")
@INSTALLATION
def knowledge_refresh(installation_id: str) -> None:
    """Fetch articles and macros from the helpdesk now and re-index them."""
    with command_app() as app:
        count = knowledge.refresh(database(app), keyring(app), installation_id)
    click.echo(json.dumps({"installation": installation_id, "items": count}))
