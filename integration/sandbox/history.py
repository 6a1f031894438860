"""Tickets with a past, for learned routing: how Freshdesk and Intercom keep solve facts.

A sample given to `POST /_sandbox/<vendor>/<account>/tickets` may carry `status`
("open", "pending", "solved" or "closed"), `group_id` (a group / team id), `created_at`
and `solved_at` (ISO 8601) and `reopens` (a count). Each vendor keeps them its own way:

- Freshdesk: `status` codes 2-5, `group_id`, and a `stats` object served with
  `include=stats` (`resolved_at`, or only `closed_at` for a ticket closed straight away,
  and `reopened_at`: Freshdesk counts no reopenings, it keeps the last one's time).
- Intercom: `state` ("closed" for solved and closed), `team_assignee_id`, unix
  `created_at`, and `statistics` with `last_close_at` and `count_reopens`.

(Zendesk's own, Ticket Metrics, is in zendesk.py.)
"""
from __future__ import annotations

from datetime import UTC, datetime

FRESHDESK_STATUS = {"open": 2, "pending": 3, "solved": 4, "closed": 5}
FRESHDESK_STATS = ("agent_responded_at", "requester_responded_at", "first_responded_at",
                   "status_updated_at", "reopened_at", "resolved_at", "closed_at",
                   "pending_since")
INTERCOM_STATE = {"open": "open", "pending": "snoozed", "solved": "closed", "closed": "closed"}


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _midway(start: datetime, end: datetime) -> datetime:
    return start + (end - start) / 2


def seed_freshdesk(data: dict, ticket: dict, sample: dict) -> None:
    """Set the ticket's status, group and times from the sample, and its stats."""
    stats = data.setdefault("stats", {})[ticket["id"]] = dict.fromkeys(FRESHDESK_STATS)
    if sample.get("status") is not None:
        ticket["status"] = FRESHDESK_STATUS.get(sample["status"], sample["status"])
    if sample.get("group_id") is not None:
        ticket["group_id"] = int(sample["group_id"])
    if sample.get("created_at"):
        ticket["created_at"] = _iso(_moment(sample["created_at"]))
    if not sample.get("solved_at"):
        return
    solved = _moment(sample["solved_at"])
    ticket["updated_at"] = stats["status_updated_at"] = _iso(solved)
    closed = ticket["status"] == FRESHDESK_STATUS["closed"]
    stats["closed_at" if closed else "resolved_at"] = _iso(solved)
    if int(sample.get("reopens") or 0):
        stats["reopened_at"] = _iso(_midway(_moment(ticket["created_at"]), solved))


def freshdesk_stats(data: dict, ticket_id: int) -> dict:
    """The ticket's `stats` as `include=stats` shows them (all null for a plain ticket)."""
    return dict(data.get("stats", {}).get(ticket_id) or dict.fromkeys(FRESHDESK_STATS))


def seed_intercom(conversation: dict, sample: dict) -> None:
    """Set the conversation's state, team, times and close statistics from the sample."""
    statistics = conversation["statistics"]
    if sample.get("status") is not None:
        conversation["state"] = INTERCOM_STATE.get(sample["status"], sample["status"])
    if sample.get("group_id") is not None:
        conversation["team_assignee_id"] = str(sample["group_id"])
    if sample.get("created_at"):
        conversation["created_at"] = int(_moment(sample["created_at"]).timestamp())
        statistics["first_contact_reply_at"] = conversation["created_at"]
    statistics["count_reopens"] = int(sample.get("reopens") or 0)
    if sample.get("solved_at"):
        closed = int(_moment(sample["solved_at"]).timestamp())
        conversation["updated_at"] = statistics["last_close_at"] = closed
        statistics["first_close_at"] = closed if not statistics["count_reopens"] else \
            (conversation["created_at"] + closed) // 2


def new_intercom_statistics(created_at: int) -> dict:
    """A new conversation's statistics: nothing closed, reopened or assigned yet."""
    return {"type": "conversation_statistics", "first_contact_reply_at": created_at,
            "first_close_at": None, "last_close_at": None, "count_reopens": 0,
            "count_assignments": 0}
