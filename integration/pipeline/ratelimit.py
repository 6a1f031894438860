"""Per-installation budget for outbound vendor calls, paced rather than windowed.

Helpdesk limits are per account, so ours are too. The budget is a generic cell rate
(GCRA, a token bucket kept as one timestamp): calls are spaced 60/limit seconds
apart, with a small burst allowance so one ticket's calls go out together. A fixed
per-minute window would wake every waiting event at the same minute boundary; here
each wait ends at the installation's next free slot, so a backlog drains at the
budget's rate without a thundering herd. In any 60 s, at most `limit + burst` calls.

A negative cost gives reserved calls back (never beyond the burst allowance).
`take(..., reserve=True)` books a future slot even when none is free now and returns
how long until it: the dispatcher and the worker use it to give a waiting event a
due time of its own, spread at the budget's rate. The event then runs with those
calls prepaid (`budget(prepaid=n)`), so it does not pay twice.

With Redis as the broker the state lives in Redis (one key per installation, Redis's
own clock) and is shared by every worker; on embedded defaults it is per process.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

from connectors.errors import RateLimited
from connectors.http import outbound_throttle

WINDOW_S = 60
DEFAULT_PER_MINUTE = 300


def burst_calls(limit: int) -> int:
    """Calls that may go out at once: a ticket's worth, or two seconds of budget."""
    return max(1, min(limit, max(limit // 30, 8)))


def _step(tat: float, now: float, limit: int, cost: int, reserve: bool,
          pause_s: float) -> tuple[float, float]:
    """One GCRA decision: (new theoretical arrival time, seconds to wait; 0 = granted)."""
    interval = WINDOW_S / limit
    allowance = burst_calls(limit) * interval
    tat = max(tat, now)
    if pause_s > 0:         # a vendor said Retry-After: nothing before then
        return max(tat, now + pause_s + allowance - interval), 0.0
    new_tat = tat + cost * interval
    wait = new_tat - allowance - now
    if wait <= 0 or reserve:
        return new_tat, max(0.0, wait)
    return tat, wait


class LocalLimiter:
    """Per process; `clock` is injectable so tests can step time instead of sleeping."""

    def __init__(self, clock=time.time):
        self._clock = clock
        self._lock = threading.Lock()
        self._tat: dict[str, float] = {}

    def take(self, key: str, limit: int, cost: int = 1, reserve: bool = False) -> float:
        return self._apply(key, limit, cost, reserve, 0.0)

    def pause(self, key: str, limit: int, seconds: float) -> None:
        self._apply(key, limit, 0, False, seconds)

    def _apply(self, key, limit, cost, reserve, pause_s) -> float:
        with self._lock:
            now = self._clock()
            tat, wait = _step(self._tat.get(key, now), now, limit, cost, reserve, pause_s)
            self._tat[key] = tat
        return wait


# The same decision as _step, atomically in Redis, on Redis's clock (workers on several
# machines need one clock). Returns the wait as a string: Lua numbers become integers.
_GCRA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local limit, cost = tonumber(ARGV[1]), tonumber(ARGV[2])
local reserve, pause_s, burst = ARGV[3] == '1', tonumber(ARGV[4]), tonumber(ARGV[5])
local interval = 60 / limit
local allowance = burst * interval
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat, wait = tat, 0
if pause_s > 0 then
  new_tat = math.max(tat, now + pause_s + allowance - interval)
else
  new_tat = tat + cost * interval
  wait = new_tat - allowance - now
  if wait > 0 and not reserve then new_tat = tat end
  if wait < 0 then wait = 0 end
end
redis.call('SET', KEYS[1], tostring(new_tat), 'PX', math.ceil((new_tat - now) * 1000) + 60000)
return tostring(wait)
"""


class RedisLimiter:
    def __init__(self, url: str, key_prefix: str = ""):
        import redis
        self._redis = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        self._script = self._redis.register_script(_GCRA)
        self._prefix = key_prefix

    def take(self, key: str, limit: int, cost: int = 1, reserve: bool = False) -> float:
        return self._apply(key, limit, cost, reserve, 0.0)

    def pause(self, key: str, limit: int, seconds: float) -> None:
        self._apply(key, limit, 0, False, seconds)

    def _apply(self, key, limit, cost, reserve, pause_s) -> float:
        name = f"{self._prefix}tactful:rl:{key}"
        args = [limit, cost, "1" if reserve else "0", pause_s, burst_calls(limit)]
        return float(self._script(keys=[name], args=args))


_limiters: dict[tuple[str, str], object] = {}


def limiter_for(broker_url: str, key_prefix: str = ""):
    if (broker_url, key_prefix) not in _limiters:
        _limiters[broker_url, key_prefix] = RedisLimiter(broker_url, key_prefix) \
            if broker_url.startswith(("redis://", "rediss://")) else LocalLimiter()
    return _limiters[broker_url, key_prefix]


class BudgetSpent(RateLimited):
    """Our own budget, not the vendor's: `calls` counts this run's calls, the refused one too."""

    def __init__(self, retry_after: float, calls: int):
        super().__init__(retry_after, "installation's outbound budget is spent for now")
        self.calls = calls


@dataclass
class Meter:
    prepaid: int = 0
    calls: int = 0


@contextmanager
def budget(limiter, installation_id: str, per_minute: int, prepaid: int = 0):
    """Within the block, every VendorClient call spends from this installation's budget,
    except the first `prepaid` ones (reserved when the event was dispatched)."""
    meter = Meter(prepaid=prepaid)

    def throttle() -> None:
        meter.calls += 1
        if meter.calls <= meter.prepaid:
            return
        wait = limiter.take(installation_id, per_minute)
        if wait > 0:
            raise BudgetSpent(wait, meter.calls)

    token = outbound_throttle.set(throttle)
    try:
        yield meter
    finally:
        outbound_throttle.reset(token)
        unused = meter.prepaid - meter.calls
        if unused > 0:
            # Reserved for a typical ticket but not needed (this one made fewer calls):
            # give them back, or the installation would drain below its budget.
            limiter.take(installation_id, per_minute, cost=-unused)

