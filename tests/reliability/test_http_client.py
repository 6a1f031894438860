"""The shared HTTP choke point maps vendor failures onto the error hierarchy."""
from __future__ import annotations

import pytest
import requests
import responses

from connectors.errors import (
    Conflict, HostError, InvalidResponse, NotFound, RateLimited, Unauthorized,
)
from connectors.http import VendorClient, parse_retry_after

BASE = "https://acme.example"


@pytest.fixture
def client():
    return VendorClient(BASE, session=requests.Session(), timeout=(0.5, 0.5))


@pytest.mark.parametrize("status,error", [
    (401, Unauthorized), (403, Unauthorized), (404, NotFound), (409, Conflict),
    (500, HostError), (502, HostError), (503, HostError), (422, InvalidResponse),
])
@responses.activate
def test_status_codes_map_to_errors(client, status, error):
    responses.get(f"{BASE}/x", status=status, json={})
    with pytest.raises(error):
        client.get_json("/x")


@responses.activate
def test_429_carries_retry_after_seconds(client):
    responses.get(f"{BASE}/x", status=429, headers={"Retry-After": "17"})
    with pytest.raises(RateLimited) as caught:
        client.get_json("/x")
    assert caught.value.retry_after == 17


@responses.activate
def test_timeouts_become_host_errors(client):
    responses.get(f"{BASE}/x", body=requests.exceptions.ReadTimeout("slow"))
    with pytest.raises(HostError, match="timed out"):
        client.get_json("/x")


@responses.activate
def test_non_json_body_is_an_invalid_response(client):
    responses.get(f"{BASE}/x", body="<html>oops</html>", status=200)
    with pytest.raises(InvalidResponse):
        client.get_json("/x")


def test_retry_after_accepts_seconds_dates_and_garbage():
    assert parse_retry_after("5") == 5
    assert parse_retry_after(None, default=9) == 9
    assert parse_retry_after("soon", default=9) == 9
    assert 0 <= parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") <= 1


def test_errors_survive_pickling_for_celery():
    import pickle
    error = pickle.loads(pickle.dumps(RateLimited(12.5, "zendesk GET /x -> 429")))
    assert error.retry_after == 12.5 and isinstance(error, RateLimited)
