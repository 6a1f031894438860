"""Intercom knowledge (published Help Center articles) and team assignment."""
from __future__ import annotations

import re

from connectors.base import ASSIGNED, KEPT_EXISTING, UNKNOWN_GROUP, KnowledgeItem
from connectors.intercom.client import IntercomClient

MAX_PAGES = 20
_TAG = re.compile(r"<[^>]+>")


def plain(html: str | None) -> str:
    return " ".join(_TAG.sub(" ", html or "").split())


def list_knowledge(client: IntercomClient) -> list[KnowledgeItem]:
    items, page = [], 1
    for _ in range(MAX_PAGES):
        data = client.get_json("/articles", params={"page": page, "per_page": 50})
        for article in data.get("data") or []:
            if article.get("state", "published") == "published":
                items.append(KnowledgeItem("article", str(article["id"]),
                                           article.get("title") or "",
                                           plain(article.get("body")), article.get("url")))
        pages = data.get("pages") or {}
        if page >= int(pages.get("total_pages") or 1):
            break
        page += 1
    return items


def assign_group(client: IntercomClient, admin_id: str, conversation_id: str, group: str) -> str:
    teams = client.get_json("/teams").get("teams") or []
    target = next((str(t["id"]) for t in teams
                   if str(t.get("id")) == group or (t.get("name") or "").lower() == group.lower()),
                  None)
    if target is None:
        return UNKNOWN_GROUP
    # Raw answer (the validated schema keeps only what enrichment reads); Intercom reports
    # an unassigned team as "0" or null.
    current = client.get_json(f"/conversations/{conversation_id}").get("team_assignee_id")
    if str(current or "0") != "0":
        return KEPT_EXISTING
    client.request("POST", f"/conversations/{conversation_id}/parts", json={
        "message_type": "assignment", "type": "team", "admin_id": admin_id,
        "assignee_id": target})
    return ASSIGNED
