"""Refreshing an OAuth token: the request Zendesk expects, and invalid_grant means re-auth."""
from __future__ import annotations

import json

import pytest
import responses

from connectors.errors import HostError, Unauthorized
from connectors.zendesk import CONNECTOR

TOKEN_URL = "https://acme.zendesk.com/oauth/tokens"


@pytest.fixture
def oauth_ctx(ctx, monkeypatch):
    monkeypatch.setenv("ZENDESK_CLIENT_SECRET", "client-secret")
    ctx.credentials = {"access_token": "old-at", "refresh_token": "old-rt",
                       "client_id": "zdg-tactful", "actor_id": "27810044119"}
    return ctx


def test_refresh_posts_the_refresh_grant_and_keeps_the_actor(oauth_ctx, api_fixture):
    with responses.RequestsMock() as mock:
        mock.post(TOKEN_URL, json=api_fixture("oauth_token_refreshed"))
        fresh = CONNECTOR.refresh_credentials(oauth_ctx)
        sent = json.loads(mock.calls[0].request.body)
    assert sent == {"grant_type": "refresh_token", "refresh_token": "old-rt",
                    "client_id": "zdg-tactful", "client_secret": "client-secret"}
    assert fresh["access_token"] == "new-access-token-2"
    assert fresh["refresh_token"] == "new-refresh-token-2"     # rotated: store the new one
    assert fresh["actor_id"] == "27810044119" and fresh["expires_at"] > 0


def test_invalid_grant_is_unauthorized(oauth_ctx, api_fixture):
    with responses.RequestsMock() as mock:
        mock.post(TOKEN_URL, status=400, json=api_fixture("oauth_error_invalid_grant"))
        with pytest.raises(Unauthorized):
            CONNECTOR.refresh_credentials(oauth_ctx)


def test_token_endpoint_down_is_retryable(oauth_ctx):
    with responses.RequestsMock() as mock:
        mock.post(TOKEN_URL, status=502, body="bad gateway")
        with pytest.raises(HostError):
            CONNECTOR.refresh_credentials(oauth_ctx)


def test_no_refresh_token_makes_no_call(ctx):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        with pytest.raises(Unauthorized):
            CONNECTOR.refresh_credentials(ctx)
        assert len(mock.calls) == 0
