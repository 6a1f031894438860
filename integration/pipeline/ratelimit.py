"""Per-installation budget for outbound vendor calls.

Helpdesk limits are per account, so ours are too: every call a worker makes for
an installation spends from that installation's budget for the current minute.
Over budget, the call raises RateLimited with the seconds left in the window,
and the task retries with that countdown instead of sleeping in the worker.

With Redis as the broker the counters live in Redis and are shared by every
worker process on every machine; on embedded defaults (one laptop) they are
per process.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager

from connectors.errors import RateLimited
from connectors.http import outbound_throttle

WINDOW_S = 60
DEFAULT_PER_MINUTE = 300


class LocalLimiter:
    def __init__(self):
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[int, int]] = {}

    def take(self, key: str, limit: int) -> float:
        window = int(time.time() // WINDOW_S)
        with self._lock:
            start, count = self._windows.get(key, (window, 0))
            if start != window:
                start, count = window, 0
            count += 1
            self._windows[key] = (start, count)
        return 0.0 if count <= limit else (window + 1) * WINDOW_S - time.time()


class RedisLimiter:
    def __init__(self, url: str, key_prefix: str = ""):
        import redis
        self._redis = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        # TACTFUL_REDIS_KEY_PREFIX: two deployments (or test runs) sharing one Redis
        # must not spend from each other's budgets.
        self.key_prefix = key_prefix

    def take(self, key: str, limit: int) -> float:
        window = int(time.time() // WINDOW_S)
        name = f"{self.key_prefix}tactful:rl:{key}:{window}"
        pipe = self._redis.pipeline()
        pipe.incr(name)
        pipe.expire(name, WINDOW_S * 2)
        count, _ = pipe.execute()
        return 0.0 if count <= limit else (window + 1) * WINDOW_S - time.time()


_limiters: dict[tuple[str, str], object] = {}


def limiter_for(broker_url: str, key_prefix: str = ""):
    if (broker_url, key_prefix) not in _limiters:
        _limiters[(broker_url, key_prefix)] = RedisLimiter(broker_url, key_prefix) \
            if broker_url.startswith(("redis://", "rediss://")) else LocalLimiter()
    return _limiters[(broker_url, key_prefix)]


@contextmanager
def budget(limiter, installation_id: str, per_minute: int):
    """Within the block, every VendorClient call spends from this installation's budget."""
    def throttle() -> None:
        wait = limiter.take(installation_id, per_minute)
        if wait > 0:
            raise RateLimited(wait, "installation's outbound budget for this minute is spent")

    token = outbound_throttle.set(throttle)
    try:
        yield
    finally:
        outbound_throttle.reset(token)
