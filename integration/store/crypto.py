"""Encryption at rest for tokens and webhook secrets (Fernet, rotatable keys).

Keys come from TACTFUL_ENCRYPTION_KEYS, newest first. Every key decrypts; only
the newest encrypts, so adding a key in front and running `tactful keys rotate`
moves every row to it.
"""
from __future__ import annotations

import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class Keyring:
    def __init__(self, keys: tuple[str, ...] | list[str]):
        if not keys:
            raise ValueError("at least one encryption key is required")
        try:
            self._fernet = MultiFernet([Fernet(k.encode()) for k in keys])
        except (ValueError, TypeError) as exc:
            raise ValueError("TACTFUL_ENCRYPTION_KEYS holds a key that is not a valid "
                             "Fernet key (32 url-safe base64 bytes)") from exc

    def encrypt_json(self, value) -> str:
        return self._fernet.encrypt(json.dumps(value, sort_keys=True).encode()).decode()

    def decrypt_json(self, token: str):
        try:
            return json.loads(self._fernet.decrypt(token.encode()))
        except InvalidToken as exc:
            raise ValueError("stored secret cannot be decrypted with the configured keys") from exc

    def rotate(self, token: str) -> str:
        """Re-encrypt a token under the newest key."""
        return self._fernet.rotate(token.encode()).decode()


def generate_key() -> str:
    return Fernet.generate_key().decode()
