"""The connector interface and the normalised types every helpdesk maps to.

A connector knows everything provider-specific and nothing else. It never
touches our database: the caller hands it an InstallationContext (decrypted
credentials, secrets, settings) and a callback to persist refreshed tokens.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Protocol

# Tag, note and field names we own. The marker makes writes idempotent: before
# adding a note a connector looks for one carrying the same op key.
NOTE_MARKER_PREFIX = "tactful-op:"
_MARKER = re.compile(r"\[" + re.escape(NOTE_MARKER_PREFIX) + r"[^\]\s]+\]")


@dataclass
class InstallationContext:
    """One installed account, as a connector sees it."""

    id: str
    provider: str
    account: str                        # subdomain / domain / workspace id
    api_base: str                       # e.g. https://acme.zendesk.com (no trailing slash)
    credentials: dict[str, Any]         # decrypted: api token, oauth tokens, admin id…
    webhook_secrets: list[str]          # newest first; older ones accepted while rotating
    settings: dict[str, Any] = field(default_factory=dict)
    # ids of the webhook, triggers and fields we created
    remote: dict[str, Any] = field(default_factory=dict)
    save_credentials: Callable[[dict[str, Any]], None] | None = None

    def integration_actor_ids(self) -> set[str]:
        """Ids of the vendor user/admin that our writes are made as (for the loop guard)."""
        ids = {self.credentials.get("actor_id"), self.remote.get("actor_id")}
        return {str(i) for i in ids if i}


@dataclass(frozen=True)
class TicketEvent:
    """A webhook, normalised. kind is "created" or "replied"; anything else is ignored."""

    provider_event_id: str
    ticket_id: str
    kind: str
    occurred_at: datetime | None = None
    actor_id: str | None = None
    via: str | None = None
    account: str | None = None          # the account the payload names (for tenant checks)


# The vendor-neutral statuses a backfill may select on; each connector maps them
# onto its own (Zendesk new/open, Freshdesk 2, Intercom state "open", ...).
LISTING_STATUSES = ("open", "pending", "solved", "closed")


@dataclass(frozen=True)
class ListedTicket:
    """One ticket a vendor's search or list API returned: enough to queue it."""

    ticket_id: str
    updated_at: datetime                # timezone-aware, UTC


@dataclass(frozen=True)
class TicketPage:
    """One page of a ticket listing. `next_cursor` is None on the last page; otherwise
    it is opaque, JSON-serialisable, and resumes the listing where this page ended."""

    tickets: tuple[ListedTicket, ...]
    next_cursor: Any = None


@dataclass(frozen=True)
class Ticket:
    id: str
    subject: str
    latest_message: str                 # latest public message from the customer, plain text
    latest_message_id: str | None
    latest_message_author_id: str | None
    requester_name: str | None
    tags: tuple[str, ...]
    priority: str | None                # low / normal / high / urgent or None
    version: str                        # updated_at / stamp, for safe updates and ordering
    custom_fields: Mapping[str, Any] = field(default_factory=dict)
    # Our note markers seen in the notes read with the ticket, when the read covered
    # them: apply() then needs no second read to know what it already wrote. None =
    # not known, apply() reads the notes itself.
    op_markers: frozenset[str] | None = None
    # The customer's earlier public messages in the ticket, oldest first (plain text,
    # latest_message excluded), and how many of the customer's messages in a row, before
    # the latest, got no public agent reply: the analyzer reads the whole conversation.
    earlier_messages: tuple[str, ...] = ()
    unanswered_follow_ups: int = 0
    # The vendor's requester / contact id: the key of the customer's memory.
    requester_id: str | None = None


@dataclass(frozen=True)
class Enrichment:
    """Everything we write back for one customer message."""

    op_key: str                         # unique per (installation, ticket, message): idempotency
    add_tags: tuple[str, ...]
    priority: str | None
    custom_fields: Mapping[str, str]    # logical name -> value; connectors map to vendor fields
    note: str                           # internal note, with the op marker appended by apply()
    public_reply: str | None = None     # only when the installation allows public replies


@dataclass(frozen=True)
class KnowledgeItem:
    """A help-centre article, macro or canned response, as recommendations index it."""

    kind: str                           # "article" or "macro" (canned responses are macros)
    id: str
    title: str
    body: str                           # plain text
    url: str | None = None


@dataclass(frozen=True)
class SolvedFacts:
    """A solved ticket, as learned routing reads it (solved_facts() on a connector)."""

    ticket_id: str
    group_id: str | None                # the group / team that solved it
    created_at: datetime
    solved_at: datetime | None
    reopens: int                        # 0 when the vendor does not count them
    first_message: str                  # the customer's first message, plain text


# What assign_group() reports: it never overrides a group a human already set.
ASSIGNED, KEPT_EXISTING, UNKNOWN_GROUP = "assigned", "kept_existing", "unknown_group"


@dataclass(frozen=True)
class ApplyResult:
    tags_added: tuple[str, ...]
    priority_set: str | None
    fields_set: Mapping[str, str]
    note_added: bool
    reply_sent: bool = False
    already_applied: bool = False


class Connector(Protocol):
    """What every helpdesk module provides (see connectors/registry.py)."""

    key: ClassVar[str]
    # True when one app-level URL receives every workspace's events (Intercom).
    app_level_webhooks: ClassVar[bool]
    # What an accepted event is answered with; 202 unless the vendor insists on another 2xx.
    accepted_status: ClassVar[int]

    def verify(self, headers: Mapping[str, str], raw_body: bytes,
               installation: InstallationContext | None, now: datetime) -> None: ...

    def parse_event(self, payload: dict) -> TicketEvent | None: ...

    def fetch_ticket(self, installation: InstallationContext, ticket_id: str) -> Ticket: ...

    def apply(self, installation: InstallationContext, ticket: Ticket,
              enrichment: Enrichment) -> ApplyResult: ...

    def is_own_change(self, installation: InstallationContext, event: TicketEvent,
                      ticket: Ticket | None) -> bool: ...

    def list_tickets(self, installation: InstallationContext, since: datetime,
                     status: str | None, cursor: Any = None) -> TicketPage:
        """One page of the tickets updated at or after `since` (and in `status`, one of
        LISTING_STATUSES, when given); pass the page's next_cursor to get the next."""
        ...


def note_marker(op_key: str) -> str:
    return f"[{NOTE_MARKER_PREFIX}{op_key}]"


def markers_in(texts: Iterable[str | None]) -> frozenset[str]:
    """Every note marker (as note_marker() writes it) found in these texts."""
    return frozenset(m for text in texts if text for m in _MARKER.findall(text))


@dataclass(frozen=True)
class OAuthDescriptor:
    """Fixed facts about a vendor's OAuth, for the generic install flow (integration/web/oauth.py).

    URL templates take {account} (the admin-supplied account, e.g. a subdomain)
    and {base} (the account's API base, from `api_base` or a configured override).
    """

    provider: str
    # Query parameter naming the account at /start; None when the vendor tells us the
    # account only after the token exchange (Intercom: the workspace from GET /me).
    account_param: str | None
    account_pattern: str                # regex an account must match (no open redirects)
    api_base: str                       # e.g. "https://{account}.zendesk.com"
    authorize_url: str                  # e.g. "{base}/oauth/authorizations/new"
    token_url: str                      # e.g. "{base}/oauth/tokens"
    scopes: tuple[str, ...]
    pkce: bool = True
    # Where the admin lands after the install (a vendor's App Store page), instead of
    # our JSON answer; the failure URL takes {reason}, already URL-encoded.
    success_redirect: str | None = None
    failure_redirect: str | None = None
