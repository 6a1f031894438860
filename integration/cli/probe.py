"""`python -m integration.cli.probe PG_URL REDIS_URL`: exit 0 when both answer.

Used by `make test` to decide whether the PostgreSQL + Redis pass can run.
"""
from __future__ import annotations

import sys


def reachable(pg_url: str, redis_url: str) -> bool:
    try:
        import redis
        from sqlalchemy import create_engine, text
        engine = create_engine(pg_url, connect_args={"connect_timeout": 2})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
        return True
    except Exception:
        return False


if __name__ == "__main__":
    sys.exit(0 if reachable(sys.argv[1], sys.argv[2]) else 1)
