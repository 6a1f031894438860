"""Production refuses development secrets, and says which setting is wrong."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from integration.cli import main
from integration.config import ConfigError, load_settings
from integration.store.crypto import Keyring, generate_key

STRONG = "k3V9q-Lr8ZtY2mW_pX7cN4bH1sJ6fD0gA5eUoIiQ"


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setenv("TACTFUL_ENV", "production")
    for name in ("TACTFUL_SECRET_KEY", "TACTFUL_ENCRYPTION_KEYS", "TACTFUL_ADMIN_TOKEN",
                 "DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "TACTFUL_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture
def complete_production(production):
    """Production settings that pass every check; each test then breaks one."""
    production.setenv("TACTFUL_SECRET_KEY", STRONG)
    production.setenv("TACTFUL_ENCRYPTION_KEYS", generate_key())
    production.setenv("DATABASE_URL", "postgresql+psycopg://tactful@db/tactful")
    production.setenv("CELERY_BROKER_URL", "redis://redis:6379/0")
    production.setenv("TACTFUL_PUBLIC_URL", "https://tactful.example.com")
    return production


def test_production_without_secret_key_names_it(production):
    with pytest.raises(ConfigError, match="TACTFUL_SECRET_KEY"):
        load_settings()


def test_production_with_weak_secret_key_names_it(production):
    production.setenv("TACTFUL_SECRET_KEY", "short")
    with pytest.raises(ConfigError, match="TACTFUL_SECRET_KEY"):
        load_settings()


def test_production_without_encryption_keys_names_them(production):
    production.setenv("TACTFUL_SECRET_KEY", STRONG)
    with pytest.raises(ConfigError, match="TACTFUL_ENCRYPTION_KEYS"):
        load_settings()


def test_production_with_proper_settings_starts(complete_production):
    assert load_settings().production


@pytest.mark.parametrize("variable, value", [
    ("TACTFUL_ENCRYPTION_KEYS", ","),                   # no key at all once split
    ("TACTFUL_ENCRYPTION_KEYS", " , ,"),
    ("TACTFUL_SECRET_KEY", "x" * 32),                    # 32 identical characters
    ("TACTFUL_SECRET_KEY", "abcdefgh" * 4),              # a repetition
    ("TACTFUL_SECRET_KEY", "0123456789" * 3 + "01"),     # long, but 10 symbols repeated
    ("TACTFUL_ADMIN_TOKEN", "a"),
    ("TACTFUL_ADMIN_TOKEN", "x" * 40),
    ("TACTFUL_PUBLIC_URL", "http://tactful.example.com"),
    ("DATABASE_URL", "sqlite:////var/lib/tactful/tactful.sqlite"),
    ("CELERY_BROKER_URL", "tactful-sqla+sqlite:////var/lib/tactful/broker.sqlite"),
    ("TACTFUL_ALERTS_ALLOW_LOOPBACK", "1"),              # alerts into our own host
])
def test_production_refuses_each_unsafe_setting_by_name(complete_production, variable, value):
    """Issue 13 finding 11: each of these used to start."""
    complete_production.setenv(variable, value)
    with pytest.raises(ConfigError, match=variable.split("_URL")[0] if variable ==
                       "CELERY_BROKER_URL" else variable):
        load_settings()


def test_alerts_allow_loopback_is_off_unless_set_and_must_be_a_flag(monkeypatch):
    monkeypatch.delenv("TACTFUL_ALERTS_ALLOW_LOOPBACK", raising=False)
    assert load_settings().alerts_allow_loopback is False
    monkeypatch.setenv("TACTFUL_ALERTS_ALLOW_LOOPBACK", "yes")
    assert load_settings().alerts_allow_loopback is True
    monkeypatch.setenv("TACTFUL_ALERTS_ALLOW_LOOPBACK", "maybe")
    with pytest.raises(ConfigError, match="TACTFUL_ALERTS_ALLOW_LOOPBACK"):
        load_settings()


def test_production_without_a_broker_names_it(complete_production):
    complete_production.delenv("CELERY_BROKER_URL")
    with pytest.raises(ConfigError, match="CELERY_BROKER_URL"):
        load_settings()


def test_a_strong_admin_token_is_accepted(complete_production):
    complete_production.setenv("TACTFUL_ADMIN_TOKEN", "Zq7-Xv2_Lp9Rt4Wm8Ny3Kb6Hc1Jd5Gf0")
    assert load_settings().admin_token


def test_cli_start_up_fails_with_the_setting_named(production):
    result = CliRunner().invoke(main, ["worker"])
    assert result.exit_code != 0
    assert "TACTFUL_SECRET_KEY" in result.output


def test_development_defaults_need_nothing(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.setenv("TACTFUL_DATA_DIR", str(tmp_path))
    settings = load_settings()
    assert settings.database_url.startswith("sqlite:///")
    assert settings.embedded_broker


def test_keyring_rotation_keeps_old_ciphertext_readable():
    old, new = generate_key(), generate_key()
    token = Keyring([old]).encrypt_json({"api_token": "t"})
    rotated_ring = Keyring([new, old])
    assert rotated_ring.decrypt_json(token) == {"api_token": "t"}
    rotated = rotated_ring.rotate(token)
    assert Keyring([new]).decrypt_json(rotated) == {"api_token": "t"}
    with pytest.raises(ValueError):
        Keyring([new]).decrypt_json(token)


def test_invalid_fernet_key_is_reported_by_name():
    with pytest.raises(ValueError, match="TACTFUL_ENCRYPTION_KEYS"):
        Keyring(["not-a-key"])
