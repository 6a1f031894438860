"""The Intercom REST client: bearer auth, a pinned API version, regional hosts.

Every call goes through VendorClient.request (timeout, error mapping). Nothing
here retries or sleeps: a 429 becomes RateLimited carrying the seconds until
Intercom's 10-second window resets, and the task retries with that countdown.
"""
from __future__ import annotations

import time
from typing import Any

import requests

from connectors.base import InstallationContext
from connectors.http import DEFAULT_TIMEOUT, VendorClient, api_path, parse_retry_after
from connectors.intercom.schemas import (
    ContactSchema,
    ConversationSchema,
    DataAttributeListSchema,
    MeSchema,
    TagSchema,
)

# Pinned so payload shapes cannot change under us when Intercom moves the app's default.
API_VERSION = "2.16"
# Setting `priority` through the API exists only in the preview ("Unstable") version;
# on a stable version the priority travels as a tag and a conversation attribute.
PRIORITY_WRITABLE_VERSIONS = frozenset({"Unstable"})
REGION_HOSTS = {
    "us": "https://api.intercom.io",
    "eu": "https://api.eu.intercom.io",
    "au": "https://api.au.intercom.io",
}
# A 429 without a usable reset header: the window is 10 s long.
DEFAULT_RESET_WAIT_S = 10.0


def api_base_for(region: str | None) -> str:
    """The API host of a region ("us", "eu", "au"; Intercom's own "Europe"/"Australia" too)."""
    key = (region or "us").strip().lower()[:2]
    if key not in REGION_HOSTS:
        raise ValueError(f"unknown Intercom region {region!r}: use us, eu or au")
    return REGION_HOSTS[key]


# Built once: a schema instance builds its nested schemas on first load, per instance.
_CONVERSATION = ConversationSchema()


class IntercomClient(VendorClient):
    vendor = "intercom"

    def __init__(self, base_url: str, access_token: str, *, version: str = API_VERSION,
                 session: requests.Session | None = None,
                 timeout: float | tuple[float, float] = DEFAULT_TIMEOUT):
        super().__init__(base_url, session=session, timeout=timeout)
        self.access_token = access_token
        self.version = version

    @classmethod
    def for_installation(cls, ctx: InstallationContext, **kwargs) -> IntercomClient:
        version = ctx.settings.get("intercom_version") or API_VERSION
        timeout_s = ctx.settings.get("http_timeout_s")
        if timeout_s:
            kwargs.setdefault("timeout", (3.05, float(timeout_s)))
        return cls(ctx.api_base or REGION_HOSTS["us"],
                   ctx.credentials.get("access_token", ""), version=version, **kwargs)

    @property
    def can_set_priority(self) -> bool:
        return self.version in PRIORITY_WRITABLE_VERSIONS

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}",
                "Intercom-Version": self.version}

    def retry_after_of(self, response: requests.Response) -> float:
        """Intercom sends X-RateLimit-Reset as the epoch second the window reopens."""
        reset = response.headers.get("X-RateLimit-Reset", "").strip()
        if reset.isdigit():
            return max(1.0, int(reset) - time.time())
        return parse_retry_after(response.headers.get("Retry-After"), DEFAULT_RESET_WAIT_S)

    # Reading
    def me(self) -> dict:
        return self.validated(MeSchema(), self.get_json("/me"), "me")

    def conversation(self, conversation_id: str) -> dict:
        data = self.get_json(api_path("/conversations/{}", conversation_id),
                             params={"display_as": "plaintext"})
        return self.validated(_CONVERSATION, data, "conversation")

    def contact(self, contact_id: str) -> dict:
        data = self.get_json(api_path("/contacts/{}", contact_id))
        return self.validated(ContactSchema(), data, "contact")

    def conversation_attributes(self) -> dict[str, dict]:
        """Writable, live conversation data attributes of this workspace, by name."""
        data = self.get_json("/data_attributes", params={"model": "conversation"})
        listed = self.validated(DataAttributeListSchema(), data, "data attributes")["data"]
        return {a["name"]: a for a in listed
                if a.get("api_writable") is not False and not a.get("archived")
                and a.get("model") in (None, "conversation")}

    # Writing
    def tag_named(self, name: str) -> dict:
        """Creates the workspace tag, or returns the existing one (Intercom upserts by name)."""
        data = self.json_of(self.request("POST", "/tags", json={"name": name}))
        return self.validated(TagSchema(), data, "tag")

    def attach_tag(self, conversation_id: str, tag_id: str, admin_id: str) -> None:
        # Additive: attaching one tag never touches the conversation's other tags.
        self.request("POST", api_path("/conversations/{}/tags", conversation_id),
                     json={"id": tag_id, "admin_id": admin_id})

    def reply(self, conversation_id: str, admin_id: str, body_html: str,
              message_type: str = "note") -> dict:
        """An internal note by default; "comment" is a reply the customer sees."""
        body = {"message_type": message_type, "type": "admin", "admin_id": admin_id,
                "body": body_html}
        path = api_path("/conversations/{}/reply", conversation_id)
        return self.json_of(self.request("POST", path, json=body))

    def update_conversation(self, conversation_id: str, changes: dict[str, Any]) -> dict:
        return self.json_of(self.request("PUT", api_path("/conversations/{}", conversation_id),
                                         json=changes))

    def revoke_token(self) -> None:
        """Intercom's uninstall call: the token dies and the app leaves the workspace."""
        self.request("POST", "/auth/uninstall")
