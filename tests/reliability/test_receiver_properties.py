"""Property tests of the receiver: whatever arrives, no 5xx, and nothing unsigned is stored."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from integration.store import installations
from integration.store.models import Event

SECRET = "property-secret"
SIG = "X-Zendesk-Webhook-Signature"
STAMP = "X-Zendesk-Webhook-Signature-Timestamp"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                 max_size=4),
    max_leaves=12)
zendesk_like = st.fixed_dictionaries({
    "type": st.sampled_from(["zen:event-type:ticket.created", "zen:event-type:ticket.comment_added",
                             "zen:event-type:user.created", "other", ""]),
    "id": st.text(max_size=40) | st.integers(),
    "subject": st.text(max_size=30),
    "detail": json_values,
    "event": json_values,
}, optional={"account_id": st.integers() | st.text(max_size=5), "time": st.text(max_size=30),
             "source": st.sampled_from(["tactful-trigger", "x"]), "ticket_id": json_values})
bodies = st.one_of(st.binary(max_size=300),
                   json_values.map(lambda v: json.dumps(v).encode()),
                   zendesk_like.map(lambda v: json.dumps(v).encode()))
header_values = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=60)


def sign(raw: bytes, stamp: str) -> str:
    return base64.b64encode(hmac.new(SECRET.encode(), stamp.encode() + raw,
                                     hashlib.sha256).digest()).decode()


@pytest.fixture
def installation_id(db, keyring):
    with db.session() as session:
        return installations.create(session, keyring, provider="zendesk", account="acme",
                                    api_base="https://acme.zendesk.com", credentials={},
                                    webhook_secret=SECRET).id


def _count(db) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Event))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=bodies, signature=header_values, stamp=header_values,
       content_type=st.sampled_from(["application/json", "text/plain", "",
                                     "application/x-www-form-urlencoded"]))
def test_unsigned_input_never_5xx_and_never_stored(client, db, installation_id, raw, signature,
                                                  stamp, content_type):
    before = _count(db)
    response = client.post(f"/webhooks/zendesk/{installation_id}", data=raw, headers={
        SIG: signature, STAMP: stamp, "Content-Type": content_type})
    assert response.status_code < 500
    assert response.status_code == 401
    assert _count(db) == before


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=bodies)
def test_signed_input_of_any_shape_never_5xx(client, db, installation_id, raw):
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    response = client.post(f"/webhooks/zendesk/{installation_id}", data=raw, headers={
        SIG: sign(raw, stamp), STAMP: stamp, "Content-Type": "application/json"})
    assert response.status_code < 500, response.get_json()
    assert response.status_code in (200, 202, 400, 403)
    assert response.is_json and "error" in response.get_json() or response.status_code < 300
