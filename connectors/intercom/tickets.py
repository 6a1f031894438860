"""Conversations as tickets: fetch_ticket reads one, apply writes our enrichment back.

Reading: the customer's newest words are the newest part written by a user or
lead; if nobody has replied yet they are the conversation's `source`. Admin,
bot and Fin parts are never analysed as the customer's message.

Writing: Intercom has no conditional update, so apply() re-reads the
conversation right before writing and writes only what is missing. Tags are
attached one by one (additive, never replacing an agent's tags), attributes are
set only where they differ, and the note is skipped when one carrying our op
marker exists. The note goes last, so a retry after a rate limit half way
still writes it.
"""
from __future__ import annotations

import html
import logging
import threading
import time

from connectors.base import ApplyResult, Enrichment, InstallationContext, Ticket, note_marker
from connectors.errors import InvalidResponse, NotFound
from connectors.intercom.client import IntercomClient
from connectors.text import html_to_text

log = logging.getLogger("tactful.intercom")

CUSTOMER_AUTHORS = frozenset({"user", "lead", "contact"})
# Intercom priorities (2.15+ levels, and the older flag) -> ours.
PRIORITY_IN = {"urgent": "urgent", "high": "high", "medium": "normal", "low": "low",
               "priority": "high", "not_priority": None, "none": None}
PRIORITY_OUT = {"low": "low", "normal": "medium", "high": "high", "urgent": "urgent"}

def plain_text(body: str | None) -> str:
    """Plain text from an Intercom body, whether it came as HTML or already plain."""
    return html_to_text(html.unescape(body) if body and "<" not in body else body)


def is_customer(author: dict | None) -> bool:
    author = author or {}
    if author.get("from_ai_agent") or author.get("is_ai_answer"):
        return False
    return author.get("type") in CUSTOMER_AUTHORS


def _timeline(conversation: dict) -> list[tuple[bool, str, str | None, str | None]]:
    """(from the customer, text, message id, author id) per message, oldest first.

    Notes, empty parts and parts the customer deleted (`redacted`) are left out: a deleted
    message is not the customer's words ("This message was deleted").
    """
    entries = []
    source = conversation.get("source") or {}
    if not source.get("redacted"):
        text = plain_text(source.get("body"))
        if text:
            source_id = source.get("id") or conversation["id"]
            entries.append((is_customer(source.get("author")), text, f"source-{source_id}",
                            (source.get("author") or {}).get("id")))
    parts = (conversation.get("conversation_parts") or {}).get("conversation_parts") or []
    for part in parts:
        if part.get("part_type") == "note" or part.get("redacted"):
            continue
        text = plain_text(part.get("body"))
        if text:
            entries.append((is_customer(part.get("author")), text, part.get("id"),
                            (part.get("author") or {}).get("id")))
    return entries


def customer_messages(conversation: dict) -> tuple[tuple[str, ...], int]:
    """(the customer's messages before the newest, oldest first; follow-ups nobody answered)."""
    timeline = _timeline(conversation)
    customer = [i for i, entry in enumerate(timeline) if entry[0]]
    if len(customer) < 2:
        return (), 0
    unanswered = 0
    for entry in reversed(timeline[:customer[-1]]):
        if not entry[0]:
            break
        unanswered += 1
    return tuple(timeline[i][1] for i in customer[:-1]), unanswered


def newest_customer_message(conversation: dict) -> tuple[str, str | None, str | None]:
    """(text, message id, author id) of the customer's newest words, or ("", None, None)."""
    for is_from_customer, text, message_id, author_id in reversed(_timeline(conversation)):
        if is_from_customer:
            return text, message_id, author_id
    return "", None, None


def contact_id(conversation: dict) -> str | None:
    contacts = (conversation.get("contacts") or {}).get("contacts") or []
    return next((str(c["id"]) for c in contacts if c.get("id")), None)


def requester_name(client: IntercomClient, conversation: dict) -> str | None:
    """The contact's name; the conversation only holds the contact's id."""
    contact = contact_id(conversation)
    if contact:
        name = client.contact(contact).get("name")
        if name:
            return name
    return ((conversation.get("source") or {}).get("author") or {}).get("name")


def tag_names(conversation: dict) -> tuple[str, ...]:
    return tuple(t["name"] for t in (conversation.get("tags") or {}).get("tags") or [])


def note_bodies(conversation: dict) -> list[str]:
    parts = (conversation.get("conversation_parts") or {}).get("conversation_parts") or []
    return [p.get("body") or "" for p in parts if p.get("part_type") == "note"]


def fetch_conversation(client: IntercomClient, conversation_id: str) -> Ticket:
    conversation = client.conversation(conversation_id)
    text, message_id, author_id = newest_customer_message(conversation)
    earlier, unanswered = customer_messages(conversation)
    source = conversation.get("source") or {}
    return Ticket(
        id=conversation["id"],
        subject=plain_text(conversation.get("title") or source.get("subject")),
        latest_message=text, latest_message_id=message_id,
        latest_message_author_id=author_id,
        requester_name=requester_name(client, conversation),
        tags=tag_names(conversation),
        priority=PRIORITY_IN.get((conversation.get("priority") or "").lower()),
        version=str(conversation.get("updated_at") or ""),
        custom_fields=dict(conversation.get("custom_attributes") or {}),
        earlier_messages=earlier, unanswered_follow_ups=unanswered,
        requester_id=contact_id(conversation),
    )


class WorkspaceCache:
    """Per-installation facts that rarely change: tag ids by name, defined attributes.

    Saves a POST /tags per tag and a GET /data_attributes per conversation, which
    matters inside a per-installation call budget. Entries expire after `ttl_s`.
    """

    def __init__(self, ttl_s: float = 300.0):
        self.ttl_s = ttl_s
        self._lock = threading.Lock()
        self._values: dict[tuple[str, str], tuple[float, object]] = {}

    def get(self, installation_id: str, key: str):
        with self._lock:
            stored = self._values.get((installation_id, key))
        if stored is None or stored[0] < time.monotonic():
            return None
        return stored[1]

    def put(self, installation_id: str, key: str, value) -> None:
        with self._lock:
            self._values[(installation_id, key)] = (time.monotonic() + self.ttl_s, value)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def drop(self, installation_id: str, key: str) -> None:
        with self._lock:
            self._values.pop((installation_id, key), None)


CACHE = WorkspaceCache()


# Logical field -> conversation data attribute name; an admin creates these in
# Intercom (or maps other names with the installation's `fields_map` setting).
DEFAULT_ATTRIBUTES = {"sentiment": "tactful_sentiment", "emotions": "tactful_emotions",
                      "priority": "tactful_priority"}


def paragraphs_html(text: str) -> str:
    """Plain text as Intercom HTML: escaped, blank lines split paragraphs."""
    paragraphs = [p for p in text.strip().split("\n\n") if p.strip()]
    return "".join("<p>" + "<br>".join(html.escape(line) for line in p.splitlines()) + "</p>"
                   for p in paragraphs)


def note_html(text: str, marker: str) -> str:
    """Our note, with the op marker in its own last paragraph."""
    return paragraphs_html(text) + f"<p>{html.escape(marker)}</p>"


def attribute_names(ctx: InstallationContext) -> dict[str, str]:
    return {**DEFAULT_ATTRIBUTES, **(ctx.settings.get("fields_map") or {})}


def apply_enrichment(client: IntercomClient, ctx: InstallationContext, ticket: Ticket,
                     enrichment: Enrichment) -> ApplyResult:
    admin_id = str(ctx.credentials.get("actor_id") or "")
    if not admin_id:
        raise InvalidResponse("installation has no Intercom admin id; reinstall to fix")
    current = client.conversation(ticket.id)
    marker = note_marker(enrichment.op_key)
    tags = _attach_tags(client, ctx.id, ticket.id, admin_id, enrichment.add_tags,
                        tag_names(current))
    fields = _set_attributes(client, ctx, ticket.id, enrichment,
                             current.get("custom_attributes") or {})
    priority = _set_priority(client, ticket.id, admin_id, enrichment.priority)
    if any(marker in body for body in note_bodies(current)):
        return ApplyResult(tags_added=tags, priority_set=priority, fields_set=fields,
                           note_added=False, already_applied=not (tags or fields or priority))
    client.reply(ticket.id, admin_id, note_html(enrichment.note, marker))
    replied = False
    if enrichment.public_reply:
        # Only right after our note was added: a retry never repeats a customer-visible reply.
        client.reply(ticket.id, admin_id, paragraphs_html(enrichment.public_reply),
                     message_type="comment")
        replied = True
    return ApplyResult(tags_added=tags, priority_set=priority, fields_set=fields,
                       note_added=True, reply_sent=replied)


def _attach_tags(client: IntercomClient, installation_id: str, conversation_id: str,
                 admin_id: str, wanted: tuple[str, ...],
                 present: tuple[str, ...]) -> tuple[str, ...]:
    added = []
    for name in wanted:
        if name in present:
            continue
        try:
            client.attach_tag(conversation_id, _tag_id(client, installation_id, name), admin_id)
        except NotFound:
            # The cached tag may have been deleted in Intercom: create it again, once.
            CACHE.drop(installation_id, f"tag:{name}")
            client.attach_tag(conversation_id, _tag_id(client, installation_id, name), admin_id)
        added.append(name)
    return tuple(added)


def _tag_id(client: IntercomClient, installation_id: str, name: str) -> str:
    tag_id = CACHE.get(installation_id, f"tag:{name}")
    if tag_id is None:
        tag_id = client.tag_named(name).get("id")
        if not tag_id:
            raise InvalidResponse(f"intercom created tag {name!r} without an id")
        CACHE.put(installation_id, f"tag:{name}", tag_id)
    return tag_id


def _defined_attributes(client: IntercomClient, installation_id: str) -> dict[str, dict]:
    defined = CACHE.get(installation_id, "attributes")
    if defined is None:
        defined = client.conversation_attributes()
        CACHE.put(installation_id, "attributes", defined)
    return defined


def _set_attributes(client: IntercomClient, ctx: InstallationContext, conversation_id: str,
                    enrichment: Enrichment, current: dict) -> dict[str, str]:
    names = attribute_names(ctx)
    wanted = {names[k]: v for k, v in enrichment.custom_fields.items() if names.get(k)}
    if not wanted:
        return {}
    defined = _defined_attributes(client, ctx.id)
    changes = {}
    for name, value in wanted.items():
        value = _allowed_value(defined.get(name), value)
        if value is not None and current.get(name) != value:
            changes[name] = value
    skipped = sorted(set(wanted) - set(defined))
    if skipped:
        log.info("intercom.attributes-not-defined", extra={"tactful": {
            "installation": ctx.id, "attributes": skipped}})
    if changes:
        client.update_conversation(conversation_id, {"custom_attributes": changes})
    return changes


def _allowed_value(attribute: dict | None, value: str) -> str | None:
    """The value to write, or None when the workspace lacks the attribute or the option."""
    if attribute is None or value is None:
        return None
    options = attribute.get("options")
    if attribute.get("data_type") != "list" or not options:
        return str(value)
    labels = {str(o.get("label") if isinstance(o, dict) else o): o for o in options}
    match = next((label for label in labels if label.lower() == str(value).lower()), None)
    return match


def _set_priority(client: IntercomClient, conversation_id: str, admin_id: str,
                  priority: str | None) -> str | None:
    if not priority or not client.can_set_priority or priority not in PRIORITY_OUT:
        return None
    client.update_conversation(conversation_id,
                               {"priority": PRIORITY_OUT[priority], "admin_id": admin_id})
    return priority
