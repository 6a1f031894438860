"""Value types shared by analysis, policy and drafting.

These are the contract between the pure domain and everything around it
(tasks, CLI, web API). They hold values only: no I/O, no Flask, no database.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

EMOTIONS: tuple[str, ...] = (
    "frustration", "anger", "confusion", "anxiety", "disappointment", "gratitude",
)
SENTIMENT_LABELS: tuple[str, ...] = ("negative", "neutral", "positive", "unknown")
URGENCY_LEVELS: tuple[str, ...] = ("low", "normal", "high")
PRIORITIES: tuple[str, ...] = ("low", "normal", "high", "urgent")
FLAGS: tuple[str, ...] = ("complaint", "churn_risk", "repeated_contact", "abusive", "resolved")
TRENDS: tuple[str, ...] = ("improving", "steady", "worsening")
TOPICS: tuple[str, ...] = (
    "billing", "refund", "cancellation", "technical_problem", "account_access",
    "shipping_delivery", "feature_request", "praise", "security_fraud", "other",
)


@dataclass(frozen=True)
class Sentiment:
    label: str          # one of SENTIMENT_LABELS
    score: float        # -1 .. 1
    confidence: float   # 0 .. 1


@dataclass(frozen=True)
class Analysis:
    """What the analyzer found in one customer message."""

    language: str                       # ISO 639-1, or "und" when undecidable
    sentiment: Sentiment
    emotions: dict[str, float]          # every name in EMOTIONS -> 0..1
    detected: list[str]                 # emotions above their thresholds
    evidence: dict[str, list[str]]      # label -> phrases/patterns that fired
    urgency: str                        # one of URGENCY_LEVELS
    flags: dict[str, bool]              # every name in FLAGS
    topic: str                          # a topic key (default taxonomy or installation's)
    analyzer_version: str = "unknown"
    # Sentiment across the customer's messages in the thread (one of TRENDS), or None
    # when only one message was read.
    trend: str | None = None
    # 0..1 from the language detector; 0 when the text was too short to tell and
    # `language` is the installation's default.
    language_confidence: float = 0.0

    def to_dict(self) -> dict:
        out = asdict(self)
        out.pop("analyzer_version")
        if out["trend"] is None:
            out.pop("trend")
        return out


@dataclass(frozen=True)
class TicketFacts:
    """Facts about the ticket (not the text) that policy may weigh."""

    existing_priority: str | None = None   # one of PRIORITIES, or None
    tags: tuple[str, ...] = ()
    requester_name: str | None = None
    customer: object | None = None         # memory.CustomerSignals, when memory is on


@dataclass(frozen=True)
class Decision:
    """What policy decided from an Analysis + installation settings + TicketFacts."""

    priority: str                       # one of PRIORITIES
    reasons: list[str]
    tags: list[str]                     # full tag names, prefix applied, sorted
    escalate: bool
    custom_fields: dict[str, str] = field(default_factory=dict)  # logical name -> value

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Draft:
    """The internal note for the agent, and the suggested reply inside it."""

    note: str
    reply: str | None
    tips: list[str]
    disclosure: bool = True

    def to_dict(self) -> dict:
        return asdict(self)
