"""Knowledge and group routes for every sandbox vendor, on the shared sample knowledge base.

Zendesk: Help Center articles, active macros, groups (group_id on the ticket).
Freshdesk: solution categories → folders → articles, canned-response folders → responses,
groups (group_id on the ticket). Intercom: articles, teams, team assignment through
conversation parts. Each account gets the sample articles and groups on first use.
"""
from __future__ import annotations

from flask import Blueprint, g, request

from integration.sandbox.knowledge import sample_knowledge

GROUPS = ("Billing", "Technical support", "Accounts")
MACROS = (
    ("Refund issued", "Apologise and confirm the refund", "Your refund is on its way: refunds "
     "reach the card within five to ten days."),
    ("Password reset link", "Send a fresh reset link", "Here is a new password reset link; the "
     "reset email expires after one hour."),
    ("Parcel tracking", "Share the shipment tracking", "Your parcel's tracking number appears "
     "once the courier scans the shipment."),
)


def _articles(page: int = 1, size: int = 100) -> tuple[list[dict], bool]:
    every = sample_knowledge()["articles"]
    return every[(page - 1) * size:page * size], page * size < len(every)


def _numeric(article_id: str) -> int:
    return 360_000_000 + sample_knowledge()["articles"].index(
        next(a for a in sample_knowledge()["articles"] if a["id"] == article_id))


def _groups(prefix: int) -> list[dict]:
    return [{"id": prefix + i, "name": name} for i, name in enumerate(GROUPS, start=1)]


def add_zendesk_routes(bp: Blueprint) -> None:
    @bp.get("/api/v2/help_center/articles.json")
    def zendesk_articles():
        page = request.args.get("page", 1, type=int)
        items, more = _articles(page, min(100, request.args.get("page[size]", 30, type=int)))
        base = request.base_url
        return {"articles": [{"id": _numeric(a["id"]), "title": a["title"],
                              "body": f"<p>{a['body']}</p>", "label_names": a["labels"],
                              "draft": False, "html_url": f"https://{g.account_name}.zendesk.com"
                              f"/hc/en-us/articles/{_numeric(a['id'])}"} for a in items],
                "meta": {"has_more": more},
                "links": {"next": f"{base}?page={page + 1}" if more else None}}

    @bp.get("/api/v2/macros/active.json")
    def zendesk_macros():
        return {"macros": [{"id": 900 + i, "title": t, "description": d, "active": True,
                            "actions": [{"field": "comment_value", "value": v}]}
                           for i, (t, d, v) in enumerate(MACROS, start=1)],
                "meta": {"has_more": False}}

    @bp.get("/api/v2/groups.json")
    def zendesk_groups():
        return {"groups": _groups(5000), "meta": {"has_more": False}}


def add_freshdesk_routes(bp: Blueprint) -> None:
    folders = sorted({a["area"] for a in sample_knowledge()["articles"]})

    @bp.get("/api/v2/solutions/categories")
    def freshdesk_categories():
        return [{"id": 7001, "name": "Help centre"}]

    @bp.get("/api/v2/solutions/categories/<int:category_id>/folders")
    def freshdesk_folders(category_id: int):
        return [{"id": 8000 + i, "name": f} for i, f in enumerate(folders)] \
            if category_id == 7001 else []

    @bp.get("/api/v2/solutions/folders/<int:folder_id>/articles")
    def freshdesk_articles(folder_id: int):
        area = folders[folder_id - 8000] if 0 <= folder_id - 8000 < len(folders) else None
        return [{"id": _numeric(a["id"]), "title": a["title"], "status": 2,
                 "description": f"<p>{a['body']}</p>",
                 "description_text": " ".join([a["body"], *a["labels"]])}
                for a in sample_knowledge()["articles"] if a["area"] == area]

    @bp.get("/api/v2/canned_response_folders")
    def freshdesk_canned_folders():
        return [{"id": 6001, "name": "General"}]

    @bp.get("/api/v2/canned_response_folders/<int:folder_id>/responses")
    def freshdesk_canned(folder_id: int):
        return [{"id": 600 + i, "title": t, "content_html": f"<p>{v}</p>"}
                for i, (t, _, v) in enumerate(MACROS, start=1)] if folder_id == 6001 else []

    @bp.get("/api/v2/groups")
    def freshdesk_groups():
        return _groups(4000)


def add_intercom_routes(bp: Blueprint) -> None:
    @bp.get("/articles")
    def intercom_articles(account_name):
        page = max(1, request.args.get("page", 1, type=int))
        size = min(150, request.args.get("per_page", 50, type=int))
        items, _ = _articles(page, size)
        total = -(-len(sample_knowledge()["articles"]) // size)
        return {"type": "list", "pages": {"page": page, "per_page": size,
                                          "total_pages": total},
                "data": [{"type": "article", "id": str(_numeric(a["id"])), "title": a["title"],
                          "body": f"<p>{a['body']} {' '.join(a['labels'])}</p>",
                          "state": "published",
                          "url": f"https://intercom.help/{account_name}/en/articles/"
                          f"{_numeric(a['id'])}"} for a in items]}

    @bp.get("/teams")
    def intercom_teams(account_name):
        return {"type": "team.list",
                "teams": [{"type": "team", "id": str(t["id"]), "name": t["name"]}
                          for t in _groups(3000)]}
