"""Settings, read once from the environment (twelve-factor).

Every setting has a default that works on a laptop with nothing installed;
production mode refuses to start with development secrets.
"""
from __future__ import annotations

import base64
import hashlib
import math
import os
from dataclasses import dataclass, field, fields
from pathlib import Path

DEV_SECRET = "dev-insecure-secret-change-me"
DEFAULT_DATA_DIR = "var"


class ConfigError(RuntimeError):
    """A setting is missing or unsafe; the message names it."""


def _env(name: str, default: str = "") -> str:
    value = os.environ.get(name)
    return default if value is None or value.strip() == "" else value.strip()


def _flag(name: str) -> bool:
    value = _env(name, "0").lower()
    if value not in ("0", "1", "true", "false", "yes", "no", "on", "off"):
        raise ConfigError(f"{name} must be 1 or 0 (true/false, yes/no, on/off), not {value!r}")
    return value in ("1", "true", "yes", "on")


def _dev_encryption_key(secret: str) -> str:
    # Derived so development data stays readable across restarts without a
    # generated file; production must set TACTFUL_ENCRYPTION_KEYS explicitly.
    digest = hashlib.sha256(("tactful-dev-key:" + secret).encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    data_dir: str = DEFAULT_DATA_DIR
    database_url: str = ""
    broker_url: str = ""
    secret_key: str = DEV_SECRET
    encryption_keys: tuple[str, ...] = ()
    public_url: str = "http://127.0.0.1:8000"
    log_level: str = "INFO"
    max_body_bytes: int = 256 * 1024
    sweep_interval_s: int = 30
    payload_retention_days: int = 7
    dedup_retention_days: int = 30
    uninstall_grace_days: int = 7
    memory_retention_days: int = 180     # customer timelines (customer memory) are kept this long
    alerts_allow_loopback: bool = False  # alerts to http://127.0.0.1 (a local receiver); never in
                                         # production
    http_timeout_s: float = 10.0
    processing_lease_s: float = 330.0    # how long a worker holds an event before the sweep may
    retry_backoff_base_s: float = 2.0    # redeliver it; backoff doubles from the base
    max_attempts: int = 8
    admin_token: str = ""
    metrics_token: str = ""              # bearer token for /metrics; without it, loopback only
    redis_key_prefix: str = ""           # isolates tenants of one Redis (and parallel test runs)
    rate_limit_per_minute: int = 300
    inflight_per_installation: int = 8   # events per installation queued or running at once
    max_event_age_h: float = 48.0        # a still-waiting event older than this is dead-lettered
    handoff: str = "background"          # or "inline" (in the request), "relay" (tactful relay)
    intercom_client_id: str = ""
    intercom_client_secret: str = ""
    intercom_api_base: str = ""          # replaces https://api.intercom.io for OAuth (sandbox)
    zendesk_client_id: str = ""
    zendesk_client_secret: str = ""
    zendesk_api_base: str = ""           # "{account}" template replacing https://{account}.zendesk.com
    zendesk_marketplace: dict = field(default_factory=dict)

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def embedded_broker(self) -> bool:
        return self.broker_url.startswith(("sqla+", "tactful-sqla+"))

    def as_flask_config(self) -> dict:
        # The console's session cookie: never readable by scripts, not sent cross-site,
        # HTTPS-only in production.
        return {"SECRET_KEY": self.secret_key, "MAX_CONTENT_LENGTH": self.max_body_bytes,
                "TACTFUL": self, "SESSION_COOKIE_HTTPONLY": True,
                "SESSION_COOKIE_SECURE": self.production, "SESSION_COOKIE_SAMESITE": "Lax",
                "PERMANENT_SESSION_LIFETIME": 8 * 3600}


def load_settings(overrides: dict | None = None) -> Settings:
    """Build Settings from the environment (and a .env file in development)."""
    overrides = dict(overrides or {})
    if _env("TACTFUL_ENV", "development") != "production":
        _read_dotenv()
    data_dir = overrides.pop("data_dir", None) or _env("TACTFUL_DATA_DIR", DEFAULT_DATA_DIR)
    secret = _env("TACTFUL_SECRET_KEY", DEV_SECRET)
    values = dict(
        env=_env("TACTFUL_ENV", "development"),
        data_dir=data_dir,
        database_url=_env("DATABASE_URL", f"sqlite:///{Path(data_dir).resolve()}/tactful.sqlite"),
        broker_url=_env("CELERY_BROKER_URL", _env(
            "REDIS_URL", f"tactful-sqla+sqlite:///{Path(data_dir).resolve()}/broker.sqlite")),
        secret_key=secret,
        encryption_keys=tuple(k.strip() for k in _env("TACTFUL_ENCRYPTION_KEYS").split(",")
                              if k.strip()) or (_dev_encryption_key(secret),),
        public_url=_env("TACTFUL_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
        log_level=_env("TACTFUL_LOG_LEVEL", "INFO").upper(),
        max_body_bytes=int(_env("TACTFUL_MAX_BODY_BYTES", str(256 * 1024))),
        http_timeout_s=float(_env("TACTFUL_HTTP_TIMEOUT", "10")),
        handoff=_env("TACTFUL_HANDOFF", "background"),
        processing_lease_s=float(_env("TACTFUL_PROCESSING_LEASE_S", "330")),
        retry_backoff_base_s=float(_env("TACTFUL_RETRY_BACKOFF_BASE_S", "2")),
        max_attempts=int(_env("TACTFUL_MAX_ATTEMPTS", "8")),
        admin_token=_env("TACTFUL_ADMIN_TOKEN"),
        metrics_token=_env("TACTFUL_METRICS_TOKEN"),
        redis_key_prefix=_env("TACTFUL_REDIS_KEY_PREFIX"),
        rate_limit_per_minute=int(_env("TACTFUL_RATE_LIMIT_PER_MINUTE", "300")),
        inflight_per_installation=int(_env("TACTFUL_INFLIGHT_PER_INSTALLATION", "8")),
        max_event_age_h=float(_env("TACTFUL_MAX_EVENT_AGE_H", "48")),
        payload_retention_days=int(_env("TACTFUL_PAYLOAD_RETENTION_DAYS", "7")),
        uninstall_grace_days=int(_env("TACTFUL_UNINSTALL_GRACE_DAYS", "7")),
        memory_retention_days=int(_env("TACTFUL_MEMORY_RETENTION_DAYS", "180")),
        alerts_allow_loopback=_flag("TACTFUL_ALERTS_ALLOW_LOOPBACK"),
        intercom_client_id=_env("INTERCOM_CLIENT_ID"),
        intercom_client_secret=_env("INTERCOM_CLIENT_SECRET"),
        intercom_api_base=_env("INTERCOM_API_BASE"),
        zendesk_client_id=_env("ZENDESK_CLIENT_ID"),
        zendesk_client_secret=_env("ZENDESK_CLIENT_SECRET"),
        zendesk_api_base=_env("ZENDESK_API_BASE"),
        zendesk_marketplace={k: v for k, v in {
            "X-Zendesk-Marketplace-Name": _env("ZENDESK_MARKETPLACE_NAME"),
            "X-Zendesk-Marketplace-Organization-Id": _env("ZENDESK_MARKETPLACE_ORG_ID"),
            "X-Zendesk-Marketplace-App-Id": _env("ZENDESK_MARKETPLACE_APP_ID"),
        }.items() if v},
    )
    known = {f.name for f in fields(Settings)}
    unknown = set(overrides) - known
    if unknown:
        raise ConfigError(f"unknown setting override(s): {', '.join(sorted(unknown))}")
    values.update(overrides)
    settings = Settings(**values)
    check_settings(settings)
    return settings


def check_settings(settings: Settings) -> None:
    """Refuse unsafe production settings, naming the variable at fault."""
    if settings.env not in ("development", "production", "test"):
        raise ConfigError(f"TACTFUL_ENV must be development, production or test, "
                          f"not {settings.env!r}")
    if settings.handoff not in ("background", "inline", "relay"):
        raise ConfigError(f"TACTFUL_HANDOFF must be background, inline or relay, not "
                          f"{settings.handoff!r}")
    if settings.inflight_per_installation < 1:
        raise ConfigError("TACTFUL_INFLIGHT_PER_INSTALLATION must be at least 1")
    if settings.max_event_age_h <= 0:
        raise ConfigError("TACTFUL_MAX_EVENT_AGE_H must be a positive number of hours")
    if not settings.production:
        return
    if settings.alerts_allow_loopback:
        raise ConfigError("TACTFUL_ALERTS_ALLOW_LOOPBACK is set: production never sends alerts "
                          "to loopback addresses; unset it")
    if settings.secret_key == DEV_SECRET or not strong_secret(settings.secret_key):
        raise ConfigError("TACTFUL_SECRET_KEY is missing or weak: production needs a random "
                          f"value of at least {MIN_SECRET_CHARS} characters (e.g. "
                          "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`)")
    # The variable itself, not the parsed tuple: an empty list falls back to a key
    # derived from the secret, which is what production must never run on.
    if not [k for k in os.environ.get("TACTFUL_ENCRYPTION_KEYS", "").split(",") if k.strip()]:
        raise ConfigError("TACTFUL_ENCRYPTION_KEYS is missing or empty: production needs at "
                          "least one Fernet key (generate one with `tactful keys generate`)")
    if settings.admin_token and not strong_secret(settings.admin_token):
        raise ConfigError("TACTFUL_ADMIN_TOKEN is weak: use a random value of at least "
                          f"{MIN_SECRET_CHARS} characters, or leave it unset to disable the "
                          "admin API")
    _check_production_services(settings)


def _check_production_services(settings: Settings) -> None:
    if not settings.public_url.startswith("https://"):
        raise ConfigError("TACTFUL_PUBLIC_URL must be an https:// URL in production: "
                          "helpdesks send secrets and OAuth codes to it")
    if settings.database_url.startswith("sqlite"):
        raise ConfigError("DATABASE_URL is SQLite: production needs PostgreSQL "
                          "(postgresql+psycopg://…)")
    if settings.embedded_broker:
        raise ConfigError("CELERY_BROKER_URL (or REDIS_URL) is not set: production needs "
                          "Redis, not the embedded SQLite queue")


MIN_SECRET_CHARS = 32
MIN_SECRET_BITS = 80


def strong_secret(value: str) -> bool:
    """Long enough, not a repetition, and an estimated entropy of at least 80 bits.

    The estimate is the length times the Shannon entropy of the characters used:
    "x" * 40 scores 0 and "abcd" * 8 scores 64, while 32 random hex digits score
    at least about 95 and a token_urlsafe(32) about 190.
    """
    if len(value) < MIN_SECRET_CHARS:
        return False
    if any(value[p:] == value[:-p] for p in range(1, len(value) // 2 + 1)):
        return False   # a shorter string repeated ("abcdefgh" * 4, "0123456789" * 3 + "01")
    counts = [value.count(c) for c in set(value)]
    per_char = -sum(n / len(value) * math.log2(n / len(value)) for n in counts)
    return per_char * len(value) >= MIN_SECRET_BITS


def _read_dotenv() -> None:
    try:
        from dotenv import load_dotenv
    except ImportError:  # pragma: no cover - python-dotenv is a dependency
        return
    load_dotenv(override=False)
