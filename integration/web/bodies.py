"""Reading request bodies: the size limit, chunked bodies, and JSON with a nesting limit.

Every endpoint that takes a JSON body parses it here, so one rule holds for all of
them: bad input is a 400 with the reason, an oversized body a 413, never a 500.
"""
from __future__ import annotations

import json

from flask import Flask, abort, current_app, request

from connectors.errors import PayloadError

# Vendor payloads nest about ten levels; 32 leaves room and stays far from the
# recursion limit of the JSON decoder, marshmallow and the database's JSON encoder.
MAX_JSON_DEPTH = 32


def init_app(app: Flask) -> None:
    app.before_request(refuse_oversized_chunked_bodies)


def refuse_oversized_chunked_bodies():
    """413 for a chunked body over the limit.

    With a Content-Length werkzeug refuses an oversized body before reading it. A
    chunked body has none, and werkzeug then reads up to the limit and silently stops
    there: the caller got a 401 (signature over a cut body) or a 400 instead of a 413.
    """
    if request.content_length is not None or "chunked" not in \
            request.headers.get("Transfer-Encoding", "").lower():
        return None
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    data = request.get_data(cache=True)
    if limit is not None and len(data) >= limit and _more_to_read():
        abort(413)
    return None


def _more_to_read() -> bool:
    # The limited stream stopped at the limit; the server's own stream says whether
    # the client sent more.
    raw = request.environ.get("wsgi.input")
    try:
        return bool(raw is not None and raw.read(1))
    except (OSError, ValueError):
        return False


def json_object(raw: bytes, *, mimetype: str | None = None) -> dict:
    """The body as a JSON object, or PayloadError saying what is wrong with it."""
    if mimetype and mimetype != "application/json" and not mimetype.endswith("+json"):
        raise PayloadError(f"content type must be application/json, not {mimetype}")
    try:
        payload = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PayloadError(f"body is not valid JSON: {exc}") from None
    except RecursionError:
        raise PayloadError(f"body nests deeper than {MAX_JSON_DEPTH} levels") from None
    if not isinstance(payload, dict):
        raise PayloadError("body must be a JSON object")
    # Cheap first: a body with fewer brackets than the limit cannot nest deeper.
    if raw.count(b"{") + raw.count(b"[") > MAX_JSON_DEPTH and \
            depth_of(payload) > MAX_JSON_DEPTH:
        raise PayloadError(f"body nests deeper than {MAX_JSON_DEPTH} levels")
    return payload


def depth_of(value) -> int:
    """Nesting depth of parsed JSON, without recursion (the input may be hostile)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest


def request_json_object() -> dict:
    """The current request's body as a JSON object (any JSON content type, or none)."""
    return json_object(request.get_data(cache=True), mimetype=request.mimetype or None)
