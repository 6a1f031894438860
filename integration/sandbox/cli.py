"""`tactful sandbox`: the fake helpdesk as its own process."""
from __future__ import annotations

import click


@click.command("sandbox")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8100, show_default=True, type=int)
def sandbox_cmd(host: str, port: int) -> None:
    """Run the sandbox helpdesk (the Zendesk, Freshdesk and Intercom API subsets, OAuth,
    faults, write log).

    Create an account with POST /_sandbox/accounts {"vendor": "zendesk",
    "account": "acme"}; its API lives at /zendesk/acme/api/v2/. GET
    /_sandbox/log lists every write; POST /_sandbox/faults injects failures.
    """
    from integration.sandbox.server import serve_forever
    click.echo(f"Sandbox helpdesk on http://{host}:{port} (Ctrl-C to stop)")
    try:
        serve_forever(port, host)
    except KeyboardInterrupt:
        click.echo("\nStopped.")
