"""GET /me after a token, regional discovery, revocation, and the loop guard."""
from __future__ import annotations

import pytest
import responses
from responses import matchers

from connectors.base import InstallationContext, Ticket, TicketEvent
from connectors.errors import Unauthorized
from connectors.intercom import CONNECTOR, OAUTH, oauth
from connectors.intercom.client import REGION_HOSTS
from tests.connectors.intercom.payloads import ADMIN_ID, API, WORKSPACE, api


@responses.activate
def test_a_token_is_tried_region_by_region_until_me_answers():
    responses.get(f"{REGION_HOSTS['us']}/me", json=api("error_unauthorized"), status=401)
    responses.get(f"{REGION_HOSTS['eu']}/me", json=api("me"),
                  match=[matchers.header_matcher({"Authorization": "Bearer tok-eu"})])
    found = oauth.installation_from_token("tok-eu")
    assert found["account"] == WORKSPACE
    assert found["api_base"] == REGION_HOSTS["eu"]
    assert found["credentials"] == {"access_token": "tok-eu", "actor_id": ADMIN_ID}
    assert [c.request.url for c in responses.calls] == [f"{REGION_HOSTS['us']}/me",
                                                        f"{REGION_HOSTS['eu']}/me"]


@responses.activate
def test_a_token_no_region_accepts_is_unauthorized():
    for host in REGION_HOSTS.values():
        responses.get(f"{host}/me", status=401)
    with pytest.raises(Unauthorized):
        oauth.installation_from_token("tok-x")


@responses.activate
def test_an_explicit_api_base_is_the_only_host_asked():
    responses.get("http://127.0.0.1:9/me", json=api("me"))
    found = oauth.installation_from_token("tok", api_base="http://127.0.0.1:9")
    assert found["api_base"] == "http://127.0.0.1:9"
    assert len(responses.calls) == 1


@responses.activate
def test_revoke_posts_to_auth_uninstall_with_the_token():
    responses.post(f"{API}/auth/uninstall", body="",
                   match=[matchers.header_matcher({"Authorization": "Bearer tok-1"})])
    CONNECTOR.revoke(_ctx())
    assert len(responses.calls) == 1


def test_oauth_descriptor_names_intercoms_endpoints():
    assert OAUTH.authorize_url == "https://app.intercom.com/oauth"
    assert OAUTH.token_url.format(base=OAUTH.api_base) == \
        "https://api.intercom.io/auth/eagle/token"
    assert OAUTH.account_param is None and OAUTH.scopes == () and not OAUTH.pkce
    assert oauth.install_success_url() == \
        "https://app.intercom.com/appstore/redirect?install_success=true"
    assert "error_message=no+access" in oauth.install_error_url("no access")
    assert not hasattr(CONNECTOR, "refresh_credentials")   # Intercom tokens do not expire


@pytest.mark.parametrize("actor,via,author,own", [
    (ADMIN_ID, "admin", "6657", True),     # a part by our own admin
    ("8888", "bot", "6657", True),         # Fin
    ("77", "admin", "6657", True),         # any teammate: not a customer message
    ("6657", "user", ADMIN_ID, True),      # the fresh read shows our admin last
    ("6657", "user", "6657", False),       # a customer's words
    (None, None, "6657", False),           # stale: only the fresh read decides
])
def test_the_loop_guard(actor, via, author, own):
    event = TicketEvent(provider_event_id="n", ticket_id="1", kind="replied",
                        actor_id=actor, via=via)
    ticket = Ticket(id="1", subject="", latest_message="hi", latest_message_id="p",
                    latest_message_author_id=author, requester_name=None, tags=(),
                    priority=None, version="1")
    assert CONNECTOR.is_own_change(_ctx(), event, ticket) is own


def _ctx() -> InstallationContext:
    return InstallationContext(id="in_1", provider="intercom", account=WORKSPACE, api_base=API,
                               credentials={"access_token": "tok-1", "actor_id": ADMIN_ID},
                               webhook_secrets=[])
