"""The Zendesk API client: auth, marketplace headers, and the calls Tactful makes.

Every call goes through VendorClient.request (timeout, error mapping,
Retry-After). Nothing here retries or sleeps: the task decides.
"""
from __future__ import annotations

import base64
from typing import Any

import requests

from connectors.base import InstallationContext
from connectors.errors import InvalidResponse
from connectors.http import DEFAULT_TIMEOUT, VendorClient, api_path
from connectors.zendesk.schemas import CommentsResponseSchema, TicketResponseSchema

MARKETPLACE_HEADERS = ("X-Zendesk-Marketplace-Name", "X-Zendesk-Marketplace-Organization-Id",
                       "X-Zendesk-Marketplace-App-Id")
RECENT_COMMENTS = 100   # one page: the newest comments are all we read


def marketplace_headers(ctx: InstallationContext) -> dict[str, str]:
    """Zendesk requires these on every call from a Marketplace app, when we are one."""
    configured = {**(ctx.credentials.get("marketplace") or {}),
                  **(ctx.settings.get("marketplace") or {})}
    return {name: str(configured[name]) for name in MARKETPLACE_HEADERS if configured.get(name)}


# Built once: a schema instance builds its nested schemas on first load, per instance.
_TICKET, _COMMENTS = TicketResponseSchema(), CommentsResponseSchema()


class ZendeskClient(VendorClient):
    vendor = "zendesk"

    def __init__(self, ctx: InstallationContext, *, session: requests.Session | None = None,
                 timeout: float | tuple[float, float] | None = None):
        timeout_s = ctx.settings.get("http_timeout_s")
        super().__init__(ctx.api_base, session=session,
                         timeout=timeout or ((3.05, float(timeout_s)) if timeout_s
                                             else DEFAULT_TIMEOUT),
                         headers=marketplace_headers(ctx))
        self.credentials = ctx.credentials

    def auth_headers(self) -> dict[str, str]:
        creds = self.credentials
        if creds.get("access_token"):
            return {"Authorization": f"Bearer {creds['access_token']}"}
        if creds.get("email") and creds.get("api_token"):
            pair = f"{creds['email']}/token:{creds['api_token']}".encode()
            return {"Authorization": "Basic " + base64.b64encode(pair).decode()}
        return {}

    # Reading
    def me(self) -> dict:
        return self._object(self.get_json("/api/v2/users/me.json"), "user")

    def ticket(self, ticket_id: str) -> dict:
        data = self.get_json(api_path("/api/v2/tickets/{}.json", ticket_id),
                             params={"include": "users"})
        return self.validated(_TICKET, data, "ticket")

    def recent_comments(self, ticket_id: str) -> dict:
        data = self.get_json(api_path("/api/v2/tickets/{}/comments.json", ticket_id), params={
            "include": "users", "sort": "-created_at", "page[size]": RECENT_COMMENTS})
        return self.validated(_COMMENTS, data, "comments")

    # Writing
    def update_ticket(self, ticket_id: str, changes: dict[str, Any], updated_stamp: str) -> dict:
        body = {"ticket": {**changes, "safe_update": True, "updated_stamp": updated_stamp}}
        data = self.json_of(self.request("PUT", api_path("/api/v2/tickets/{}.json", ticket_id),
                                                 json=body))
        return self._object(data, "ticket")

    def add_tags(self, ticket_id: str, tags: list[str], updated_stamp: str) -> list[str]:
        """Adds to the ticket's tags (PUT on /tags is additive; PUT on the ticket replaces)."""
        body = {"tags": tags, "safe_update": "true", "updated_stamp": updated_stamp}
        data = self.json_of(self.request("PUT", api_path("/api/v2/tickets/{}/tags.json", ticket_id),
                                         json=body))
        return list(data.get("tags") or [])

    def create(self, path: str, key: str, payload: dict) -> dict:
        data = self.json_of(self.request("POST", path, json={key: payload}))
        return self._object(data, key)

    def replace(self, path: str, key: str, payload: dict) -> dict:
        data = self.json_of(self.request("PUT", path, json={key: payload}))
        return self._object(data, key)

    def delete(self, path: str) -> None:
        self.request("DELETE", path)

    def list_of(self, path: str, key: str, params: dict | None = None) -> list[dict]:
        data = self.get_json(path, params=params)
        items = data.get(key) if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise InvalidResponse(f"zendesk GET {path}: no {key!r} list in the answer")
        return items

    @staticmethod
    def _object(data: Any, key: str) -> dict:
        value = data.get(key) if isinstance(data, dict) else None
        if not isinstance(value, dict):
            raise InvalidResponse(f"zendesk answer has no {key!r} object")
        return value
