"""The `tactful` command: run the service, manage its data, analyse text.

One module per command group; this one only assembles them. The CLI is an entry
point like wsgi.py and the worker: it may import everything, nothing imports it.
"""
from __future__ import annotations

import importlib
import sys

import click

from integration.config import ConfigError


class TactfulGroup(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=TactfulGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tactful")
def main() -> None:
    """Tactful: empathy-driven enrichment for helpdesk tickets.

    Start with `tactful run` (web + worker on embedded defaults), or read
    `tactful COMMAND --help` for any command below.
    """


# (module, attribute) pairs; optional modules may be absent from a build.
_COMMANDS = [
    ("integration.cli.service", "serve_cmd"),
    ("integration.cli.service", "worker_cmd"),
    ("integration.cli.service", "beat_cmd"),
    ("integration.cli.service", "run_cmd"),
    ("integration.cli.data", "db_group"),
    ("integration.cli.data", "keys_group"),
    ("integration.cli.data", "sweep_cmd"),
    ("integration.cli.data", "relay_cmd"),
    ("integration.cli.data", "events_group"),
    ("integration.cli.backfill", "backfill_cmd"),
    ("integration.cli.installations", "installations_group"),
    ("integration.cli.analysis", "analyze_cmd"),
    ("integration.cli.analysis", "eval_cmd"),
    ("integration.cli.analysis", "train_cmd"),
    ("integration.cli.drafting", "audit_bias_cmd"),
    ("integration.cli.memory", "customers_group"),
    ("integration.cli.memory", "recommend_cmd"),
    ("integration.cli.memory", "knowledge_group"),
    ("integration.cli.routing", "routing_group"),
    ("integration.sandbox.cli", "sandbox_cmd"),
    ("integration.cli.demo", "demo_cmd"),
    ("integration.cli.report", "report_cmd"),
    ("integration.cli.sidebar", "sidebar_group"),
]


def _register() -> None:
    for module_name, attr in _COMMANDS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue
            raise
        main.add_command(getattr(module, attr))


_register()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
