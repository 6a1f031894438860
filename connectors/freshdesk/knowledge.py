"""Freshdesk knowledge (published solution articles, canned responses) and group assignment."""
from __future__ import annotations

import re

from connectors.base import ASSIGNED, KEPT_EXISTING, UNKNOWN_GROUP, KnowledgeItem
from connectors.freshdesk.client import API, FreshdeskClient

PUBLISHED = 2
_TAG = re.compile(r"<[^>]+>")


def plain(html: str | None) -> str:
    return " ".join(_TAG.sub(" ", html or "").split())


def list_knowledge(client: FreshdeskClient, portal: str) -> list[KnowledgeItem]:
    """Categories → folders → articles, then canned-response folders → responses."""
    items = []
    for category in client.list_of(f"{API}/solutions/categories"):
        for folder in client.list_of(f"{API}/solutions/categories/{category['id']}/folders"):
            for article in client.list_of(f"{API}/solutions/folders/{folder['id']}/articles"):
                if article.get("status") != PUBLISHED:
                    continue
                items.append(KnowledgeItem(
                    "article", str(article["id"]), article.get("title") or "",
                    article.get("description_text") or plain(article.get("description")),
                    f"{portal}/support/solutions/articles/{article['id']}"))
    for folder in client.list_of(f"{API}/canned_response_folders"):
        for response in client.list_of(f"{API}/canned_response_folders/{folder['id']}/responses"):
            items.append(KnowledgeItem(
                "macro", str(response["id"]), response.get("title") or "",
                plain(response.get("content_html") or response.get("content"))))
    return items


def assign_group(client: FreshdeskClient, ticket_id: str, group: str) -> str:
    target = next((g["id"] for g in client.list_of(f"{API}/groups")
                   if str(g.get("id")) == group or (g.get("name") or "").lower() == group.lower()),
                  None)
    if target is None:
        return UNKNOWN_GROUP
    # The raw answer: the validated ticket schema keeps only the fields enrichment reads.
    if (client.get_json(f"{API}/tickets/{ticket_id}") or {}).get("group_id"):
        return KEPT_EXISTING
    client.update_ticket(ticket_id, {"group_id": target})
    return ASSIGNED
