"""Both inbound modes verify in constant time against every active secret, or raise 401."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from connectors.errors import SignatureError
from connectors.freshdesk import CONNECTOR
from connectors.freshdesk.webhook import SECRET_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER
from tests.connectors.freshdesk import samples

NOW = datetime(2026, 1, 12, 10, 3, tzinfo=UTC)
STAMP = int(NOW.timestamp())


def _body() -> bytes:
    return samples.raw(samples.webhook("app_conversation_created"))


@pytest.mark.parametrize("secret", [samples.SECRET, samples.OLD_SECRET])
def test_rule_secret_header_current_or_previous_secret_passes(secret):
    CONNECTOR.verify(samples.shared_secret_headers(secret), b"{}", samples.context(), NOW)


@pytest.mark.parametrize("headers, reason", [
    ({SECRET_HEADER: "wrong"}, "does not match"),
    ({SECRET_HEADER: samples.SECRET + "x"}, "does not match"),
    ({}, "missing"),
    ({SECRET_HEADER: ""}, "missing"),
])
def test_rule_secret_header_wrong_or_missing_is_rejected(headers, reason):
    with pytest.raises(SignatureError, match=reason) as info:
        CONNECTOR.verify(headers, b"{}", samples.context(), NOW)
    assert info.value.status == 401


@pytest.mark.parametrize("secret", [samples.SECRET, samples.OLD_SECRET])
def test_app_signature_current_or_previous_secret_passes(secret):
    body = _body()
    CONNECTOR.verify(samples.signed_headers(body, secret, STAMP), body, samples.context(), NOW)


def test_app_signature_over_other_bytes_is_rejected():
    body = _body()
    headers = samples.signed_headers(body, timestamp=STAMP)
    with pytest.raises(SignatureError, match="does not match"):
        CONNECTOR.verify(headers, body + b"\n", samples.context(), NOW)


def test_app_signature_with_an_unknown_secret_is_rejected():
    body = _body()
    with pytest.raises(SignatureError, match="does not match"):
        CONNECTOR.verify(samples.signed_headers(body, "not-ours", STAMP), body,
                         samples.context(), NOW)


def test_app_signature_sha256_prefix_is_accepted():
    body = _body()
    headers = samples.signed_headers(body, timestamp=STAMP)
    headers[SIGNATURE_HEADER] = "sha256=" + headers[SIGNATURE_HEADER]
    CONNECTOR.verify(headers, body, samples.context(), NOW)


@pytest.mark.parametrize("offset", [timedelta(minutes=-6), timedelta(minutes=6)])
def test_app_signature_outside_five_minutes_is_rejected(offset):
    body = _body()
    headers = samples.signed_headers(body, timestamp=int((NOW + offset).timestamp()))
    with pytest.raises(SignatureError, match="outside the accepted window"):
        CONNECTOR.verify(headers, body, samples.context(), NOW)


def test_app_signature_within_five_minutes_passes():
    body = _body()
    headers = samples.signed_headers(body, timestamp=STAMP - 290)
    CONNECTOR.verify(headers, body, samples.context(), NOW)


def test_app_timestamp_must_be_unix_seconds():
    body = _body()
    stamp = NOW.isoformat()
    headers = samples.signed_headers(body, timestamp=STAMP)
    headers[TIMESTAMP_HEADER] = stamp
    headers[SIGNATURE_HEADER] = samples.signature_of(samples.SECRET, stamp, body)
    with pytest.raises(SignatureError, match="unix seconds"):
        CONNECTOR.verify(headers, body, samples.context(), NOW)


def test_signature_without_timestamp_is_rejected_even_with_the_shared_secret():
    body = _body()
    headers = {SIGNATURE_HEADER: "abc", SECRET_HEADER: samples.SECRET}
    with pytest.raises(SignatureError, match="both"):
        CONNECTOR.verify(headers, body, samples.context(), NOW)


def test_installation_without_secrets_rejects_everything():
    with pytest.raises(SignatureError, match="no webhook secret"):
        CONNECTOR.verify(samples.shared_secret_headers(), b"{}",
                         samples.context(webhook_secrets=[]), NOW)
