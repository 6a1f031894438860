"""Per-caller request budgets for endpoints anyone can reach (analyze, OAuth start).

The same fixed-window counters as the outbound vendor budget (Redis when the
broker is Redis, shared by every web process; in-process otherwise), under their
own `web:` keys. Over budget the caller gets 429 with Retry-After.
"""
from __future__ import annotations

import logging
import math

from flask import request

from integration.logs import fields
from integration.pipeline import ratelimit
from integration.runtime import settings

log = logging.getLogger("tactful.web")


def wait_for(bucket: str, caller: str, per_minute: int) -> float:
    """Seconds until `caller` may call `bucket` again; 0 when within its budget."""
    config = settings()
    limiter = ratelimit.limiter_for(config.broker_url, config.redis_key_prefix)
    try:
        return limiter.take(f"web:{bucket}:{caller}", per_minute)
    except Exception as exc:   # noqa: BLE001 - the counter store is down
        # Fail open: refusing every caller because Redis blinked would turn a limit
        # meant against abuse into an outage of its own.
        log.warning("throttle.unavailable", extra=fields(bucket=bucket,
                                                         error=type(exc).__name__))
        return 0.0


def client_address() -> str:
    """The peer address (behind a proxy, configure it to set REMOTE_ADDR)."""
    return request.remote_addr or "unknown"


def too_many(wait_s: float, reason: str, status: int = 429):
    retry_after = max(1, math.ceil(wait_s))
    return ({"error": "too-many-requests" if status == 429 else "busy", "reason": reason,
             "retry_after_s": retry_after}, status, {"Retry-After": str(retry_after)})
