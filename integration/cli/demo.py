"""`tactful demo`: sample tickets through the sandbox helpdesk and the real service, end to end.

demo_cmd starts everything itself (sandbox, web, worker) on embedded defaults
in a temporary data dir; run_demo_against is what `tactful run` calls once its
own web and worker are up. Both install a sandbox account, let the sandbox
create N sample tickets (each fires a signed webhook, as the vendor would), and
wait until every ticket shows its write-back in the sandbox.
"""
from __future__ import annotations

import itertools
import json
import os
import secrets
import shutil
import socket
import statistics
import tempfile
import time
from dataclasses import dataclass, field

import click

from integration.cli import processes

RULE = "-" * 40
POLL_S = 0.2


@dataclass
class DemoRun:
    provider: str
    sent: dict[str, float] = field(default_factory=dict)       # ticket id -> webhook sent at
    views: dict[str, dict] = field(default_factory=dict)       # ticket id -> enriched view
    stored: dict[str, dict] = field(default_factory=dict)      # ticket id -> our enrichment
    latency_ms: dict[str, float] = field(default_factory=dict)
    memory: dict | None = None          # the memory scene's facts (demo_memory.facts)

    def summary(self) -> dict:
        times = sorted(self.latency_ms.values())
        out = {"provider": self.provider, "sent": len(self.sent), "enriched": len(self.views),
               "failed": len(self.sent) - len(self.views),
               "p50_ms": round(statistics.median(times), 1) if times else None,
               "p95_ms": round(_percentile(times, 95), 1) if times else None}
        if self.memory is not None:
            out["memory"] = self.memory
        return out


def _percentile(values: list[float], pct: float) -> float:
    rank = max(0, min(len(values) - 1, round(pct / 100 * len(values) + 0.5) - 1))
    return values[rank]


def run_demo_against(base_url: str, provider: str = "zendesk", tickets: int = 12,
                     as_json: bool = False, app=None, *, memory: bool = False,
                     admin_token: str = "", skipped: dict[str, str] | None = None,
                     sandbox=None) -> dict:
    """Send `tickets` sample tickets through an already running service at base_url.

    With `memory`, then play the memory scene (demo_memory.py): it configures its
    installations through the service's admin API, hence `admin_token`; `skipped` names
    helpdesks the service cannot take sandbox webhooks from, and why. `sandbox`: a
    running sandbox to use (and leave running) instead of a new one."""
    from integration.app import create_app
    from integration.sandbox.core import VENDORS
    from integration.sandbox.server import serve_in_thread
    owns_app, owns_sandbox = app is None, sandbox is None
    # Quiet: the demo prints its own summary, and its installs would log between the lines.
    app = app or create_app(log_level="WARNING")
    sandbox = sandbox or serve_in_thread()
    try:
        if provider not in VENDORS:
            raise click.ClickException(f"the sandbox has no {provider!r}; "
                                       f"try one of {', '.join(sorted(VENDORS))}")
        vendor = VENDORS[provider]
        account = f"demo-{secrets.token_hex(3)}"
        credentials = vendor.create_account(sandbox.sandbox, account)
        vendor.install(app, sandbox.base_url, credentials, base_url)
        run = _send_and_wait(sandbox.sandbox, vendor, account, tickets)
        run.stored = stored_enrichments(app, provider, account)
        if not as_json:
            _print(run, as_json)
        if memory:
            run.memory = _memory_scene(app, sandbox, base_url, admin_token, provider, skipped,
                                       as_json)
    finally:
        if owns_sandbox:
            sandbox.stop()
        if owns_app:
            app.extensions["tactful"].close()
    if as_json:
        _print(run, as_json)
    return run.summary()


def _memory_scene(app, sandbox, base_url: str, admin_token: str, provider: str,
                  skipped: dict[str, str] | None, as_json: bool) -> dict:
    from integration.cli import demo_memory
    if not as_json:
        click.echo("\nMemory and foresight: a customer writing twice, a VIP about to leave, "
                   "routing in each helpdesk ...")
    found = demo_memory.facts(demo_memory.run_scene(app, sandbox, base_url, admin_token,
                                                    provider, skipped))
    if not as_json:
        click.echo("\n".join(demo_memory.summary_lines(found)))
    return found


def _send_and_wait(sandbox, vendor, account: str, count: int) -> DemoRun:
    from integration.sandbox.core import sample_tickets
    run = DemoRun(vendor.name)
    for sample in itertools.islice(itertools.cycle(varied(sample_tickets())), count):
        ticket_id = vendor.create_ticket(sandbox, account, sample)
        run.sent[ticket_id] = time.time()
    deadline = time.monotonic() + 30 + count * 0.5
    while len(run.views) < len(run.sent) and time.monotonic() < deadline:
        for ticket_id in [t for t in run.sent if t not in run.views]:
            view = vendor.ticket_view(sandbox, account, ticket_id)
            if view.get("enriched"):
                run.views[ticket_id] = view
                run.latency_ms[ticket_id] = _latency_ms(sandbox, vendor.name, account, ticket_id,
                                                        run.sent[ticket_id])
        time.sleep(POLL_S)
    return run


def varied(samples: list[dict]) -> list[dict]:
    """Round-robin over kinds, so even a five-ticket demo shows five different moods."""
    by_kind: dict[str, list[dict]] = {}
    for sample in samples:
        by_kind.setdefault(sample.get("kind", ""), []).append(sample)
    rounds = itertools.zip_longest(*by_kind.values())
    return [sample for batch in rounds for sample in batch if sample is not None]


def stored_enrichments(app, provider: str, account: str) -> dict[str, dict]:
    """What Tactful itself recorded per ticket: message, analysis, decision, event id."""
    from sqlalchemy import select

    from integration.store.models import Enrichment, Installation
    with app.extensions["tactful"].database.session() as session:
        rows = session.execute(select(Enrichment).join(
            Installation, Installation.id == Enrichment.installation_id).where(
            Installation.provider == provider, Installation.account == account)).scalars()
        return {row.ticket_id: {"message": row.message or "", "event_id": row.event_id,
                                **(row.analysis or {})} for row in rows}


def _latency_ms(sandbox, vendor: str, account: str, ticket_id: str, created_at: float) -> float:
    """From the webhook leaving the sandbox to the last write-back landing in it."""
    sent = [d["sent_at"] for d in list(sandbox.sender.deliveries)
            if d.get("account") == account and d.get("ticket") == ticket_id]
    writes = [w["at"] for w in sandbox.writes_for(vendor, account, ticket_id)]
    start = min(sent) if sent else created_at
    return (max(writes) - start) * 1000 if writes else 0.0


def draft_first_line(note: str) -> str:
    """The reply's opening words; a bare greeting ("Hi Dana,") runs on into the next line."""
    lines = [line.strip() for line in note.splitlines()]
    start = lines.index(RULE) + 1 if RULE in lines else 1
    body = [line for line in lines[start:] if line and line != RULE]
    if len(body) > 1 and body[0].endswith(",") and len(body[0]) < 30:
        return f"{body[0]} {body[1]}"
    return body[0] if body else ""


def _row(ticket_id: str, view: dict, stored: dict | None = None) -> dict:
    stored = stored or {}
    tags = [t for t in view.get("tags", []) if t.startswith("tactful_")]
    def of(prefix: str) -> list[str]:
        return [t.removeprefix(prefix) for t in tags if t.startswith(prefix)]
    return {"ticket": ticket_id, "sentiment": ",".join(of("tactful_sentiment_")) or "-",
            "emotions": ",".join(of("tactful_emotion_")) or "-",
            "priority": view.get("priority") or "-", "tags": len(tags),
            "draft": draft_first_line((view.get("notes") or [""])[0]),
            "message": " ".join(stored.get("message", "").split()) or "-",
            "topic": stored.get("topic") or "-", "urgency": stored.get("urgency") or "-",
            "escalate": "yes" if stored.get("escalate") else "no",
            "event_id": stored.get("event_id")}


def _print(run: DemoRun, as_json: bool) -> None:
    summary = run.summary()
    if as_json:
        click.echo(json.dumps(summary))
        return
    click.echo(f"{'ticket':>6}  {'message':<34} {'sentiment':<9} {'emotions':<22} "
               f"{'topic':<17} {'urgency':<7} {'esc':<3} {'priority':<8} {'tags':>4}")
    for ticket_id in run.sent:
        if ticket_id not in run.views:
            click.echo(f"{ticket_id:>6}  (no write-back yet: failed or still queued)")
            continue
        r = _row(ticket_id, run.views[ticket_id], run.stored.get(ticket_id))
        click.echo(f"{r['ticket']:>6}  {_cut(r['message'], 34):<34} {r['sentiment']:<9} "
                   f"{_cut(r['emotions'], 22):<22} {r['topic'][:17]:<17} {r['urgency']:<7} "
                   f"{r['escalate']:<3} {r['priority']:<8} {r['tags']:>4}")
        click.echo(f"{'':>8}draft: {_cut(r['draft'], 90)}")
    click.echo(f"\n{summary['enriched']}/{summary['sent']} enriched, {summary['failed']} failed; "
               f"webhook sent -> write-back visible: p50 {summary['p50_ms']} ms, "
               f"p95 {summary['p95_ms']} ms")


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _tail(path: str, lines: int = 20) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as log_file:
            return "".join(log_file.readlines()[-lines:])
    except OSError:
        return "(no log)"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _embedded_env(data_dir: str, base_url: str) -> dict[str, str]:
    return {"TACTFUL_DATA_DIR": data_dir, "TACTFUL_PUBLIC_URL": base_url,
            "DATABASE_URL": f"sqlite:///{data_dir}/tactful.sqlite",
            "CELERY_BROKER_URL": f"tactful-sqla+sqlite:///{data_dir}/broker.sqlite",
            "TACTFUL_LOG_LEVEL": "WARNING"}


@click.command("demo")
@click.option("--provider", default="zendesk", show_default=True,
              help="which sandbox helpdesk to use (zendesk, freshdesk, intercom)")
@click.option("--tickets", default=12, show_default=True, type=click.IntRange(1, 500))
@click.option("--json", "as_json", is_flag=True,
              help='one JSON object: {"provider", "sent", "enriched", "failed", "p50_ms", '
                   '"p95_ms"}, and "memory" (the scene\'s facts) when the scene ran')
@click.option("--keep/--no-keep", default=True, show_default=True,
              help="keep the demo's data directory, to browse it in the console afterwards")
@click.option("--memory/--no-memory", default=True, show_default=True,
              help="then show customer memory, an alert, routing and recommendations")
def demo_cmd(provider: str, tickets: int, as_json: bool, keep: bool, memory: bool) -> None:
    """Run sample tickets end to end: sandbox helpdesk -> webhook -> worker -> write-back.

    Starts its own sandbox, web server and worker on embedded defaults (SQLite,
    no Redis) in a temporary directory, and stops them when done.
    """
    from integration.app import create_app
    from integration.store.migrate import upgrade
    data_dir = tempfile.mkdtemp(prefix="tactful-demo-")
    base_url = f"http://127.0.0.1:{_free_port()}"
    env = _embedded_env(data_dir, base_url)
    admin_token = env["TACTFUL_ADMIN_TOKEN"] = secrets.token_urlsafe(18)
    from integration.sandbox.core import load_vendors
    env.update(getattr(load_vendors().get(provider), "service_env", {}))
    if memory:
        from integration.cli.demo_memory import service_env
        env.update(service_env(environ={})[0])   # our own service: every sandbox vendor
    upgrade(env["DATABASE_URL"])
    logs = os.path.join(data_dir, "logs")
    os.makedirs(logs)
    processes.exit_on_sigterm()
    port = int(base_url.rsplit(":", 1)[1])
    children = [processes.start(processes.web_cmd("127.0.0.1", port, workers=1), env,
                                f"{logs}/web.log", tie_to_parent=True),
                processes.start(processes.worker_cmd(2), env, f"{logs}/worker.log",
                                tie_to_parent=True)]
    app = None
    try:
        if not processes.wait_http(f"{base_url}/readyz", timeout=60, proc=children[0]):
            raise click.ClickException("the web process did not start:\n"
                                       + _tail(os.path.join(logs, "web.log")))
        app = create_app(data_dir=data_dir, database_url=env["DATABASE_URL"],
                         broker_url=env["CELERY_BROKER_URL"], public_url=base_url,
                         log_level="WARNING")
        run_demo_against(base_url, provider, tickets, as_json, app=app, memory=memory,
                         admin_token=admin_token)
    finally:
        for child in children:
            processes.stop(child)
        if app is not None:
            app.extensions["tactful"].close()
        if not keep:
            shutil.rmtree(data_dir, ignore_errors=True)
    if keep and not as_json:
        click.echo(f"\nThe demo's data is kept in {data_dir}. To open every ticket in the "
                   f"console:\n  TACTFUL_DATA_DIR={data_dir} TACTFUL_ADMIN_TOKEN={admin_token} "
                   "tactful serve\nthen http://127.0.0.1:8000/console/ and sign in with "
                   "that token.")
