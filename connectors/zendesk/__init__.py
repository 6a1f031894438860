"""Zendesk: signed webhooks in, enriched tickets out (see connectors/base.py for the interface)."""
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
from connectors.zendesk import knowledge, listing, oauth, provision, solved, tickets, webhook
from connectors.zendesk.client import ZendeskClient
from connectors.zendesk.oauth import OAUTH


class ZendeskConnector:
    key: ClassVar[str] = "zendesk"
    app_level_webhooks: ClassVar[bool] = False

    def verify(self, headers: Mapping[str, str], raw_body: bytes,
               installation: InstallationContext | None, now: datetime) -> None:
        webhook.verify(headers, raw_body, installation, now)

    def parse_event(self, payload: dict) -> TicketEvent | None:
        return webhook.parse_event(payload)

    def fetch_ticket(self, installation: InstallationContext, ticket_id: str) -> Ticket:
        return tickets.fetch_ticket(ZendeskClient(installation), installation, ticket_id)

    def apply(self, installation: InstallationContext, ticket: Ticket,
              enrichment: Enrichment) -> ApplyResult:
        return tickets.apply(ZendeskClient(installation), installation, ticket, enrichment)

    def is_own_change(self, installation: InstallationContext, event: TicketEvent,
                      ticket: Ticket | None) -> bool:
        return tickets.is_own_change(installation, event.actor_id, ticket)

    def list_tickets(self, installation: InstallationContext, since: datetime,
                     status: str | None, cursor: Any = None) -> TicketPage:
        """One page of the tickets updated since `since` (backfill); see listing.py."""
        return listing.list_for(installation, since, status, cursor)

    def solved_facts(self, installation: InstallationContext, ticket_id: str) -> SolvedFacts:
        """Group, times and reopenings of a solved ticket (learned routing)."""
        return solved.solved_facts(ZendeskClient(installation), ticket_id)

    def list_knowledge(self, installation: InstallationContext) -> list[KnowledgeItem]:
        """Help Center articles and active macros, for recommendations."""
        return knowledge.list_knowledge(ZendeskClient(installation))

    def assign_group(self, installation: InstallationContext, ticket_id: str,
                     group: str) -> str:
        """Set the ticket's group_id unless one is already set."""
        return knowledge.assign_group(ZendeskClient(installation), ticket_id, group)

    def whoami(self, installation: InstallationContext) -> dict:
        """The user our credentials act as (its id feeds the loop guard)."""
        return ZendeskClient(installation).me()

    def provision(self, installation: InstallationContext, webhook_url: str,
                  signing_secret: str) -> provision.Provisioned:
        return provision.provision(ZendeskClient(installation), installation.account,
                                   webhook_url, signing_secret)

    def unprovision(self, installation: InstallationContext) -> None:
        """On uninstall, before revoke: remove our triggers and webhook."""
        provision.unprovision(ZendeskClient(installation), installation.remote)

    def refresh_credentials(self, installation: InstallationContext) -> dict[str, Any]:
        return oauth.refresh_credentials(installation)

    def revoke(self, installation: InstallationContext) -> None:
        oauth.revoke(installation)


CONNECTOR = ZendeskConnector()

__all__ = ["CONNECTOR", "OAUTH", "ZendeskConnector"]
