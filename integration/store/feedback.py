"""Agent feedback, detected edits and the accuracy they measure, per installation and label.

Labels are the things a sidebar shows and an agent can judge: sentiment, emotions,
urgency, topic, priority (plus flags and language, which only edits can speak to).
"Shown" counts the enrichments in the window, since every enrichment shows every label.
"""
from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from integration.store.crypto import Keyring
from integration.store.models import AgentFeedback, Enrichment, FeedbackVerdict, Installation

LABELS = ("sentiment", "emotions", "urgency", "topic", "priority")
EDIT_ONLY_LABELS = ("flags", "language")


@dataclass(frozen=True)
class LabelAccuracy:
    label: str
    shown: int
    agreed: int
    said_wrong: int
    tag_removed: int
    priority_changed: int

    @property
    def agreement_rate(self) -> float | None:
        """Agreed over all judgements (answers and undoing edits); None with none at all."""
        judged = self.agreed + self.said_wrong + self.tag_removed + self.priority_changed
        return round(self.agreed / judged, 3) if judged else None

    def to_dict(self) -> dict:
        return {**asdict(self), "agreement_rate": self.agreement_rate}


def latest_enrichment(session: Session, installation_id: str, ticket_id: str) -> Enrichment | None:
    return session.scalar(
        select(Enrichment).where(Enrichment.installation_id == installation_id,
                                 Enrichment.ticket_id == ticket_id)
        .order_by(Enrichment.id.desc()).limit(1))


def record_answer(session: Session, *, installation_id: str, enrichment: Enrichment, label: str,
                  value: str | None, verdict: str, agent_id: str | None) -> AgentFeedback:
    """An agent's "Was this right?" answer; answering again replaces the earlier answer."""
    key = f"agent:{enrichment.id}:{label}:{agent_id or '-'}"
    row = session.scalar(select(AgentFeedback).where(
        AgentFeedback.installation_id == installation_id, AgentFeedback.dedup_key == key))
    if row is None:
        row = AgentFeedback(installation_id=installation_id, dedup_key=key)
        session.add(row)
    row.ticket_id, row.enrichment_id = enrichment.ticket_id, enrichment.id
    row.label, row.value, row.verdict, row.agent_id = label, value, verdict, agent_id
    session.flush()
    return row


def record_edit(session: Session, *, installation_id: str, ticket_id: str, enrichment_id: int,
                label: str, value: str, verdict: str) -> bool:
    """One undoing edit, counted once however often later fetches see it. True if new."""
    key = f"edit:{enrichment_id}:{label}:{verdict}:{value}"[:255]
    try:
        with session.begin_nested():
            session.add(AgentFeedback(installation_id=installation_id, ticket_id=ticket_id,
                                      enrichment_id=enrichment_id, label=label, value=value,
                                      verdict=verdict, dedup_key=key))
        return True
    except IntegrityError:
        return False


def accuracy(session: Session, installation_id: str, since: datetime | None = None
             ) -> list[LabelAccuracy]:
    shown_q = select(func.count(Enrichment.id)).where(
        Enrichment.installation_id == installation_id)
    counts_q = select(AgentFeedback.label, AgentFeedback.verdict, func.count()).where(
        AgentFeedback.installation_id == installation_id).group_by(
        AgentFeedback.label, AgentFeedback.verdict)
    if since is not None:
        shown_q = shown_q.where(Enrichment.created_at >= since)
        counts_q = counts_q.where(AgentFeedback.created_at >= since)
    shown = session.scalar(shown_q) or 0
    counts: dict[tuple[str, str], int] = {(label, verdict): n
                                          for label, verdict, n in session.execute(counts_q)}
    labels = list(LABELS) + [label for label in EDIT_ONLY_LABELS
                             if any(key[0] == label for key in counts)]
    return [LabelAccuracy(
        label=label, shown=shown,
        agreed=counts.get((label, FeedbackVerdict.AGREE), 0),
        said_wrong=counts.get((label, FeedbackVerdict.WRONG), 0),
        tag_removed=counts.get((label, FeedbackVerdict.TAG_REMOVED), 0),
        priority_changed=counts.get((label, FeedbackVerdict.PRIORITY_CHANGED), 0),
    ) for label in labels]


def sidebar_secret(session: Session, keyring: Keyring, row: Installation,
                   rotate: bool = False) -> str:
    """The installation's sidebar secret, made on first use (or anew with rotate=True)."""
    if row.sidebar_secret_encrypted and not rotate:
        return keyring.decrypt_json(row.sidebar_secret_encrypted)
    secret = secrets.token_urlsafe(32)
    row.sidebar_secret_encrypted = keyring.encrypt_json(secret)
    session.flush()
    return secret


def stored_sidebar_secret(keyring: Keyring, row: Installation) -> str | None:
    return keyring.decrypt_json(row.sidebar_secret_encrypted) \
        if row.sidebar_secret_encrypted else None


def parse_since(text: str | None, now: datetime) -> datetime | None:
    """"30d", "12h", "2w" before `now`, or an ISO date; None/"" means all time."""
    if not text:
        return None
    text = text.strip().lower()
    units = {"h": 3600, "d": 86400, "w": 7 * 86400}
    if text[:-1].isdigit() and text[-1] in units:
        return now - timedelta(seconds=int(text[:-1]) * units[text[-1]])
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"since must look like 30d, 12h, 2w or 2026-11-01, not {text!r}") \
            from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def accuracy_report(session: Session, installation_id: str, since: datetime | None) -> dict:
    rows = accuracy(session, installation_id, since)
    return {"installation_id": installation_id,
            "since": since.isoformat() if since else None,
            "labels": [r.to_dict() for r in rows]}
