"""`tactful serve | worker | beat | run`: the processes that make up the service."""
from __future__ import annotations

import os
import secrets
import signal
import sys
import time

import click

from integration.cli import processes
from integration.config import load_settings


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="gunicorn workers")
def serve_cmd(host: str, port: int, workers: int) -> None:
    """Run the web service under gunicorn (webhooks, OAuth, admin API, health)."""
    settings = load_settings()   # fail fast, naming the bad setting, before gunicorn forks
    processes.metrics_dir(settings.data_dir)
    os.execv(sys.executable, processes.web_cmd(host, port, workers))


@click.command("worker")
@click.option("--concurrency", "-c", default=4, show_default=True, type=int,
              help="pool processes; a ticket mostly waits on vendor calls, so more than cores")
@click.option("--beat/--no-beat", default=False, help="also run the periodic jobs in-process")
def worker_cmd(concurrency: int, beat: bool) -> None:
    """Run a Celery worker that enriches queued events."""
    settings = load_settings()
    processes.metrics_dir(settings.data_dir)
    os.execv(sys.executable, processes.worker_cmd(concurrency, beat))


@click.command("beat")
def beat_cmd() -> None:
    """Run the periodic jobs (sweep every 30 s, retention hourly)."""
    load_settings()
    os.execv(sys.executable, processes.python_cmd(
        "-m", "celery", "-A", "tasks.worker", "beat", "--loglevel", processes.log_level()))


@click.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--demo/--no-demo", default=True, show_default=True,
              help="send sample tickets through the sandbox helpdesk once ready")
@click.option("--demo-tickets", default=12, show_default=True, type=int)
def run_cmd(host: str, port: int, demo: bool, demo_tickets: int) -> None:
    """Run web + worker + periodic jobs together on embedded defaults (a laptop).

    Needs no Redis or PostgreSQL: SQLite holds the data and the queue.
    Stop with Ctrl-C.
    """
    settings = load_settings()
    from integration.store.migrate import upgrade
    upgrade(settings.database_url)
    log_dir = os.path.join(settings.data_dir, "logs")
    os.makedirs(log_dir, exist_ok=True)
    env = {"TACTFUL_PUBLIC_URL": f"http://{host}:{port}",
           "PROMETHEUS_MULTIPROC_DIR": processes.metrics_dir(settings.data_dir, wipe=True)}
    admin_token = settings.admin_token
    if not admin_token and not settings.production:
        # A laptop run: a fresh token for the console, printed below, gone with the run.
        admin_token = env["TACTFUL_ADMIN_TOKEN"] = secrets.token_urlsafe(18)
    memory_scene = _memory_scene_env(env) if demo and not settings.production else None
    # Tied to this process: if it is killed, even by SIGKILL, web and worker stop too.
    children = [
        processes.start(processes.web_cmd(host, port), env, os.path.join(log_dir, "web.log"),
                        tie_to_parent=True),
        processes.start(processes.worker_cmd(2, beat=True), env,
                        os.path.join(log_dir, "worker.log"), tie_to_parent=True),
    ]
    try:
        _report_ready(f"http://{host}:{port}", children[0], log_dir)
        if demo:
            _run_demo(f"http://{host}:{port}", demo_tickets, admin_token, memory_scene)
        _print_console(f"http://{host}:{port}", admin_token)
        click.echo("Tactful is running. Press Ctrl-C to stop.")
        _wait_for(children)
    finally:
        for child in children:
            processes.stop(child)


def _report_ready(base: str, web, log_dir: str) -> None:
    click.echo(f"Starting web on {base} and a worker (logs in {log_dir}) ...")
    if not processes.wait_http(f"{base}/readyz", timeout=60, proc=web):
        raise click.ClickException(f"the web process did not become ready; see {log_dir}")
    click.echo(f"Ready: {base}/readyz answers 200 (database and queue reachable).")


def _print_console(base: str, admin_token: str) -> None:
    click.echo(f"\nConsole: {base}/console/  (API docs: {base}/docs)")
    if admin_token:
        click.echo(f"Sign in with the admin token: {admin_token}")
    else:
        click.echo("Set TACTFUL_ADMIN_TOKEN to sign in to the console.")


def _memory_scene_env(env: dict[str, str]) -> dict[str, str] | None:
    """Add what the demo's memory scene needs to the service's environment (a loopback
    alert receiver, the sandbox's Intercom app); returns the helpdesks it must leave out."""
    try:
        from integration.cli.demo_memory import service_env
    except ModuleNotFoundError:
        return None
    extra, skipped = service_env()
    env.update(extra)
    return skipped


def _run_demo(base: str, tickets: int, admin_token: str,
              memory_skipped: dict[str, str] | None) -> None:
    try:
        from integration.cli.demo import run_demo_against
    except ModuleNotFoundError:
        click.echo("(no demo in this build)")
        return
    run_demo_against(base, provider="zendesk", tickets=tickets, as_json=False,
                     memory=memory_skipped is not None, admin_token=admin_token,
                     skipped=memory_skipped)


def _wait_for(children) -> None:
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    try:
        while not stop["now"]:
            for child in children:
                if child.poll() is not None:
                    raise click.ClickException(f"a service process exited ({child.args[2:5]})")
            time.sleep(0.5)
    except KeyboardInterrupt:
        click.echo("\nStopping ...")
