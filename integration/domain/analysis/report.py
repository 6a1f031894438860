"""The one output object shared by `tactful analyze` and `POST /api/analyze`."""
from __future__ import annotations

from .types import TicketFacts


def analysis_record(text: str, *, settings: dict | None = None, facts: TicketFacts | None = None,
                    name: str | None = None, draft: bool = False,
                    policy_settings: dict | None = None,
                    drafting_settings: dict | None = None,
                    thread: list[str] | None = None) -> dict:
    """Analysis + policy decision (+ the drafted reply when asked) as a JSON-ready dict."""
    # Imported here: the assessment module imports this package.
    from ..assessment import assess

    result = assess(text, name=name, facts=facts, with_draft=draft, thread=thread, settings={
        "analysis": settings, "policy": policy_settings, "drafting": drafting_settings})
    record = result.analysis.to_dict()
    record.update(priority=result.decision.priority, reasons=result.decision.reasons,
                  tags=result.decision.tags, escalate=result.decision.escalate)
    if result.draft is not None:
        record["draft"] = result.draft.to_dict()
    return record
