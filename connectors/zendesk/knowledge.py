"""Zendesk knowledge (Help Center articles, active macros) and group assignment."""
from __future__ import annotations

import re

from connectors.base import ASSIGNED, KEPT_EXISTING, UNKNOWN_GROUP, KnowledgeItem
from connectors.errors import Conflict
from connectors.zendesk.client import ZendeskClient

MAX_PAGES = 20
_TAG = re.compile(r"<[^>]+>")


def plain(html: str | None) -> str:
    return " ".join(_TAG.sub(" ", html or "").split())


def _paged(client: ZendeskClient, path: str, key: str) -> list[dict]:
    """Cursor pagination (page[size], meta.has_more, links.next)."""
    found: list[dict] = []
    params: dict | None = {"page[size]": 100}
    url = path
    for _ in range(MAX_PAGES):
        data = client.get_json(url, params=params)
        found += [i for i in data.get(key) or [] if isinstance(i, dict)]
        if not (data.get("meta") or {}).get("has_more"):
            return found
        url, params = (data.get("links") or {}).get("next"), None
        if not url:
            return found
    return found


def list_knowledge(client: ZendeskClient) -> list[KnowledgeItem]:
    # Labels are the words an admin tagged the article with for search: index them too.
    articles = [KnowledgeItem("article", str(a["id"]), a.get("title") or "",
                              " ".join([plain(a.get("body")), *(a.get("label_names") or [])]),
                              a.get("html_url"))
                for a in _paged(client, "/api/v2/help_center/articles.json", "articles")
                if not a.get("draft")]
    macros = [KnowledgeItem("macro", str(m["id"]), m.get("title") or "",
                            " ".join(filter(None, [m.get("description"), _macro_text(m)])))
              for m in _paged(client, "/api/v2/macros/active.json", "macros")]
    return articles + macros


def _macro_text(macro: dict) -> str:
    """The macro's comment text: what the agent would send, so it can be matched."""
    return " ".join(plain(str(a.get("value"))) for a in macro.get("actions") or []
                    if a.get("field") in ("comment_value", "comment_value_html"))


def group_id(client: ZendeskClient, group: str) -> int | None:
    """A group named or numbered `group`."""
    for item in _paged(client, "/api/v2/groups.json", "groups"):
        if str(item.get("id")) == group or (item.get("name") or "").lower() == group.lower():
            return item["id"]
    return None


def assign_group(client: ZendeskClient, ticket_id: str, group: str) -> str:
    target = group_id(client, group)
    if target is None:
        return UNKNOWN_GROUP
    for _ in range(3):
        # The raw answer: the validated ticket schema keeps only the fields enrichment reads.
        raw = client.get_json(f"/api/v2/tickets/{ticket_id}.json").get("ticket") or {}
        if raw.get("group_id"):
            return KEPT_EXISTING        # a human (or a rule) routed it already: theirs wins
        try:
            client.update_ticket(ticket_id, {"group_id": target}, raw["updated_at"])
            return ASSIGNED
        except Conflict:
            continue                    # changed meanwhile: read again, it may have a group now
    raise Conflict("zendesk group assignment kept conflicting")
