"""Building blocks for sidebar tests: installations with sidebar secrets, real stored
enrichments, and each vendor's way of signing a sidebar call (computed, never pasted)."""
from __future__ import annotations

import json
import time

import jwt

from connectors.base import Ticket
from integration.pipeline.enrichment import MemoryContext, plan_enrichment
from integration.pipeline.process import _stored_analysis
from integration.store import feedback, installations
from integration.store.models import Enrichment
from integration.web.sidebar_auth import freshdesk_signature, intercom_signature

PUBLIC_URL = "http://127.0.0.1:8000"
INTERCOM_SECRET = "intercom-client-secret-for-tests"
ANGRY = ("I was charged twice and nobody answers! This is the third time I write. "
         "When will I get my refund?")


def make_installation(db, keyring, provider: str, account: str) -> tuple[str, str]:
    """(installation id, sidebar secret) for an active installation."""
    with db.session() as session:
        row = installations.create(session, keyring, provider=provider, account=account,
                                   api_base=f"https://{account}.example",
                                   credentials={"access_token": "t"})
        return row.id, feedback.sidebar_secret(session, keyring, row)


# A small help centre for ANGRY ("charged twice … my refund"): two matching articles, a
# matching macro (a canned response in Freshdesk), and one that must not be suggested.
KNOWLEDGE = [
    {"kind": "article", "external_id": "101", "title": "Why was I charged twice?",
     "body": "A duplicate charge on your card is reversed within a day.",
     "url": "https://help.acme.example/articles/101"},
    {"kind": "article", "external_id": "102", "title": "When will I get my refund?",
     "body": "Refunds reach the card within five to ten days.",
     "url": "https://help.acme.example/articles/102"},
    {"kind": "macro", "external_id": "901", "title": "Refund issued",
     "body": "Your refund is on its way: refunds reach the card within five to ten days.",
     "url": None},
    {"kind": "article", "external_id": "103", "title": "Resetting your password",
     "body": "Use the reset link in the email.", "url": "https://help.acme.example/articles/103"},
]
ROUTING = {"mode": "suggest", "rules": [{"when": {"topic": "account_access"}, "group": "Accounts"},
                                        {"when": {"topic": ["billing", "refund"]},
                                         "group": "Billing"}]}


def add_knowledge(db, installation_id: str, items: list[dict] = KNOWLEDGE):
    """Index `items` for the installation; returns its BM25 index, built as processing does."""
    from integration.pipeline.memory import knowledge_index
    from integration.store import knowledge
    knowledge.replace_all(db, installation_id, items)
    return knowledge_index(db, installation_id)


def add_enrichment(db, installation_id: str, ticket_id: str, message: str = ANGRY,
                   name: str = "Rachel Green", priority_written: str | None = "high",
                   tags_written: tuple[str, ...] | None = None, settings: dict | None = None,
                   knowledge=None, written: dict | None = None) -> int:
    """Store what the pipeline stores for one processed customer message (with `knowledge`,
    an index from add_knowledge, it recommends; with routing `settings`, it routes)."""
    ticket = Ticket(id=ticket_id, subject="Charged twice", latest_message=message,
                    latest_message_id=f"m-{ticket_id}", latest_message_author_id="c1",
                    requester_name=name, tags=(), priority="normal", version="v1")
    plan = plan_enrichment(ticket, settings or {}, MemoryContext(knowledge=knowledge))
    written = {"tags": list(tags_written if tags_written is not None
                            else plan.enrichment.add_tags),
               "priority": priority_written, "fields": {}, "note": True, "reply": False,
               "already_applied": False, **(written or {})}
    with db.session() as session:
        row = Enrichment(installation_id=installation_id, ticket_id=ticket_id,
                         ticket_version="v1", analyzer_version="test",
                         analysis=_stored_analysis(plan, ticket), written=written,
                         timings_ms={})
        session.add(row)
        session.flush()
        return row.id


def zendesk_headers(secret: str, account: str, *, agent: str = "9001", audience=PUBLIC_URL,
                    expires_in: int = 300, algorithm: str = "HS256") -> dict:
    now = int(time.time())
    claims = {"iss": f"https://{account}.zendesk.com", "aud": audience, "sub": agent,
              "iat": now, "exp": now + expires_in}
    return {"Authorization": f"Bearer {jwt.encode(claims, secret, algorithm=algorithm)}"}


def freshdesk_headers(secret: str, installation_id: str, method: str, path: str,
                      body: bytes = b"", timestamp: int | None = None) -> dict:
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    return {"X-Tactful-Installation": installation_id, "X-Tactful-Timestamp": stamp,
            "X-Tactful-Signature": freshdesk_signature(secret, stamp, method, path, body)}


def intercom_request(body: dict, secret: str = INTERCOM_SECRET) -> tuple[bytes, dict]:
    raw = json.dumps(body).encode()
    return raw, {"X-Body-Signature": intercom_signature(secret, raw),
                 "Content-Type": "application/json"}


def canvas_body(workspace: str, conversation_id: str, **extra) -> dict:
    return {"workspace_id": workspace, "admin": {"id": "814", "type": "admin"},
            "conversation": {"id": conversation_id},
            "context": {"conversation_id": conversation_id, "locale": "en",
                        "location": "conversation"}, **extra}
