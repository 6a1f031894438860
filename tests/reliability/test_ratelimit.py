"""The per-installation outbound budget: over it, a call raises RateLimited with the wait."""
from __future__ import annotations

import os
import uuid

import pytest
import requests
import responses

from connectors.errors import RateLimited
from connectors.http import VendorClient
from integration.pipeline import ratelimit


def _limiters():
    yield ratelimit.LocalLimiter()
    url = os.environ.get("TACTFUL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        import redis
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:
        return
    yield ratelimit.RedisLimiter(url)


@pytest.mark.parametrize("limiter", list(_limiters()), ids=lambda lim: type(lim).__name__)
def test_budget_allows_the_limit_then_reports_the_wait(limiter):
    key = f"in_{uuid.uuid4().hex[:8]}"
    assert all(limiter.take(key, 3) == 0 for _ in range(3))
    wait = limiter.take(key, 3)
    assert 0 < wait <= ratelimit.WINDOW_S
    assert limiter.take(f"{key}-other", 3) == 0     # another installation is unaffected


@responses.activate
def test_vendor_calls_inside_a_budget_stop_at_the_limit_without_calling_out():
    responses.get("https://acme.example/api/ping", json={"ok": True})
    client = VendorClient("https://acme.example", session=requests.Session())
    with ratelimit.budget(ratelimit.LocalLimiter(), "in_a", per_minute=2):
        client.get_json("/api/ping")
        client.get_json("/api/ping")
        with pytest.raises(RateLimited) as caught:
            client.get_json("/api/ping")
    assert caught.value.retry_after > 0
    assert len(responses.calls) == 2           # the third call never left the process
    client.get_json("/api/ping")               # outside the block: no budget applies
    assert len(responses.calls) == 3


def test_reserved_calls_a_ticket_did_not_make_go_back_to_the_budget():
    now = [100.0]
    limiter = ratelimit.LocalLimiter(clock=lambda: now[0])
    assert limiter.take("in_a", 60, cost=8) == 0           # the burst, reserved for one event
    with ratelimit.budget(limiter, "in_a", per_minute=60, prepaid=8) as meter:
        meter.calls = 5                                    # it made 5 of its 8 calls
    assert limiter.take("in_a", 60, cost=3) == 0           # the other 3 are free again
    assert limiter.take("in_a", 60) > 0


def test_refused_calls_get_slots_spread_at_the_budget_rate():
    now = [100.0]
    limiter = ratelimit.LocalLimiter(clock=lambda: now[0])
    assert limiter.take("in_a", 60, cost=8) == 0
    waits = [limiter.take("in_a", 60, cost=5, reserve=True) for _ in range(4)]
    assert waits == [5.0, 10.0, 15.0, 20.0]               # one ticket's calls apart, not :00
