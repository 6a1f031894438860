"""The one HTTP choke point for every vendor call.

It owns the timeout (always set), maps failures onto connectors.errors, and
reads Retry-After. It never sleeps or retries by itself: the Celery task does
that with a countdown, so a rate-limited worker is free for other tenants.
"""
from __future__ import annotations

import contextvars
import email.utils
import http.cookiejar
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

import requests
from marshmallow import ValidationError

from connectors.errors import (
    Conflict,
    HostError,
    InvalidResponse,
    NotFound,
    RateLimited,
    Unauthorized,
)

log = logging.getLogger("tactful.http")
DEFAULT_TIMEOUT = (3.05, 10.0)   # (connect, read) seconds
DEFAULT_RETRY_AFTER_S = 30.0

# Set by the caller (the pipeline) to spend from a per-installation budget before
# each call; it raises RateLimited when the budget is spent. A context variable so
# connectors need not thread it through every client they build.
outbound_throttle: contextvars.ContextVar[Callable[[], None] | None] = contextvars.ContextVar(
    "outbound_throttle", default=None)


# Called after every vendor call with (vendor, method, status, seconds): the service
# registers its metrics here, so connectors need not know about it. Status is the HTTP
# status as text, or "timeout" / "unreachable" when no answer came.
CallObserver = Callable[[str, str, str, float], None]
_observers: list[CallObserver] = []


def add_observer(observer: CallObserver) -> None:
    """Register once (a second registration of the same function is ignored)."""
    if observer not in _observers:
        _observers.append(observer)


def remove_observer(observer: CallObserver) -> None:
    if observer in _observers:
        _observers.remove(observer)


def _notify(vendor: str, method: str, status: str, started: float) -> None:
    elapsed = time.perf_counter() - started
    for observer in list(_observers):
        try:
            observer(vendor, method, status, elapsed)
        except Exception:  # an observer must never fail a vendor call
            log.warning("http.observer-failed", exc_info=True)


def parse_retry_after(value: str | None, default: float = DEFAULT_RETRY_AFTER_S) -> float:
    """Retry-After is either delta-seconds or an HTTP date."""
    if not value:
        return default
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    return max(0.0, when.timestamp() - time.time())


def api_path(template: str, *segments: object) -> str:
    """`template` with each `{}` replaced by one URL-escaped path segment.

    Ids come from webhooks, i.e. from outside: `1?include=x` or `../../users/me` must
    stay one segment of the path we meant, never a query string or another resource.
    Every client builds its paths here, so no id reaches a URL unescaped.
    """
    escaped = []
    for segment in segments:
        text = str(segment)
        if text in ("", ".", ".."):
            # Escaping cannot help these: servers and proxies resolve dot segments.
            raise ValueError(f"{text!r} cannot be a path segment")
        escaped.append(quote(text, safe=""))
    return template.format(*escaped)


# requests' trust_env scans os.environ for proxies on *every* call: a fifth of a
# worker's CPU per ticket. We read the environment once instead, and only a
# proxied environment keeps the per-call lookup (it needs no_proxy per URL).
_PROXY_SETTINGS = ("http_proxy", "https_proxy", "all_proxy")
_shared: tuple[int, requests.Session] | None = None
_shared_lock = threading.Lock()


def new_session() -> requests.Session:
    """A requests session that honours the environment's proxy and CA-bundle
    settings as requests does, but reads them once unless a proxy is set, and
    never takes credentials from ~/.netrc: every client sets its own."""
    session = requests.Session()
    session.trust_env = any(os.environ.get(name) or os.environ.get(name.upper())
                            for name in _PROXY_SETTINGS)
    if not session.trust_env:
        bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
        if bundle:
            session.verify = bundle
    return session


def shared_session() -> requests.Session:
    """One keep-alive connection pool per process for every vendor call.

    A session per client meant a new TCP (and, against a real vendor, TLS)
    connection for every ticket, twice: once to read it and once to write back.
    Cookies are refused outright: the session is shared by every installation,
    and a cookie one tenant's helpdesk set must never ride along on another's
    calls (tenant isolation). Keyed by PID, so a forked worker builds its own
    instead of sharing its parent's sockets.
    """
    global _shared
    with _shared_lock:
        if _shared is None or _shared[0] != os.getpid():
            session = new_session()
            session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
            adapter = requests.adapters.HTTPAdapter(pool_connections=32, pool_maxsize=16)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            _shared = (os.getpid(), session)
        return _shared[1]


class VendorClient:
    """Base for one vendor family's API client. Subclasses set auth and base URL."""

    vendor = "vendor"

    def __init__(self, base_url: str, *, session: requests.Session | None = None,
                 timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
                 headers: Mapping[str, str] | None = None):
        self.base_url = base_url.rstrip("/")
        self.session = session or shared_session()
        self.timeout = timeout
        self.default_headers = dict(headers or {})
        self.last_rate_remaining: int | None = None

    def auth_headers(self) -> dict[str, str]:
        return {}

    def request(self, method: str, path: str, *, json: Any = None,
                params: Mapping[str, Any] | None = None,
                headers: Mapping[str, str] | None = None) -> requests.Response:
        throttle = outbound_throttle.get()
        if throttle is not None:
            throttle()
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        all_headers = {"Accept": "application/json", **self.default_headers,
                       **self.auth_headers(), **(headers or {})}
        started = time.perf_counter()
        try:
            response = self.session.request(method, url, json=json, params=params,
                                            headers=all_headers, timeout=self.timeout)
        except requests.Timeout as exc:
            _notify(self.vendor, method, "timeout", started)
            raise HostError(f"{self.vendor} timed out on {method} {path}") from exc
        except requests.RequestException as exc:
            _notify(self.vendor, method, "unreachable", started)
            raise HostError(f"{self.vendor} unreachable on {method} {path}: "
                            f"{type(exc).__name__}") from exc
        _notify(self.vendor, method, str(response.status_code), started)
        self._note_rate_limit(response)
        self.raise_for_status(response, method, path)
        return response

    def validated(self, schema, data: Any, what: str) -> dict:
        """`data` loaded by a marshmallow schema, or InvalidResponse naming what was
        off (field names only, never values: they may be customer data)."""
        try:
            return schema.load(data if isinstance(data, dict) else {})
        except ValidationError as exc:
            raise InvalidResponse(f"{self.vendor} {what} answer is not what we expect: "
                                  f"{sorted(exc.messages)}") from None

    def get_json(self, path: str, **kwargs) -> Any:
        return self.json_of(self.request("GET", path, **kwargs))

    def json_of(self, response: requests.Response) -> Any:
        if not response.content:
            return {}
        try:
            return response.json()
        except ValueError as exc:
            raise InvalidResponse(f"{self.vendor} sent a non-JSON body "
                                  f"(status {response.status_code})") from exc

    def _note_rate_limit(self, response: requests.Response) -> None:
        remaining = (response.headers.get("X-RateLimit-Remaining")
                     or response.headers.get("ratelimit-remaining"))
        if remaining and remaining.isdigit():
            self.last_rate_remaining = int(remaining)

    def raise_for_status(self, response: requests.Response, method: str, path: str) -> None:
        status = response.status_code
        if status < 400:
            return
        where = f"{self.vendor} {method} {path} -> {status}"
        if status == 429:
            raise RateLimited(self.retry_after_of(response), where)
        if status in (401, 403):
            raise Unauthorized(where)
        if status == 404:
            raise NotFound(where)
        if status == 409:
            raise Conflict(where)
        if status >= 500:
            raise HostError(where)
        raise InvalidResponse(f"{where}: {response.text[:200]}")

    def retry_after_of(self, response: requests.Response) -> float:
        return parse_retry_after(response.headers.get("Retry-After"))
