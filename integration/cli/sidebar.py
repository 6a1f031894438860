"""`tactful sidebar secret`: the per-installation secret the agent sidebar signs with."""
from __future__ import annotations

import click

from integration.app import command_app
from integration.runtime import database, keyring
from integration.store import feedback
from integration.store.models import Installation


@click.group("sidebar")
def sidebar_group() -> None:
    """The agent sidebar apps (Zendesk, Freshdesk, Intercom)."""


@sidebar_group.command("secret")
@click.argument("installation_id")
@click.option("--rotate", is_flag=True, help="Make a new secret; the old one stops working.")
def sidebar_secret_cmd(installation_id: str, rotate: bool) -> None:
    """Print the installation's sidebar secret (made on first use).

    Zendesk: paste it into the app's "Shared secret" setting. Freshdesk: the app receives
    it when it installs; print it only to check or rotate.
    """
    with command_app() as app, database(app).session() as session:
        row = session.get(Installation, installation_id)
        if row is None:
            raise click.ClickException(f"no installation {installation_id}")
        click.echo(feedback.sidebar_secret(session, keyring(app), row, rotate=rotate))
