"""Freshdesk: rule webhooks and app events in, enriched tickets out (interface: connectors/base.py).

Freshdesk has no OAuth for its ticket API: an installation holds the customer's
API key (ideally a dedicated integration agent's, so the loop guard is exact).
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
from connectors.errors import NotFound, Unauthorized
from connectors.freshdesk import knowledge, listing, provision, solved, tickets, webhook
from connectors.freshdesk.client import FreshdeskClient

# Freshdesk's default roles whose holders administer the account.
ADMIN_ROLES = frozenset({"Account Administrator", "Administrator"})


class FreshdeskConnector:
    key: ClassVar[str] = "freshdesk"
    app_level_webhooks: ClassVar[bool] = False

    def verify(self, headers: Mapping[str, str], raw_body: bytes,
               installation: InstallationContext | None, now: datetime) -> None:
        webhook.verify(headers, raw_body, installation, now)

    def parse_event(self, payload: dict) -> TicketEvent | None:
        return webhook.parse_event(payload)

    def fetch_ticket(self, installation: InstallationContext, ticket_id: str) -> Ticket:
        return tickets.fetch_ticket(FreshdeskClient(installation), installation, ticket_id)

    def apply(self, installation: InstallationContext, ticket: Ticket,
              enrichment: Enrichment) -> ApplyResult:
        return tickets.apply(FreshdeskClient(installation), installation, ticket, enrichment)

    def list_knowledge(self, installation: InstallationContext) -> list[KnowledgeItem]:
        """Published solution articles and canned responses, for recommendations."""
        return knowledge.list_knowledge(FreshdeskClient(installation), installation.api_base)

    def assign_group(self, installation: InstallationContext, ticket_id: str,
                     group: str) -> str:
        """Set the ticket's group_id unless one is already set."""
        return knowledge.assign_group(FreshdeskClient(installation), ticket_id, group)

    def is_own_change(self, installation: InstallationContext, event: TicketEvent,
                      ticket: Ticket | None) -> bool:
        return tickets.is_own_change(installation, event.actor_id, ticket)

    def list_tickets(self, installation: InstallationContext, since: datetime,
                     status: str | None, cursor: Any = None) -> TicketPage:
        """One page of the tickets updated since `since` (backfill); see listing.py."""
        return listing.list_for(installation, since, status, cursor)

    def solved_facts(self, installation: InstallationContext, ticket_id: str) -> SolvedFacts:
        """Group, times and reopening of a resolved ticket (learned routing); see solved.py."""
        return solved.solved_facts(FreshdeskClient(installation), ticket_id)

    def whoami(self, installation: InstallationContext) -> dict:
        """The agent our API key acts as (its id feeds the loop guard)."""
        return FreshdeskClient(installation).me()

    def is_account_admin(self, installation: InstallationContext, agent: dict) -> bool:
        """True when the key's agent holds Freshdesk's Account Administrator or
        Administrator role (the default roles that may install apps and edit rules).

        Roles are read with the same key: an agent who may not list them is no admin.
        """
        try:
            roles = FreshdeskClient(installation).roles()
        except (Unauthorized, NotFound):
            return False
        admin_roles = {str(r.get("id")) for r in roles if r.get("name") in ADMIN_ROLES}
        return bool(admin_roles & {str(i) for i in agent.get("role_ids") or ()})

    def provision(self, installation: InstallationContext, webhook_url: str,
                  webhook_secret: str) -> provision.Provisioned:
        return provision.provision(FreshdeskClient(installation), installation.account,
                                   webhook_url, webhook_secret)

    def unprovision(self, installation: InstallationContext) -> None:
        provision.unprovision(FreshdeskClient(installation), installation.remote)


CONNECTOR = FreshdeskConnector()

__all__ = ["CONNECTOR", "FreshdeskConnector"]
