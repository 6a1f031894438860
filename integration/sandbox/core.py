"""Vendor-neutral sandbox machinery: store, write log, faults, rate limits, webhook sender.

Everything lives in memory behind one lock. Vendor modules (zendesk.py, and
later freshdesk.py / intercom.py) register a VendorModule in VENDORS; the app
factory mounts each one and adds the /_sandbox control endpoints.
"""
from __future__ import annotations

import itertools
import logging
import math
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import requests
from flask import Flask, abort, jsonify, request

from connectors.http import new_session

log = logging.getLogger("tactful.sandbox")
SECRET_KEYS = ("secret", "token", "code_verifier", "password", "code")
WEBHOOK_TIMEOUT_S = 12.0          # what Zendesk allows our endpoint before giving up


@dataclass
class Faults:
    """Per-account misbehaviour, set through POST /_sandbox/faults."""

    fail_status: int = 0          # answer API calls with this status ...
    fail_count: int = 0           # ... this many times
    latency_s: float = 0.0        # added to every API call
    hang_s: float = 0.0           # hold the answer this long (setting 0 releases held calls) ...
    hang_count: int = 0           # ... on this many calls (beyond a client's timeout)
    conflicts: int = 0            # the next N safe updates answer 409
    echo_writes: bool = False     # fire a webhook for each of our API writes (loop guard)
    rate_limit: int = 700         # requests per window per account
    rate_window_s: float = 60.0


@dataclass
class Account:
    vendor: str
    name: str
    data: dict[str, Any] = field(default_factory=dict)     # the vendor module's collections
    faults: Faults = field(default_factory=Faults)
    window_started: float = 0.0
    window_count: int = 0


@dataclass(frozen=True)
class VendorModule:
    """What a vendor plugs into the sandbox; the demo and tests drive it through these."""

    name: str
    mount: Callable[[Flask, Sandbox], None]                  # add the vendor's API routes
    create_account: Callable[[Sandbox, str], dict]           # -> credentials for an installer
    create_ticket: Callable[[Sandbox, str, dict], str]       # sample ticket -> id (fires hooks)
    add_reply: Callable[[Sandbox, str, str, str], None]      # customer reply (fires hooks)
    ticket_view: Callable[[Sandbox, str, str], dict]         # tags, priority, fields, notes
    install: Callable[..., str]                              # demo: install into Tactful -> id
    # Environment the Tactful service needs to trust this sandbox vendor before it
    # starts, for app-level secrets no installation carries (Intercom's client secret).
    service_env: dict[str, str] = field(default_factory=dict)


VENDORS: dict[str, VendorModule] = {}


def register_vendor(module: VendorModule) -> None:
    VENDORS[module.name] = module


def redact(value: Any) -> Any:
    """Bodies in the write log keep their shape but never a credential."""
    if isinstance(value, dict):
        return {k: "[redacted]" if any(s in k.lower() for s in SECRET_KEYS) and k != "grant_type"
                else redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


class WebhookSender:
    """Delivers webhooks from background threads, as a vendor would, and records each one.

    Several deliveries run at once (vendors do not wait for one webhook before sending
    the next), so order is not guaranteed here either.
    """

    def __init__(self, threads: int = 8):
        self.deliveries: list[dict] = []
        self._queue: queue.Queue = queue.Queue()
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._threads = [threading.Thread(target=self._run, name=f"sandbox-webhooks-{i}",
                                          daemon=True) for i in range(threads)]
        for thread in self._threads:
            thread.start()

    def send(self, url: str, body: bytes, headers: dict[str, str], meta: dict) -> None:
        self._queue.put((url, body, headers, meta))

    def _session(self) -> requests.Session:
        if not hasattr(self._local, "session"):
            self._local.session = new_session()
            self._sessions.append(self._local.session)
        return self._local.session

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            url, body, headers, meta = item
            record = {**meta, "url": url, "sent_at": time.time()}
            try:
                response = self._session().post(url, data=body, headers=headers,
                                                timeout=WEBHOOK_TIMEOUT_S)
                record["status"] = response.status_code
            except requests.RequestException as exc:
                record["status"] = None
                record["error"] = type(exc).__name__
            record["answered_at"] = time.time()
            self.deliveries.append(record)

    def stop(self) -> None:
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join(timeout=WEBHOOK_TIMEOUT_S + 1)
        for session in self._sessions:
            session.close()


class Sandbox:
    """All accounts of all vendors, the write log and the webhook sender."""

    def __init__(self):
        self.lock = threading.RLock()
        self.accounts: dict[tuple[str, str], Account] = {}
        self.writes: list[dict] = []
        self.sender = WebhookSender()
        self._ids = itertools.count(1)
        self.hanging = 0                      # calls held by the hang fault right now
        self._unhang = threading.Event()

    def account(self, vendor: str, name: str, create: bool = False) -> Account:
        with self.lock:
            key = (vendor, name)
            if key not in self.accounts:
                if not create:
                    abort(404, description=f"no sandbox {vendor} account {name!r}")
                self.accounts[key] = Account(vendor, name)
            return self.accounts[key]

    def record_write(self, account: Account, ticket_id: str | None, method: str, path: str,
                     body: Any, status: int) -> None:
        with self.lock:
            self.writes.append({"seq": next(self._ids), "at": time.time(),
                                "vendor": account.vendor, "account": account.name,
                                "ticket": str(ticket_id) if ticket_id is not None else None,
                                "method": method, "path": path, "body": redact(body),
                                "status": status})

    def writes_for(self, vendor: str | None = None, account: str | None = None,
                   ticket: str | None = None) -> list[dict]:
        with self.lock:
            return [w for w in self.writes if (vendor is None or w["vendor"] == vendor)
                    and (account is None or w["account"] == account)
                    and (ticket is None or w["ticket"] == str(ticket))]

    def check_faults(self, account: Account):
        """Rate limit, then injected failures, then latency: None means "serve normally"."""
        faults = account.faults
        with self.lock:
            now = time.monotonic()
            if now - account.window_started >= faults.rate_window_s:
                account.window_started, account.window_count = now, 0
            account.window_count += 1
            if account.window_count > faults.rate_limit:
                wait = faults.rate_window_s - (now - account.window_started)
                return _error(429, "APIRateLimitExceeded", {"Retry-After": str(math.ceil(wait))})
            if faults.fail_count > 0:
                faults.fail_count -= 1
                return _error(faults.fail_status or 500, "SandboxInjectedFailure")
            hang = faults.hang_s if faults.hang_count > 0 else 0.0
            faults.hang_count = max(0, faults.hang_count - 1)
        time.sleep(faults.latency_s)
        if hang:
            self._hold(hang)
        return None

    def _hold(self, seconds: float) -> None:
        """A hung call: answers after `seconds`, or as soon as release_hangs() is called,
        so a test can see that the caller gave up while the call was still hanging."""
        with self.lock:
            self.hanging += 1
            released = self._unhang
        try:
            released.wait(seconds)
        finally:
            with self.lock:
                self.hanging -= 1

    def release_hangs(self) -> None:
        with self.lock:
            self._unhang.set()
            self._unhang = threading.Event()

    def take_conflict(self, account: Account) -> bool:
        with self.lock:
            if account.faults.conflicts > 0:
                account.faults.conflicts -= 1
                return True
            return False

    def stop(self) -> None:
        self.release_hangs()
        self.sender.stop()


def _error(status: int, code: str, headers: dict | None = None):
    response = jsonify({"error": code, "description": f"sandbox answered {status}"})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def load_vendors() -> dict[str, VendorModule]:
    import importlib
    for vendor in ("zendesk", "freshdesk", "intercom"):   # each registers itself on import
        try:
            importlib.import_module(f"integration.sandbox.{vendor}")
        except ModuleNotFoundError as exc:
            if exc.name != f"integration.sandbox.{vendor}":
                raise
    return VENDORS


def create_app(sandbox: Sandbox | None = None) -> Flask:
    load_vendors()
    sandbox = sandbox or Sandbox()
    app = Flask("tactful-sandbox")
    app.extensions["sandbox"] = sandbox
    for module in VENDORS.values():
        module.mount(app, sandbox)
    _mount_control(app, sandbox)
    return app


def _vendor_or_404(name: str) -> VendorModule:
    if name not in VENDORS:
        abort(404, description=f"the sandbox has no vendor {name!r}")
    return VENDORS[name]


def _mount_control(app: Flask, sandbox: Sandbox) -> None:
    @app.get("/_sandbox/health")
    def health():
        return {"status": "ok", "vendors": sorted(VENDORS)}

    @app.post("/_sandbox/accounts")
    def create_account():
        body = request.get_json(force=True)
        return _vendor_or_404(body.get("vendor", "")).create_account(sandbox, body["account"]), 201

    @app.get("/_sandbox/log")
    def write_log():
        """The write log; `since=SEQ` returns only later writes, for cheap polling."""
        args = request.args
        try:
            since = int(args.get("since", 0))
        except ValueError:
            abort(400, description="since must be an integer (a write's seq)")
        writes = sandbox.writes_for(args.get("vendor"), args.get("account"), args.get("ticket"))
        return {"writes": [w for w in writes if w["seq"] > since] if since else writes}

    @app.get("/_sandbox/deliveries")
    def deliveries():
        account = request.args.get("account")
        return {"deliveries": [d for d in list(sandbox.sender.deliveries)
                               if account is None or d.get("account") == account]}

    @app.post("/_sandbox/faults")
    def set_faults():
        body = request.get_json(force=True)
        account = sandbox.account(body.pop("vendor", ""), body.pop("account", ""))
        known = set(asdict(Faults()))
        unknown = set(body) - known
        if unknown:
            abort(400, description=f"unknown fault knob(s): {sorted(unknown)}")
        with sandbox.lock:
            for name, value in body.items():
                setattr(account.faults, name, type(getattr(account.faults, name))(value))
            if "hang_s" in body and not account.faults.hang_s:
                sandbox.release_hangs()
            return {**asdict(account.faults), "hanging": sandbox.hanging}

    _mount_ticket_control(app, sandbox)


def _mount_ticket_control(app: Flask, sandbox: Sandbox) -> None:
    """Acting as the customer and the agent's screen, through each vendor's hooks."""
    @app.post("/_sandbox/<vendor>/<account>/tickets")
    def create_ticket(vendor: str, account: str):
        ticket_id = _vendor_or_404(vendor).create_ticket(sandbox, account,
                                                         request.get_json(force=True))
        return {"ticket_id": ticket_id}, 201

    @app.post("/_sandbox/<vendor>/<account>/tickets/<ticket_id>/replies")
    def add_reply(vendor: str, account: str, ticket_id: str):
        body = request.get_json(force=True)
        _vendor_or_404(vendor).add_reply(sandbox, account, ticket_id, body["body"])
        return {"ticket_id": ticket_id}, 201

    @app.get("/_sandbox/<vendor>/<account>/tickets/<ticket_id>")
    def ticket_view(vendor: str, account: str, ticket_id: str):
        return _vendor_or_404(vendor).ticket_view(sandbox, account, ticket_id)


def sample_tickets() -> list[dict]:
    """The bundled sample tickets (tickets.json): varied moods, topics and languages."""
    import json
    from importlib import resources
    text = resources.files("integration.sandbox").joinpath("tickets.json").read_text("utf-8")
    return json.loads(text)["tickets"]
