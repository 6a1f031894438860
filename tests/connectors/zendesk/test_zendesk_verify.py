"""Signature verification: HMAC over timestamp + exact raw bytes, fresh timestamps only."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from connectors.errors import SignatureError
from connectors.zendesk import webhook

NOW = datetime(2026, 11, 27, 10, 0, 0, tzinfo=UTC)
STAMP = "2026-11-27T10:00:00Z"
BODY = b'{"source": "tactful-trigger", "event": "created", "ticket_id": "1"}\n'


def headers(signature: str, timestamp: str = STAMP) -> dict:
    return {webhook.SIGNATURE_HEADER: signature, webhook.TIMESTAMP_HEADER: timestamp}


def test_current_secret_is_accepted(ctx, sign):
    webhook.verify(headers(sign("current-secret", STAMP, BODY)), BODY, ctx, NOW)


def test_previous_secret_is_accepted_during_rotation(ctx, sign):
    webhook.verify(headers(sign("previous-secret", STAMP, BODY)), BODY, ctx, NOW)


@pytest.mark.parametrize("signature", ["", "bm90IGEgc2lnbmF0dXJl", "garbage"])
def test_wrong_or_missing_signature_is_rejected(ctx, signature):
    with pytest.raises(SignatureError):
        webhook.verify(headers(signature), BODY, ctx, NOW)


def test_missing_timestamp_is_rejected(ctx, sign):
    with pytest.raises(SignatureError, match="missing"):
        webhook.verify({webhook.SIGNATURE_HEADER: sign("current-secret", STAMP, BODY)},
                       BODY, ctx, NOW)


def test_signature_covers_the_exact_bytes(ctx, sign):
    """Dropping the trailing newline (as a re-serialiser would) breaks the signature."""
    with pytest.raises(SignatureError):
        webhook.verify(headers(sign("current-secret", STAMP, BODY)), BODY.rstrip(b"\n"),
                       ctx, NOW)


def test_signature_covers_the_timestamp(ctx, sign):
    later = "2026-11-27T10:00:01Z"
    with pytest.raises(SignatureError):
        webhook.verify(headers(sign("current-secret", STAMP, BODY), later), BODY, ctx, NOW)


@pytest.mark.parametrize("offset", [timedelta(minutes=-6), timedelta(minutes=6)])
def test_timestamps_more_than_five_minutes_off_are_rejected(ctx, sign, offset):
    stamp = (NOW + offset).strftime("%Y-%m-%dT%H:%M:%SZ")
    with pytest.raises(SignatureError, match="window"):
        webhook.verify(headers(sign("current-secret", stamp, BODY), stamp), BODY, ctx, NOW)


def test_timestamps_within_five_minutes_are_accepted(ctx, sign):
    stamp = (NOW - timedelta(minutes=4, seconds=59)).strftime("%Y-%m-%dT%H:%M:%SZ")
    webhook.verify(headers(sign("current-secret", stamp, BODY), stamp), BODY, ctx, NOW)


def test_non_iso_timestamp_is_rejected_even_if_signed(ctx, sign):
    with pytest.raises(SignatureError, match="ISO-8601"):
        webhook.verify(headers(sign("current-secret", "1234", BODY), "1234"), BODY, ctx, NOW)


def test_secret_string_is_used_as_is_never_base64_decoded(sign):
    """Zendesk's static test secret looks like base64; decoding it gives a wrong key."""
    secret = "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ=="
    expected = sign(secret, "1234", b"{}")
    webhook.check_signature(expected, "1234", b"{}", [secret])
    decoded_key_signature = sign("this_secret_is_for_testing_only", "1234", b"{}")
    with pytest.raises(SignatureError):
        webhook.check_signature(decoded_key_signature, "1234", b"{}", [secret])


def test_installation_without_secrets_rejects_everything(ctx, sign):
    ctx.webhook_secrets = []
    with pytest.raises(SignatureError, match="no signing secret"):
        webhook.verify(headers(sign("current-secret", STAMP, BODY)), BODY, ctx, NOW)
