"""Ticket listings in the sandbox, as each vendor pages them (what a backfill reads).

- Zendesk `GET /api/v2/search/export`: the query subset Tactful sends
  (`updated>TIME`, `status:X`, `status<X`), ordered by creation, cursor paginated.
- Freshdesk `GET /api/v2/tickets`: `updated_since`, `order_by`, `order_type`,
  `per_page` (at most 100), `page` (at most 300), a `Link` header to the next page.
- Intercom `POST /conversations/search`: `updated_at` and `state` filters joined by
  AND, `pagination.per_page` (at most 150) and `starting_after`.

Cursors are keysets (the last id served), so tickets created while a listing
pages through do not shift later pages.
"""
from __future__ import annotations

import base64
import re
from datetime import UTC, datetime

from flask import Blueprint, abort, g, jsonify, request

from integration.sandbox.core import Sandbox

ZENDESK_STATUSES = ("new", "open", "pending", "hold", "solved", "closed")
_ZENDESK_TERM = re.compile(r"^(updated|status)([:<>])(\S+)$")
FRESHDESK_MAX_PAGES, FRESHDESK_MAX_PER_PAGE = 300, 100
INTERCOM_MAX_PER_PAGE = 150


def _cursor(last_id) -> str:
    return base64.urlsafe_b64encode(f"after:{last_id}".encode()).decode()


def _after(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        return int(base64.urlsafe_b64decode(cursor.encode()).decode().removeprefix("after:"))
    except (ValueError, UnicodeDecodeError):
        abort(400, description="invalid cursor")


def _iso(value: str) -> str:
    """A query time, normalised to the form the sandbox stores (Z, whole seconds)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        abort(400, description=f"invalid time {value!r}")
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- Zendesk -----------------------------------------------------------------------

def _zendesk_filter(query: str):
    tests = []
    for term in query.split():
        match = _ZENDESK_TERM.match(term)
        if match is None:
            abort(400, description=f"the sandbox does not search on {term!r}")
        name, op, value = match.groups()
        if name == "updated":
            if op != ">":
                abort(400, description="the sandbox supports updated>TIME only")
            since = _iso(value)
            tests.append(lambda t, s=since: t["updated_at"] > s)
        else:
            if value not in ZENDESK_STATUSES or op == ">":
                abort(400, description=f"unsupported status term {term!r}")
            rank = ZENDESK_STATUSES.index(value)
            tests.append((lambda t, r=rank: ZENDESK_STATUSES.index(t["status"]) < r)
                         if op == "<" else (lambda t, v=value: t["status"] == v))
    return lambda ticket: all(test(ticket) for test in tests)


def add_zendesk_routes(bp: Blueprint, sandbox: Sandbox) -> None:
    @bp.get("/api/v2/search/export")
    @bp.get("/api/v2/search/export.json")
    def search_export():
        args = request.args
        if args.get("filter[type]") != "ticket":
            abort(400, description="filter[type] must be given (the sandbox exports tickets)")
        if "type:" in args.get("query", ""):
            abort(400, description="give the type in filter[type], not in the query")
        size = args.get("page[size]", 100, type=int)
        if not 1 <= size <= 1000:
            abort(400, description="page[size] must be between 1 and 1000")
        keep, after = _zendesk_filter(args.get("query", "")), _after(args.get("page[after]"))
        with sandbox.lock:
            found = [dict(t, result_type="ticket") for number, t in
                     sorted(g.account.data["tickets"].items()) if number > after and keep(t)]
        page, more = found[:size], len(found) > size
        cursor = _cursor(page[-1]["id"]) if page else None
        return {"results": page, "facets": None,
                "meta": {"has_more": more, "after_cursor": cursor, "before_cursor": None},
                "links": {"prev": None, "next": (f"{request.base_url}?page[after]={cursor}"
                                                 if more else None)}}


# -- Freshdesk ---------------------------------------------------------------------

def add_freshdesk_routes(bp: Blueprint, sandbox: Sandbox) -> None:
    @bp.get("/api/v2/tickets")
    def list_tickets():
        args = request.args
        per_page = args.get("per_page", 30, type=int)
        page = args.get("page", 1, type=int)
        if not 1 <= per_page <= FRESHDESK_MAX_PER_PAGE:
            return _freshdesk_invalid("per_page", "It should be between 1 and 100")
        if not 1 <= page <= FRESHDESK_MAX_PAGES:
            return _freshdesk_invalid("page", f"It should be between 1 and {FRESHDESK_MAX_PAGES}")
        order_by = args.get("order_by", "created_at")
        if order_by not in ("created_at", "updated_at", "status"):
            return _freshdesk_invalid("order_by", "It should be created_at, updated_at, status")
        since = _iso(args["updated_since"]) if "updated_since" in args else None
        with sandbox.lock:
            found = [dict(t, tags=list(t["tags"])) for t in g.account.data["tickets"].values()
                     if since is None or t["updated_at"] >= since]
        found.sort(key=lambda t: (t[order_by], t["id"]),
                   reverse=args.get("order_type", "desc") != "asc")
        response = jsonify(found[(page - 1) * per_page:page * per_page])
        if page * per_page < len(found) and page < FRESHDESK_MAX_PAGES:
            query = request.args.to_dict() | {"page": page + 1}
            link = "&".join(f"{k}={v}" for k, v in query.items())
            response.headers["Link"] = f'<{request.base_url}?{link}>; rel="next"'
        return response


def _freshdesk_invalid(field: str, message: str):
    return jsonify({"description": "Validation failed",
                    "errors": [{"field": field, "message": message,
                                "code": "invalid_value"}]}), 400


# -- Intercom ----------------------------------------------------------------------

def _intercom_test(query: dict):
    if query.get("operator") in ("AND", "OR"):
        tests = [_intercom_test(q) for q in query.get("value") or []]
        join = all if query["operator"] == "AND" else any
        return lambda c: join(test(c) for test in tests)
    field, op, value = query.get("field"), query.get("operator"), query.get("value")
    if field not in ("updated_at", "state") or op not in (">", "<", "=", "!="):
        abort(400, description=f"the sandbox does not search on {field!r} {op!r}")
    compare = {">": lambda a, b: a > b, "<": lambda a, b: a < b,
               "=": lambda a, b: a == b, "!=": lambda a, b: a != b}[op]
    return lambda c: compare(c[field], value)


def add_intercom_routes(bp: Blueprint, sandbox: Sandbox, render) -> None:
    @bp.post("/conversations/search")
    def search_conversations(account_name):
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("query"), dict):
            abort(400, description="a query object is required")
        paging = body.get("pagination") or {}
        per_page = int(paging.get("per_page") or 20)
        if not 1 <= per_page <= INTERCOM_MAX_PER_PAGE:
            abort(400, description="per_page must be between 1 and 150")
        keep, after = _intercom_test(body["query"]), _after(paging.get("starting_after"))
        with sandbox.lock:
            found = [c for c in sorted(g.account.data["conversations"].values(),
                                       key=lambda c: int(c["id"]))
                     if int(c["id"]) > after and keep(c)]
            page = [render(g.account, c) for c in found[:per_page]]
        more = len(found) > per_page
        pages = {"type": "pages", "page": 1, "per_page": per_page,
                 "total_pages": -(-len(found) // per_page)}
        if more:
            pages["next"] = {"page": 2, "starting_after": _cursor(page[-1]["id"])}
        return {"type": "conversation.list", "conversations": page,
                "total_count": len(found), "pages": pages}
