"""Production refuses development secrets, and says which setting is wrong."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from integration.cli import main
from integration.config import ConfigError, load_settings
from integration.store.crypto import Keyring, generate_key

STRONG = "x" * 40


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setenv("TACTFUL_ENV", "production")
    monkeypatch.delenv("TACTFUL_SECRET_KEY", raising=False)
    monkeypatch.delenv("TACTFUL_ENCRYPTION_KEYS", raising=False)
    return monkeypatch


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


def test_production_with_proper_secrets_starts(production):
    production.setenv("TACTFUL_SECRET_KEY", STRONG)
    production.setenv("TACTFUL_ENCRYPTION_KEYS", generate_key())
    assert load_settings().production


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
