"""The shared HTTP choke point maps vendor failures onto the error hierarchy."""
from __future__ import annotations

import pytest
import requests
import responses

from connectors import http as vendor_http
from connectors.errors import (
    Conflict,
    HostError,
    InvalidResponse,
    NotFound,
    RateLimited,
    Unauthorized,
)
from connectors.http import VendorClient, parse_retry_after, shared_session

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


def test_clients_share_one_connection_pool_per_process():
    first, second = VendorClient("https://a.example"), VendorClient("https://b.example")
    assert first.session is second.session is shared_session()


def test_a_forked_process_builds_its_own_pool(monkeypatch):
    parent = shared_session()
    monkeypatch.setattr(vendor_http.os, "getpid", lambda: -1)
    assert shared_session() is not parent


def test_the_shared_pool_keeps_no_cookies_between_tenants():
    """A cookie one tenant's helpdesk sets must never ride along on another tenant's call."""
    client = VendorClient("https://acme.zendesk.example")
    with responses.RequestsMock() as mock:
        mock.get("https://acme.zendesk.example/one", json={},
                 headers={"Set-Cookie": "sess=tenant-a; Domain=.zendesk.example; Path=/"})
        mock.get("https://other.zendesk.example/two", json={})
        client.get_json("/one")
        VendorClient("https://other.zendesk.example").get_json("/two")
        assert "Cookie" not in mock.calls[1].request.headers
    assert len(client.session.cookies) == 0


def test_proxy_settings_are_honoured_only_when_the_environment_has_them(monkeypatch):
    for name in ("http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/corp/ca.pem")
    session = vendor_http.new_session()
    assert session.trust_env is False                   # no per-call environment scan
    assert session.verify == "/etc/corp/ca.pem"         # but the CA bundle still counts
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    session = vendor_http.new_session()
    assert session.trust_env is True
    assert session.merge_environment_settings("https://acme.zendesk.com/x", {}, None, None,
                                              None)["proxies"]["https"] == \
        "http://proxy.internal:3128"
