"""Reading a Zendesk ticket into a Ticket, and writing an Enrichment back safely.

Writes are additive and guarded: safe_update + updated_stamp on every write, a
re-fetch and retry on 409, tags only ever added, and the internal note carries
an op marker so a second run finds it and writes nothing twice.
"""
from __future__ import annotations

import re
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
from connectors.text import html_to_text
from connectors.zendesk.client import ZendeskClient

MAX_CONFLICT_RETRIES = 3
END_USER_ROLE = "end-user"


def fetch_ticket(client: ZendeskClient, ctx: InstallationContext, ticket_id: str) -> Ticket:
    data = client.ticket(ticket_id)
    comments = client.recent_comments(ticket_id)
    raw = data["ticket"]
    users = {u["id"]: u for u in [*data["users"], *comments["users"]]}
    requester = users.get(raw.get("requester_id")) or {}
    thread = customer_thread(comments["comments"], users, raw.get("requester_id"),
                             requester.get("name"))
    latest = thread.latest
    return Ticket(
        id=raw["id"], subject=raw.get("subject") or "",
        latest_message=(latest or {}).get("text", ""),
        latest_message_id=(latest or {}).get("id"),
        latest_message_author_id=(latest or {}).get("author_id"),
        requester_name=requester.get("name"), tags=tuple(raw["tags"]),
        priority=(raw.get("priority") or None), version=raw["updated_at"],
        custom_fields=_logical_fields(ctx, raw["custom_fields"]),
        op_markers=markers_in(c.get("body") for c in comments["comments"]),
        earlier_messages=thread.earlier, unanswered_follow_ups=thread.unanswered,
        requester_id=_str_or_none(raw.get("requester_id")))


def _str_or_none(value) -> str | None:
    return str(value) if value not in (None, "") else None



# Zendesk writes a chat or messaging conversation into the ticket as one comment by the
# system (author -1); its lines read "(10:02:11 AM) Ana Lopez: my card was declined".
SYSTEM_AUTHOR = -1
_TRANSCRIPT_LINE = re.compile(
    r"^\s*\(\s*\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp]\.?[Mm]\.?)?\s*\)\s*([^:\n]{1,80}):\s?(.*)$",
    re.MULTILINE)


@dataclass(frozen=True)
class CustomerThread:
    latest: dict | None             # {"id", "author_id", "text"} of the newest customer message
    earlier: tuple[str, ...]        # the customer's earlier messages, oldest first
    unanswered: int                 # customer messages in a row before `latest`, no agent reply


def comment_text(comment: dict) -> str:
    """The comment's own words: HTML rendered without quoted history, else the plain text."""
    return html_to_text(comment.get("html_body")) or comment.get("plain_body") \
        or html_to_text(comment.get("body"))


def transcript_turns(text: str, customer_name: str | None) -> list[tuple[bool, str]]:
    """(said by the customer, words) per line of a chat transcript ([] when it is not one)."""
    lines = _TRANSCRIPT_LINE.findall(text or "")
    customer = (customer_name or "").strip()
    if customer not in {speaker.strip() for speaker, _ in lines}:
        return []
    return [(speaker.strip() == customer, said.strip()) for speaker, said in lines if said.strip()]


def transcript_lines(text: str, customer_name: str | None) -> list[str]:
    """The customer's lines in a chat transcript comment ([] when it is not one)."""
    return [said for mine, said in transcript_turns(text, customer_name) if mine]


def _entries(comments: list[dict], users: dict, requester_id, requester_name) -> list[tuple]:
    """(is_customer, message id, author id, text) per public message, oldest first."""
    entries = []
    # The comments come newest first (sort=-created_at); comments within one second keep
    # that order, so read them reversed before the stable sort oldest-first.
    for comment in sorted(reversed(comments), key=lambda c: c.get("created_at") or ""):
        if not comment.get("public"):
            continue
        author = comment.get("author_id")
        if author == SYSTEM_AUTHOR or str(author) == str(SYSTEM_AUTHOR):
            turns = transcript_turns(comment_text(comment), requester_name)
            entries += [(mine, f"{comment.get('id')}-{i}", requester_id if mine else None, said)
                        for i, (mine, said) in enumerate(turns, 1)]
            continue
        role = (users.get(author) or {}).get("role")
        customer = role == END_USER_ROLE or author == requester_id
        entries.append((customer, comment.get("id"), author, comment_text(comment)))
    return entries


def customer_thread(comments: list[dict], users: dict, requester_id,
                    requester_name: str | None = None) -> CustomerThread:
    """The newest public customer message, the earlier ones, and the unanswered follow-ups."""
    entries = [e for e in _entries(comments, users, requester_id, requester_name)
               if not e[0] or e[3].strip()]
    customer = [i for i, entry in enumerate(entries) if entry[0]]
    if not customer:
        return CustomerThread(None, (), 0)
    last = customer[-1]
    _, message_id, author, text = entries[last]
    unanswered = 0
    for entry in reversed(entries[:last]):
        if not entry[0]:
            break
        unanswered += 1
    return CustomerThread({"id": message_id, "author_id": author, "text": text},
                          tuple(entries[i][3] for i in customer[:-1]), unanswered)


def latest_customer_comment(comments: list[dict], users: dict, requester_id: str | None):
    """The newest public comment written by an end user (the requester or a CC)."""
    return customer_thread(comments, users, requester_id).latest


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
