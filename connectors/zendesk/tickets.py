"""Reading a Zendesk ticket into a Ticket, and writing an Enrichment back safely.

Writes are additive and guarded: safe_update + updated_stamp on every write, a
re-fetch and retry on 409, tags only ever added, and the internal note carries
an op marker so a second run finds it and writes nothing twice.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from connectors.base import (
    ApplyResult,
    Enrichment,
    InstallationContext,
    Ticket,
    markers_in,
    note_marker,
)
from connectors.errors import Conflict
from connectors.zendesk.client import ZendeskClient

MAX_CONFLICT_RETRIES = 3
END_USER_ROLE = "end-user"


def fetch_ticket(client: ZendeskClient, ctx: InstallationContext, ticket_id: str) -> Ticket:
    data = client.ticket(ticket_id)
    comments = client.recent_comments(ticket_id)
    raw = data["ticket"]
    users = {u["id"]: u for u in [*data["users"], *comments["users"]]}
    latest = latest_customer_comment(comments["comments"], users, raw.get("requester_id"))
    requester = users.get(raw.get("requester_id")) or {}
    return Ticket(
        id=raw["id"], subject=raw.get("subject") or "",
        latest_message=(latest or {}).get("text", ""),
        latest_message_id=(latest or {}).get("id"),
        latest_message_author_id=(latest or {}).get("author_id"),
        requester_name=requester.get("name"), tags=tuple(raw["tags"]),
        priority=(raw.get("priority") or None), version=raw["updated_at"],
        custom_fields=_logical_fields(ctx, raw["custom_fields"]),
        op_markers=markers_in(c.get("body") for c in comments["comments"]),
        requester_id=_str_or_none(raw.get("requester_id")))


def _str_or_none(value) -> str | None:
    return str(value) if value not in (None, "") else None


def latest_customer_comment(comments: list[dict], users: dict, requester_id: str | None):
    """The newest public comment written by an end user (the requester or a CC)."""
    newest_first = sorted(comments, key=lambda c: c.get("created_at") or "", reverse=True)
    for comment in newest_first:
        author = comment.get("author_id")
        role = (users.get(author) or {}).get("role")
        if comment.get("public") and (role == END_USER_ROLE or author == requester_id):
            text = comment.get("plain_body") or comment.get("body") or ""
            return {"id": comment.get("id"), "author_id": author, "text": text}
    return None


def _logical_fields(ctx: InstallationContext, custom_fields: list[dict]) -> dict:
    by_id = {str(field_id): name for name, field_id in (ctx.remote.get("fields") or {}).items()}
    return {by_id[str(f.get("id"))]: f.get("value") for f in custom_fields
            if str(f.get("id")) in by_id}


@dataclass
class _Written:
    """What reached Zendesk so far, across 409 retries."""

    tags: list[str] = field(default_factory=list)
    priority: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    note: bool = False
    reply: bool = False

    def result(self) -> ApplyResult:
        nothing = not (self.tags or self.priority or self.fields or self.note or self.reply)
        return ApplyResult(tags_added=tuple(self.tags), priority_set=self.priority,
                           fields_set=dict(self.fields), note_added=self.note,
                           reply_sent=self.reply, already_applied=nothing)


def apply(client: ZendeskClient, ctx: InstallationContext, ticket: Ticket,
          enrichment: Enrichment) -> ApplyResult:
    written = _Written()
    current = ticket
    for attempt in range(MAX_CONFLICT_RETRIES + 1):
        try:
            _apply_once(client, ctx, planned_from=ticket, current=current,
                        enrichment=enrichment, written=written)
            return written.result()
        except Conflict:
            if attempt == MAX_CONFLICT_RETRIES:
                raise
            # An agent (or another writer) changed the ticket: re-read, re-apply our delta.
            current = fetch_ticket(client, ctx, ticket.id)
    raise AssertionError("unreachable")  # pragma: no cover


def _apply_once(client: ZendeskClient, ctx: InstallationContext, *, planned_from: Ticket,
                current: Ticket, enrichment: Enrichment, written: _Written) -> None:
    markers = current.op_markers
    if markers is None:         # a ticket not read by fetch_ticket: read the notes now
        markers = markers_in(c.get("body") for c in client.recent_comments(current.id)["comments"])
    marker = note_marker(enrichment.op_key)
    note_present = marker in markers
    changes, field_values = _ticket_changes(ctx, planned_from, current, enrichment)
    if not note_present:
        changes["comment"] = {"body": f"{enrichment.note}\n\n{marker}", "public": False}
    stamp = current.version
    if changes:
        stamp = client.update_ticket(current.id, changes, stamp).get("updated_at") or stamp
        written.priority = changes.get("priority") or written.priority
        written.fields.update(field_values)
        written.note = written.note or "comment" in changes
    if enrichment.public_reply and "comment" in changes:
        # Only together with a fresh note: if we crash in between, the reply is lost,
        # never sent twice (customers see it; agents can still send the draft).
        reply = {"comment": {"body": enrichment.public_reply, "public": True}}
        stamp = client.update_ticket(current.id, reply, stamp).get("updated_at") or stamp
        written.reply = True
    missing = [t for t in enrichment.add_tags if t not in current.tags and t not in written.tags]
    if missing:
        client.add_tags(current.id, missing, stamp)
        written.tags.extend(missing)


def _ticket_changes(ctx: InstallationContext, planned_from: Ticket, current: Ticket,
                    enrichment: Enrichment) -> tuple[dict, dict]:
    changes: dict = {}
    # If someone changed the priority since we read the ticket, theirs wins.
    if (enrichment.priority and current.priority == planned_from.priority
            and current.priority != enrichment.priority):
        changes["priority"] = enrichment.priority
    field_ids = ctx.remote.get("fields") or {}
    values = {name: str(value) for name, value in enrichment.custom_fields.items()
              if name in field_ids and current.custom_fields.get(name) != str(value)}
    if values:
        changes["custom_fields"] = [{"id": field_ids[name], "value": value}
                                    for name, value in values.items()]
    return changes, values


def is_own_change(ctx: InstallationContext, actor_id: str | None, ticket: Ticket | None) -> bool:
    """Our integration user made this change (its API write-back), so it is not news."""
    ours = ctx.integration_actor_ids()
    if actor_id and str(actor_id) in ours:
        return True
    # The "customer" message is one we wrote: acting on it would answer ourselves.
    return ticket is not None and ticket.latest_message_author_id in ours
