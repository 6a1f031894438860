"""Shared fixtures: an app on a fresh database, its client, and real worker processes.

Backends are chosen by environment variables the Makefile sets, so the same
tests run on SQLite + the embedded queue and on PostgreSQL + Redis:
  TACTFUL_TEST_DB=sqlite|postgres      (postgres uses TACTFUL_TEST_POSTGRES_URL)
  TACTFUL_TEST_BROKER=embedded|redis   (redis uses TACTFUL_TEST_REDIS_URL)
"""
from __future__ import annotations

import os
import uuid

import pytest

from integration.app import create_app
from integration.cli import processes
from integration.store.db import scratch_database
from integration.store.migrate import upgrade

TEST_FERNET_KEY = "l4bz2Oj3W0Cm2h7b2XcU6c8o3YxgK9b5s1mQq3uJ8nA="
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"


def backend(name: str, default: str) -> str:
    return os.environ.get(f"TACTFUL_TEST_{name}", default).lower()


@pytest.fixture
def database_url(tmp_path):
    if backend("DB", "sqlite") != "postgres":
        yield f"sqlite:///{tmp_path}/tactful.sqlite"
        return
    yield from _fresh_postgres_database()


def _fresh_postgres_database():
    with scratch_database(os.environ.get("TACTFUL_TEST_POSTGRES_URL", DEFAULT_PG),
                          "tactful_t") as url:
        yield url


@pytest.fixture
def broker_url(tmp_path):
    if backend("BROKER", "embedded") != "redis":
        return f"tactful-sqla+sqlite:///{tmp_path}/broker.sqlite"
    return os.environ.get("TACTFUL_TEST_REDIS_URL", DEFAULT_REDIS)


@pytest.fixture
def redis_key_prefix() -> str:
    # Every test gets its own keys in the shared Redis, so parallel runs never
    # see (or flush) each other's queues.
    return f"tactful-test-{uuid.uuid4().hex[:10]}:"


@pytest.fixture
def service_env(tmp_path, database_url, broker_url, redis_key_prefix) -> dict[str, str]:
    """Environment for our own child processes (worker, web) sharing the test's stores."""
    return {"DATABASE_URL": database_url, "CELERY_BROKER_URL": broker_url,
            "TACTFUL_REDIS_KEY_PREFIX": redis_key_prefix,
            "TACTFUL_DATA_DIR": str(tmp_path), "TACTFUL_ENV": "test",
            "TACTFUL_ENCRYPTION_KEYS": TEST_FERNET_KEY, "TACTFUL_LOG_LEVEL": "INFO"}


@pytest.fixture
def app(tmp_path, database_url, broker_url, redis_key_prefix, monkeypatch):
    monkeypatch.setenv("TACTFUL_ENCRYPTION_KEYS", TEST_FERNET_KEY)
    upgrade(database_url)
    application = create_app(env="test", data_dir=str(tmp_path), database_url=database_url,
                             broker_url=broker_url, encryption_keys=(TEST_FERNET_KEY,),
                             public_url="http://127.0.0.1:8000",
                             redis_key_prefix=redis_key_prefix)
    application.config["TESTING"] = True
    yield application
    application.extensions["tactful"].database.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db(app):
    return app.extensions["tactful"].database


@pytest.fixture
def keyring(app):
    return app.extensions["tactful"].keyring


@pytest.fixture
def celery_app(app):
    return app.extensions["celery"]


@pytest.fixture
def sandbox():
    """The sandbox helpdesk (every vendor) on a free port in this process."""
    from integration.sandbox.server import serve_in_thread
    running = serve_in_thread()
    yield running
    running.stop()


@pytest.fixture
def serve_app():
    """Serve a Flask app on a real port; every server is stopped after the test."""
    from integration.sandbox.server import serve_app_in_thread
    started = []

    def _serve(application) -> str:
        started.append(serve_app_in_thread(application, name="tactful-http"))
        return started[-1].base_url

    yield _serve
    for running in started:
        running.stop()


@pytest.fixture
def start_worker(service_env, tmp_path):
    """Start real Celery worker processes; every one is stopped (by PID) after the test."""
    started = []

    def _start(concurrency: int = 1, extra_env: dict | None = None):
        log_path = str(tmp_path / f"worker-{len(started)}.log")
        proc = processes.start(processes.worker_cmd(concurrency),
                               {**service_env, **(extra_env or {})}, log_path)
        started.append(proc)
        return proc

    yield _start
    for proc in started:
        processes.stop(proc)


def pytest_collection_modifyitems(config, items):
    # Tests that touch a database or a broker run again on PostgreSQL + Redis
    # (`make test` second pass, `-m backends`), so neither path can rot.
    for item in items:
        if {"database_url", "broker_url"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.backends)
