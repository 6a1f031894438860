"""Reading a Freshdesk ticket into a Ticket, and writing an Enrichment back safely.

Freshdesk has no optimistic-concurrency token and replaces the whole tag list on
update. So apply() re-reads the ticket immediately before its one PUT and sends
the union of the tags it just saw and ours: a tag an agent added since
fetch_ticket survives. The private note carries an op marker, so a second run
finds it and writes nothing twice.
"""
from __future__ import annotations

import html
import re

from connectors.base import (
    ApplyResult,
    Enrichment,
    InstallationContext,
    Ticket,
    markers_in,
    note_marker,
)
from connectors.freshdesk.client import FreshdeskClient
from connectors.text import html_to_text

# Freshdesk priorities are 1-4; ours are names.
PRIORITY_CODES = {"low": 1, "normal": 2, "high": 3, "urgent": 4}
PRIORITY_NAMES = {code: name for name, code in PRIORITY_CODES.items()}
DESCRIPTION_ID = "description"


def fetch_ticket(client: FreshdeskClient, ctx: InstallationContext, ticket_id: str) -> Ticket:
    raw = client.ticket(ticket_id)
    conversations = client.conversations(ticket_id)
    opening = {"id": DESCRIPTION_ID, "author_id": raw.get("requester_id"),
               "text": _plain(raw.get("description_text"), raw.get("description"))}
    earlier, unanswered = earlier_customer_messages(conversations, opening["text"])
    # No public customer reply yet: the ticket's opening message is the latest one.
    latest = latest_customer_message(conversations) or opening
    return Ticket(
        id=raw["id"], subject=raw.get("subject") or "", latest_message=latest["text"],
        latest_message_id=latest["id"], latest_message_author_id=latest["author_id"],
        requester_name=(raw.get("requester") or {}).get("name"),
        tags=tuple(raw.get("tags") or ()), priority=PRIORITY_NAMES.get(raw.get("priority")),
        version=raw["updated_at"], custom_fields=_logical_fields(ctx, raw),
        op_markers=_markers(conversations),
        earlier_messages=earlier, unanswered_follow_ups=unanswered,
        requester_id=str(raw["requester_id"]) if raw.get("requester_id") else None)



def earlier_customer_messages(conversations: list[dict],
                              opening: str) -> tuple[tuple[str, ...], int]:
    """(the customer's messages before the latest, oldest first; follow-ups nobody answered).

    The ticket's description is the first of them when the customer has replied since.
    """
    public = sorted((c for c in conversations if not c.get("private")),
                    key=lambda c: c.get("created_at") or "")
    timeline = [(True, opening)] + [
        (bool(c.get("incoming")), _plain(c.get("body_text"), c.get("body"))) for c in public]
    customer = [i for i, (incoming, text) in enumerate(timeline) if incoming and text.strip()]
    if len(customer) < 2:
        return (), 0
    last = customer[-1]
    unanswered = 0
    for incoming, _ in reversed(timeline[:last]):
        if not incoming:
            break
        unanswered += 1
    return tuple(timeline[i][1] for i in customer[:-1]), unanswered


def _markers(conversations: list[dict]) -> frozenset[str]:
    return markers_in(text for c in conversations if c.get("private")
                      for text in (c.get("body"), c.get("body_text")))


def latest_customer_message(conversations: list[dict]) -> dict | None:
    """The newest incoming, public conversation (a reply from the requester or a CC)."""
    newest_first = sorted(conversations, key=lambda c: c.get("created_at") or "", reverse=True)
    for conversation in newest_first:
        if conversation.get("incoming") and not conversation.get("private"):
            return {"id": conversation["id"], "author_id": conversation.get("user_id"),
                    "text": _plain(conversation.get("body_text"), conversation.get("body"))}
    return None


def _plain(text: str | None, body_html: str | None) -> str:
    """The HTML rendered without quoted history or styles; Freshdesk's plain text otherwise.

    (`body_text` keeps the quoted thread of an email reply, so the HTML comes first.)
    """
    return html_to_text(body_html) or (text or "").strip()


def _logical_fields(ctx: InstallationContext, raw: dict) -> dict:
    by_api_name = {api_name: name for name, api_name in (ctx.remote.get("fields") or {}).items()}
    values = raw.get("custom_fields") or {}
    return {by_api_name[key]: value for key, value in values.items() if key in by_api_name}


def apply(client: FreshdeskClient, ctx: InstallationContext, ticket: Ticket,
          enrichment: Enrichment) -> ApplyResult:
    markers = ticket.op_markers
    if markers is None:         # a ticket not read by fetch_ticket: read the notes now
        markers = _markers(client.conversations(ticket.id))
    marker = note_marker(enrichment.op_key)
    note_present = marker in markers
    writes = 1 + (0 if note_present else 1) + (1 if enrichment.public_reply else 0)
    # Read-merge-write: Freshdesk replaces the tag list on PUT and has no precondition,
    # so the re-read and the PUT sit back to back. Nothing slow (no analysis, no
    # other call) may go between them: every millisecond is a chance to lose an
    # agent's tag.
    current = client.ticket(ticket.id)
    # The re-read's rate headers say what the account has left this minute: too
    # little for all our writes, and we wait rather than write half an enrichment.
    client.ensure_budget(writes)
    changes, tags_added, fields_set = _changes(ctx, ticket, current, enrichment)
    if changes:
        client.update_ticket(ticket.id, changes)
    reply_sent = False
    if not note_present:
        client.add_private_note(ticket.id, note_html(enrichment.note, marker))
        if enrichment.public_reply:
            # Only together with a fresh note: if we crash in between, the reply is lost,
            # never sent twice (customers see it; agents still have the draft).
            client.reply(ticket.id, note_html(enrichment.public_reply))
            reply_sent = True
    return ApplyResult(
        tags_added=tuple(tags_added), priority_set=changes.get("priority") and
        PRIORITY_NAMES[changes["priority"]], fields_set=fields_set,
        note_added=not note_present, reply_sent=reply_sent,
        already_applied=note_present and not changes)


def _changes(ctx: InstallationContext, planned_from: Ticket, current: dict,
             enrichment: Enrichment) -> tuple[dict, list[str], dict]:
    changes: dict = {}
    current_tags = list(current.get("tags") or [])
    have = {t.lower() for t in current_tags}
    tags_added = [t for t in dict.fromkeys(enrichment.add_tags) if t.lower() not in have]
    if tags_added:
        # The whole list: every tag on the ticket right now, then ours.
        changes["tags"] = current_tags + tags_added
    now_priority = PRIORITY_NAMES.get(current.get("priority"))
    # If someone changed the priority since we read the ticket, theirs wins.
    if (enrichment.priority in PRIORITY_CODES and now_priority == planned_from.priority
            and now_priority != enrichment.priority):
        changes["priority"] = PRIORITY_CODES[enrichment.priority]
    api_names = ctx.remote.get("fields") or {}
    existing = current.get("custom_fields") or {}
    fields_set = {name: str(value) for name, value in enrichment.custom_fields.items()
                  if name in api_names and existing.get(api_names[name]) != str(value)}
    if fields_set:
        changes["custom_fields"] = {api_names[name]: value for name, value in fields_set.items()}
    return changes, tags_added, fields_set


def note_html(text: str, marker: str | None = None) -> str:
    """Plain text as Freshdesk note HTML: escaped, one paragraph per blank-line block."""
    blocks = [b for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]
    if marker:
        blocks.append(marker)
    return "".join(f"<p>{'<br>'.join(html.escape(line) for line in b.splitlines())}</p>"
                   for b in blocks)


def is_own_change(ctx: InstallationContext, actor_id: str | None, ticket: Ticket | None) -> bool:
    """Our integration agent made this change (its API write-back), so it is not news."""
    ours = ctx.integration_actor_ids()
    if actor_id and str(actor_id) in ours:
        return True
    # The "customer" message is one we wrote: acting on it would answer ourselves.
    return ticket is not None and ticket.latest_message_author_id in ours
