"""Storage models. Alembic migrations in integration/migrations mirror these.

The events table is both the inbox (dedup on provider event id) and the outbox
(status + lease say whether a worker has it), so accepting an event is one
INSERT and one COMMIT.
"""
from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_installation_id() -> str:
    # Unguessable: it appears in webhook URLs, so it must not be enumerable.
    return "in_" + secrets.token_urlsafe(12)


class UTCDateTime(TypeDecorator):
    """Timezone-aware everywhere: SQLite drops tzinfo, so values are normalised to UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    pass


class EventStatus:
    PENDING = "pending"        # stored, not yet handed to the queue
    QUEUED = "queued"          # published to the broker
    PROCESSING = "processing"  # a worker holds the lease
    RETRYING = "retrying"      # failed, due again after a backoff (counts an attempt)
    WAITING = "waiting"        # flow control: budget, vendor Retry-After or re-authorisation
    DONE = "done"
    IGNORED = "ignored"        # genuine, but nothing to do (loop guard, stale, uninstalled)
    FAILED = "failed"          # dead-lettered: gave up, reason in last_error

    OPEN = (PENDING, QUEUED, PROCESSING, RETRYING, WAITING)
    READY = (PENDING, RETRYING, WAITING)   # on the installation's ready list once due
    IN_FLIGHT = (QUEUED, PROCESSING)      # counted against the installation's cap
    FINAL = (DONE, IGNORED, FAILED)


class Installation(Base):
    __tablename__ = "installations"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=new_installation_id)
    provider: Mapped[str] = mapped_column(String(32), nullable=False)
    account: Mapped[str] = mapped_column(String(255), nullable=False)
    api_base: Mapped[str | None] = mapped_column(String(500))
    credentials_encrypted: Mapped[str | None] = mapped_column(Text)
    webhook_secrets_encrypted: Mapped[str | None] = mapped_column(Text)
    settings: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    remote: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    status: Mapped[str] = mapped_column(String(32), default="active", nullable=False)
    # Paused: events wait (parked) and run on resume. Dry run: analyse, write nothing back.
    paused: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(),
                                         nullable=False)
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(),
                                          nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow,
                                                 nullable=False)
    uninstalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the dispatcher last handed out this installation's events: installations are
    # served least-recently-served first, so none waits behind another's backlog.
    last_dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Signs the agent sidebar's calls (Zendesk JWT key, Freshdesk app HMAC); made on demand.
    sidebar_secret_encrypted: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("provider", "account", name="uq_installations_provider_account"),
    )


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    installation_id: Mapped[str] = mapped_column(
        ForeignKey("installations.id", ondelete="CASCADE"), nullable=False)
    provider_event_id: Mapped[str] = mapped_column(String(255), nullable=False)
    ticket_id: Mapped[str] = mapped_column(String(64), nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    status: Mapped[str] = mapped_column(String(16), default=EventStatus.PENDING, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    # Flow-control waits are not attempts: counted apart, and never dead-letter by number
    # (only by age, TACTFUL_MAX_EVENT_AGE_H).
    waits: Mapped[int] = mapped_column(Integer, default=0, server_default="0", nullable=False)
    wait_reason: Mapped[str | None] = mapped_column(String(16))   # budget / vendor / reauth
    # Outbound calls already reserved from the installation's budget for the next run.
    prepaid_calls: Mapped[int] = mapped_column(Integer, default=0, server_default="0",
                                               nullable=False)
    # When the event is due (again); NULL means now. Its ready list is ordered by id.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The Celery task id holding the lease: a message requeued after its worker
    # died keeps its id, so it may take its own lease back at once.
    lease_holder: Mapped[str | None] = mapped_column(String(255))
    last_error: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow,
                                                 nullable=False)

    __table_args__ = (
        UniqueConstraint("installation_id", "provider_event_id", name="uq_events_dedup"),
        Index("ix_events_status_next", "status", "next_attempt_at"),
        Index("ix_events_ticket", "installation_id", "ticket_id"),
        Index("ix_events_ready", "installation_id", "status", "next_attempt_at"),
    )


class Enrichment(Base):
    """Audit of one enrichment: what was found, what was written, how long it took."""

    __tablename__ = "enrichments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    installation_id: Mapped[str] = mapped_column(
        ForeignKey("installations.id", ondelete="CASCADE"), nullable=False)
    ticket_id: Mapped[str] = mapped_column(String(64), nullable=False)
    ticket_version: Mapped[str | None] = mapped_column(String(64))
    analyzer_version: Mapped[str] = mapped_column(String(64), nullable=False)
    analysis: Mapped[dict] = mapped_column(JSON, nullable=False)
    written: Mapped[dict] = mapped_column(JSON, nullable=False)
    timings_ms: Mapped[dict] = mapped_column(JSON, nullable=False)
    # Computed but not written back (the installation was in dry-run mode).
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(),
                                          nullable=False)
    # The customer's message as analysed, for the console; retention clears it.
    message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    __table_args__ = (Index("ix_enrichments_ticket", "installation_id", "ticket_id"),
                      Index("ix_enrichments_trends", "installation_id", "created_at"))


class Effect(Base):
    """Ledger of side effects: the unique key makes a re-run change nothing twice."""

    __tablename__ = "effects"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    installation_id: Mapped[str] = mapped_column(
        ForeignKey("installations.id", ondelete="CASCADE"), nullable=False)
    ticket_id: Mapped[str] = mapped_column(String(64), nullable=False)
    op_key: Mapped[str] = mapped_column(String(255), nullable=False)
    event_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    __table_args__ = (UniqueConstraint("installation_id", "op_key", name="uq_effects_op"),)


class OAuthState(Base):
    """One-time OAuth `state` with its PKCE verifier; deleted when used."""

    __tablename__ = "oauth_states"

    state: Mapped[str] = mapped_column(String(128), primary_key=True)
    provider: Mapped[str] = mapped_column(String(32), nullable=False)
    account: Mapped[str | None] = mapped_column(String(255))
    code_verifier_encrypted: Mapped[str | None] = mapped_column(Text)
    redirect_uri: Mapped[str] = mapped_column(String(500), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


class Lock(Base):
    """Named leases (token refresh single-flight, sweeper) that work on SQLite and PostgreSQL."""

    __tablename__ = "locks"

    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    holder: Mapped[str] = mapped_column(String(255), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


class BackfillState:
    QUEUED = "queued"          # created, its task not started yet
    RUNNING = "running"        # listing pages and storing events
    WAITING = "waiting"        # rate limited: resumes at next_run_at
    LISTED = "listed"          # every page read; its events drain through the queue
    FAILED = "failed"          # the listing stopped: reason in last_error

    ACTIVE = (QUEUED, RUNNING, WAITING)


class Backfill(Base):
    """One backfill run: what it lists, where its listing stands, and its counters.

    The cursor is the vendor's, saved after every page, so a run whose worker died
    resumes where it stopped; the events it created are those of its installation
    with a `backfill:` provider id between first_event_id and last_event_id.
    """

    __tablename__ = "backfills"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    installation_id: Mapped[str] = mapped_column(
        ForeignKey("installations.id", ondelete="CASCADE"), nullable=False)
    since: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    ticket_status: Mapped[str | None] = mapped_column(String(16))
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    state: Mapped[str] = mapped_column(String(16), default=BackfillState.QUEUED,
                                       nullable=False)
    cursor: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    pages: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    found: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    enqueued: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    skipped: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    first_event_id: Mapped[int | None] = mapped_column(BigInteger)
    last_event_id: Mapped[int | None] = mapped_column(BigInteger)
    # A dry run's answer: the first tickets it would enqueue.
    preview: Mapped[list | None] = mapped_column(JSON(none_as_null=True))
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow,
                                                 nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_backfills_installation", "installation_id", "state"),)


class FeedbackVerdict:
    AGREE = "agree"                        # an agent said the label was right
    WRONG = "wrong"                        # an agent said it was wrong
    TAG_REMOVED = "tag_removed"            # someone removed a tag we added
    PRIORITY_CHANGED = "priority_changed"  # someone changed the priority we set

    FROM_AGENTS = (AGREE, WRONG)
    FROM_EDITS = (TAG_REMOVED, PRIORITY_CHANGED)


class AgentFeedback(Base):
    """What agents said about a label ("Was this right?") and edits that undid our writes.

    `dedup_key` makes both idempotent: an agent's second answer on the same label of the
    same enrichment replaces the first; an edit seen on every later fetch is counted once.
    """

    __tablename__ = "agent_feedback"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    installation_id: Mapped[str] = mapped_column(
        ForeignKey("installations.id", ondelete="CASCADE"), nullable=False)
    ticket_id: Mapped[str] = mapped_column(String(64), nullable=False)
    enrichment_id: Mapped[int | None] = mapped_column(
        ForeignKey("enrichments.id", ondelete="SET NULL"))
    label: Mapped[str] = mapped_column(String(32), nullable=False)
    value: Mapped[str | None] = mapped_column(String(255))
    verdict: Mapped[str] = mapped_column(String(32), nullable=False)
    agent_id: Mapped[str | None] = mapped_column(String(64))
    dedup_key: Mapped[str] = mapped_column(String(255), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    __table_args__ = (
        UniqueConstraint("installation_id", "dedup_key", name="uq_agent_feedback_dedup"),
        Index("ix_agent_feedback_installation_time", "installation_id", "created_at"),
    )


class CustomerMessage(Base):
    """One analysed customer message in a requester's timeline (customer memory).

    Keyed by the vendor's requester / contact id; holds labels only, never the text,
    the name or the email, so `customers forget` and retention have little to find.
    """

    __tablename__ = "customer_messages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    installation_id: Mapped[str] = mapped_column(
        ForeignKey("installations.id", ondelete="CASCADE"), nullable=False)
    requester_id: Mapped[str] = mapped_column(String(128), nullable=False)
    ticket_id: Mapped[str] = mapped_column(String(64), nullable=False)
    message_key: Mapped[str] = mapped_column(String(255), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    sentiment: Mapped[float] = mapped_column(Float, nullable=False)
    emotions: Mapped[list] = mapped_column(JSON, nullable=False)
    topic: Mapped[str] = mapped_column(String(64), nullable=False)
    language: Mapped[str] = mapped_column(String(16), nullable=False)
    urgency: Mapped[str] = mapped_column(String(16), nullable=False)
    flags: Mapped[list] = mapped_column(JSON, nullable=False)
    escalated: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    vip: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Knowledge ids recommended for this message ("kind:id"): what earlier tickets were
    # pointed to, so a returning customer's or topic's items rank first.
    recommended: Mapped[list] = mapped_column(JSON, nullable=False, default=list)

    __table_args__ = (
        UniqueConstraint("installation_id", "message_key", name="uq_customer_messages_key"),
        Index("ix_customer_messages_requester", "installation_id", "requester_id", "at"),
    )


class KnowledgeItem(Base):
    """A help-centre article, macro or canned response indexed for recommendations."""

    __tablename__ = "knowledge_items"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    installation_id: Mapped[str] = mapped_column(
        ForeignKey("installations.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)       # article / macro
    external_id: Mapped[str] = mapped_column(String(64), nullable=False)
    title: Mapped[str] = mapped_column(String(500), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    url: Mapped[str | None] = mapped_column(String(1000))
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow,
                                                   nullable=False)

    __table_args__ = (
        UniqueConstraint("installation_id", "kind", "external_id", name="uq_knowledge_item"),
    )
