"""Freshdesk API v2 over HTTP Basic (the API key as user name, "X" as password).

One method per endpoint we use; status mapping, timeouts and Retry-After live in
VendorClient. Freshdesk's limit is per account per minute and shared with every
other app and agent, so we also stop *before* spending the last few calls.
"""
from __future__ import annotations

import base64
import re
import time
from typing import Any

import requests

from connectors.base import InstallationContext
from connectors.errors import InvalidResponse, RateLimited
from connectors.freshdesk.schemas import (
    ApiAgentSchema,
    ApiConversationSchema,
    ApiTicketSchema,
    load,
)
from connectors.http import DEFAULT_TIMEOUT, VendorClient, api_path

API = "/api/v2"
PER_PAGE = 100
MAX_PAGES = 50                  # 5,000 conversations: beyond that something is wrong
RATE_RESERVE = 2                # leave the account this many calls in the current minute
_NEXT_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')


# Built once: a schema instance builds its nested schemas on first load, per instance.
_TICKET, _CONVERSATIONS = ApiTicketSchema(), ApiConversationSchema(many=True)


class FreshdeskClient(VendorClient):
    vendor = "freshdesk"

    def __init__(self, ctx: InstallationContext, *, session: requests.Session | None = None,
                 timeout: float | tuple[float, float] | None = None):
        timeout_s = ctx.settings.get("http_timeout_s")
        super().__init__(ctx.api_base, session=session,
                         timeout=timeout or ((3.05, float(timeout_s)) if timeout_s
                                             else DEFAULT_TIMEOUT))
        api_key = ctx.credentials.get("api_key") or ""
        self._basic = base64.b64encode(f"{api_key}:X".encode()).decode()

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Basic {self._basic}"}

    # -- reading ----------------------------------------------------------------

    def me(self) -> dict:
        return load(ApiAgentSchema(), self.get_json(f"{API}/agents/me"), InvalidResponse,
                    "freshdesk agents/me")

    def roles(self) -> list[dict]:
        """The account's roles (id, name, default); Freshdesk shows them to admins only."""
        data = self.get_json(f"{API}/roles", params={"per_page": PER_PAGE})
        if not isinstance(data, list):
            raise InvalidResponse("freshdesk GET roles: expected a list")
        return [role for role in data if isinstance(role, dict)]

    def ticket(self, ticket_id: str) -> dict:
        data = self.get_json(api_path(API + "/tickets/{}", ticket_id),
                             params={"include": "requester"})
        return load(_TICKET, data, InvalidResponse, "freshdesk ticket")

    def conversations(self, ticket_id: str) -> list[dict]:
        """Every conversation, oldest first, following the Link header page by page."""
        url: str | None = api_path(API + "/tickets/{}/conversations", ticket_id)
        params: dict | None = {"per_page": PER_PAGE, "page": 1}
        found: list[dict] = []
        for _ in range(MAX_PAGES):
            response = self.request("GET", url, params=params)
            page = self.json_of(response)
            if not isinstance(page, list):
                raise InvalidResponse("freshdesk conversations: expected a list")
            found += load(_CONVERSATIONS, page, InvalidResponse,
                          "freshdesk conversations")
            url, params = self._next_page(response), None
            if url is None:
                return found
        raise InvalidResponse(f"freshdesk conversations: more than {MAX_PAGES} pages")

    # -- writing ----------------------------------------------------------------

    def update_ticket(self, ticket_id: str, changes: dict[str, Any]) -> dict:
        return self.json_of(self.request("PUT", api_path(API + "/tickets/{}", ticket_id),
                                         json=changes))

    def add_private_note(self, ticket_id: str, html: str) -> dict:
        return self.json_of(self.request("POST", api_path(API + "/tickets/{}/notes", ticket_id),
                                         json={"body": html, "private": True}))

    def reply(self, ticket_id: str, html: str) -> dict:
        return self.json_of(self.request("POST", api_path(API + "/tickets/{}/reply", ticket_id),
                                         json={"body": html}))

    # -- admin (provisioning) ---------------------------------------------------

    def list_of(self, path: str) -> list[dict]:
        """One page of an admin listing (rules, ticket fields): a bare JSON array."""
        data = self.get_json(path, params={"per_page": PER_PAGE})
        if not isinstance(data, list):
            raise InvalidResponse(f"freshdesk GET {path}: expected a list")
        return [item for item in data if isinstance(item, dict)]

    def create_automation_rule(self, automation_type: int, rule: dict) -> dict:
        return self.json_of(self.request("POST", api_path(API + "/automations/{}/rules",
                                                                  automation_type),
                                         json=rule))

    def delete_automation_rule(self, automation_type: int, rule_id: str) -> None:
        self.request("DELETE", api_path(API + "/automations/{}/rules/{}", automation_type,
                                               rule_id))

    def update_automation_rule(self, automation_type: int, rule_id: str, rule: dict) -> dict:
        return self.json_of(self.request(
            "PUT", api_path(API + "/automations/{}/rules/{}", automation_type, rule_id),
            json=rule))

    def create_ticket_field(self, field: dict) -> dict:
        return self.json_of(self.request("POST", f"{API}/admin/ticket_fields", json=field))

    # -- rate limit ---------------------------------------------------------------

    def ensure_budget(self, calls: int) -> None:
        """Raise RateLimited if the account has fewer than `calls` left this minute.

        Freshdesk counts every app and agent against one per-minute budget: writing
        half an enrichment and then meeting a 429 would hold the ticket lock longer
        and waste the account's calls, so we wait for the next window instead.
        """
        remaining = self.last_rate_remaining
        if remaining is not None and remaining < calls + RATE_RESERVE:
            raise RateLimited(max(1.0, 60.0 - time.time() % 60.0),
                              f"freshdesk account has {remaining} calls left this minute")


    def _next_page(self, response: requests.Response) -> str | None:
        match = _NEXT_LINK.search(response.headers.get("Link", ""))
        if match is None:
            return None
        url = match.group(1)
        # The next link carries our API key along: only ever to the account's own host.
        if not url.startswith(f"{self.base_url}/"):
            raise InvalidResponse("freshdesk conversations: next page is on another host")
        return url
