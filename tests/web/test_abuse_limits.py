"""Issue 13 findings 10 and 12: anonymous OAuth starts cannot pile up state rows, and
rate-limit counters honour TACTFUL_REDIS_KEY_PREFIX."""
from __future__ import annotations

import dataclasses
import os
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from integration.pipeline import ratelimit, sweep
from integration.runtime import settings as app_settings
from integration.store.models import OAuthState, utcnow
from integration.web import oauth
from tests.conftest import DEFAULT_REDIS


@pytest.fixture
def zendesk_oauth(app):
    app.config["TACTFUL"] = dataclasses.replace(
        app.config["TACTFUL"], zendesk_client_id="cid", zendesk_client_secret="csecret")
    return app


def states(db) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(OAuthState))


def starts(app, count: int, address: str = "203.0.113.7") -> list[int]:
    client = app.test_client()
    return [client.get("/oauth/zendesk/start?subdomain=acme",
                       environ_base={"REMOTE_ADDR": address}).status_code
            for _ in range(count)]


def test_retention_deletes_expired_oauth_states_and_keeps_live_ones(zendesk_oauth, db):
    assert starts(zendesk_oauth, 5) == [302] * 5
    with db.session() as session:
        backdated = session.scalars(select(OAuthState.state).limit(3)).all()
        session.execute(update(OAuthState).where(OAuthState.state.in_(backdated))
                        .values(expires_at=utcnow() - timedelta(minutes=1)))
    with zendesk_oauth.app_context():
        result = sweep.run_retention(db, app_settings(zendesk_oauth))
    assert result["oauth_states_deleted"] == 3
    assert states(db) == 2


def test_one_address_cannot_start_installs_without_limit(zendesk_oauth, db, monkeypatch):
    monkeypatch.setattr(oauth, "STARTS_PER_ADDRESS_PER_MINUTE", 4)
    answers = starts(zendesk_oauth, 6)
    assert answers == [302] * 4 + [429] * 2
    assert states(db) == 4
    assert starts(zendesk_oauth, 1, address="198.51.100.9") == [302]   # others unaffected


def test_pending_states_have_a_ceiling(zendesk_oauth, db, monkeypatch):
    monkeypatch.setattr(oauth, "MAX_PENDING_STATES", 3)
    answers = starts(zendesk_oauth, 3, "192.0.2.1") + starts(zendesk_oauth, 2, "192.0.2.2")
    assert answers == [302, 302, 302, 429, 429]
    assert states(db) == 3
    response = zendesk_oauth.test_client().get("/oauth/zendesk/start?subdomain=acme")
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0


@pytest.mark.backends
def test_redis_rate_limit_keys_carry_the_deployments_prefix(redis_key_prefix):
    import redis
    url = os.environ.get("TACTFUL_TEST_REDIS_URL", DEFAULT_REDIS)
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("no Redis to check key names in")
    limiter = ratelimit.limiter_for(url, redis_key_prefix)
    other = ratelimit.limiter_for(url, redis_key_prefix + "other:")
    try:
        # The budget's burst is spent within a few calls; then the limiter refuses.
        waits = [limiter.take("in_1", 1) for _ in range(ratelimit.burst_calls(1) + 2)]
        assert waits[0] == 0.0 and waits[-1] > 0
        assert other.take("in_1", 1) == 0.0       # another deployment's budget is its own
        names = [k.decode() for k in client.scan_iter(f"{redis_key_prefix}*")]
        assert names and all(n.startswith(redis_key_prefix) for n in names)
        assert any(n.startswith(f"{redis_key_prefix}tactful:rl:in_1") for n in names)
    finally:
        for name in client.scan_iter(f"{redis_key_prefix}*"):
            client.delete(name)
