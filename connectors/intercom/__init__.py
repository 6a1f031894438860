"""Intercom: app-level signed notifications, conversations, tags, notes and attributes.

The module's fixed facts (topics, permissions, OAuth endpoints) are constants
here, so the Developer Hub description in manifest/intercom/ is checked
against them by a test and the two cannot drift.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

from connectors.base import (
    ApplyResult,
    Enrichment,
    InstallationContext,
    KnowledgeItem,
    SolvedFacts,
    Ticket,
    TicketEvent,
    TicketPage,
)
from connectors.errors import SignatureError
from connectors.intercom import knowledge, listing, oauth, solved, tickets, webhook
from connectors.intercom.client import API_VERSION, IntercomClient
from connectors.intercom.oauth import OAUTH

# Notification topics we subscribe to (besides `ping`, which Intercom always sends).
TOPICS: tuple[str, ...] = tuple(webhook.ACTED_ON)
# Developer Hub permissions (the checkbox labels), each needed by a call below; the
# Developer Hub description in manifest/intercom/ lists exactly these, in this order.
PERMISSIONS: tuple[str, ...] = (
    "Read admins",                        # GET /me: workspace and our admin; GET /teams
    "Read conversations",                 # read a conversation, search them; the two topics
    "Write conversations",                # notes, tags, attributes, team assignment
    "Read tags",
    "Write tags",                         # POST /tags
    "Read and list users and companies",  # GET /contacts/{id}: the requester's name
    "Read data attributes",               # which conversation attributes exist
    "Read and List articles",             # GET /articles: recommendations
)
# Every call the connector makes ("{}" is one path segment) and the permissions it needs.
# Intercom's review refuses an app that asks for more than its calls use, and a call
# without its permission is refused: tests/manifest checks both against a real sweep.
CALLS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("GET", "/me", ("Read admins",)),
    ("GET", "/conversations/{}", ("Read conversations", "Read tags")),   # and its tags
    ("POST", "/conversations/search", ("Read conversations",)),   # backfill, learned routing
    ("GET", "/contacts/{}", ("Read and list users and companies",)),
    ("GET", "/data_attributes", ("Read data attributes",)),
    ("POST", "/tags", ("Write tags",)),
    ("POST", "/conversations/{}/tags", ("Write conversations",)),
    ("POST", "/conversations/{}/reply", ("Write conversations",)),
    ("PUT", "/conversations/{}", ("Write conversations",)),
    ("POST", "/conversations/{}/parts", ("Write conversations",)),   # assign a team
    ("GET", "/articles", ("Read and List articles",)),
    # Teams are groups of admins: Intercom lists no separate permission for reading them.
    ("GET", "/teams", ("Read admins",)),
    ("POST", "/auth/uninstall", ()),       # a token may always end its own installation
)

class IntercomConnector:
    key: ClassVar[str] = "intercom"
    app_level_webhooks: ClassVar[bool] = True
    # Intercom counts only 200 as delivered (anything else is resent, then paused).
    accepted_status: ClassVar[int] = 200
    api_version: ClassVar[str] = API_VERSION
    # Solved and closed are one state (closed): learned routing lists it once.
    solved_statuses: ClassVar[tuple[str, ...]] = ("solved",)

    def verify_app(self, headers: Mapping[str, str], raw_body: bytes, settings) -> None:
        webhook.verify_signature(headers, raw_body,
                                 getattr(settings, "intercom_client_secret", "") or "")

    def verify(self, headers: Mapping[str, str], raw_body: bytes,
               installation: InstallationContext | None, now: datetime) -> None:
        # Notifications are signed per app, not per installation: see verify_app.
        raise SignatureError("Intercom notifications are verified at /webhooks/intercom")

    def account_of(self, payload: dict) -> str | None:
        return webhook.account_of(payload)

    def parse_event(self, payload: dict) -> TicketEvent | None:
        return webhook.parse_event(payload)

    def fetch_ticket(self, installation: InstallationContext, ticket_id: str) -> Ticket:
        return tickets.fetch_conversation(IntercomClient.for_installation(installation), ticket_id)

    def apply(self, installation: InstallationContext, ticket: Ticket,
              enrichment: Enrichment) -> ApplyResult:
        client = IntercomClient.for_installation(installation)
        return tickets.apply_enrichment(client, installation, ticket, enrichment)

    def list_knowledge(self, installation: InstallationContext) -> list[KnowledgeItem]:
        """Published Help Center articles, for recommendations."""
        return knowledge.list_knowledge(IntercomClient.for_installation(installation))

    def assign_group(self, installation: InstallationContext, ticket_id: str,
                     group: str) -> str:
        """Assign the conversation to a team unless it already has one."""
        return knowledge.assign_group(IntercomClient.for_installation(installation),
                                      str(installation.credentials.get("actor_id") or ""),
                                      ticket_id, group)

    def is_own_change(self, installation: InstallationContext, event: TicketEvent,
                      ticket: Ticket | None) -> bool:
        """Our admin's parts, and admin/bot/Fin parts, are never a customer's message."""
        ours = installation.integration_actor_ids()
        if event.actor_id and event.actor_id in ours:
            return True
        if event.via in ("admin", "bot", "team"):
            return True
        return bool(ticket and ticket.latest_message_author_id in ours)

    def list_tickets(self, installation: InstallationContext, since: datetime,
                     status: str | None, cursor: Any = None) -> TicketPage:
        """One page of the tickets updated since `since` (backfill); see listing.py."""
        return listing.list_for(installation, since, status, cursor)

    def solved_facts(self, installation: InstallationContext, ticket_id: str) -> SolvedFacts:
        """Team, times and reopenings of a closed conversation (learned routing)."""
        return solved.solved_facts(IntercomClient.for_installation(installation), ticket_id)

    def revoke(self, installation: InstallationContext) -> None:
        oauth.revoke(installation)

    def installation_from_token(self, access_token: str, **kwargs) -> dict[str, Any]:
        return oauth.installation_from_token(access_token, **kwargs)


CONNECTOR = IntercomConnector()

__all__ = ["CALLS", "CONNECTOR", "OAUTH", "PERMISSIONS", "TOPICS", "IntercomConnector"]
