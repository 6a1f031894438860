"""A closed conversation's routing facts, for learned routing suggestions.

One read: `GET /conversations/{id}` gives `team_assignee_id` (the team that held it;
"0" or null when none did), `created_at` (unix seconds), the customer's first message
in `source.body` (HTML), and `statistics` with `last_close_at` and `count_reopens`.
The last close is the solve time: a conversation reopened and closed again was solved
when it was closed for good. One that was never closed has none, and is skipped.
"""
from __future__ import annotations

from marshmallow import fields

from connectors.base import SolvedFacts
from connectors.http import api_path
from connectors.intercom.client import IntercomClient
from connectors.intercom.tickets import plain_text
from connectors.listing import Timestamp, loaded
from connectors.schemas import IdString, VendorSchema


class _StatisticsSchema(VendorSchema):
    # Unix seconds from the REST API; ISO text in some webhook captures. Both are read.
    last_close_at = Timestamp(load_default=None, allow_none=True)
    count_reopens = fields.Integer(load_default=0, allow_none=True)


class _SourceSchema(VendorSchema):
    body = fields.String(load_default=None, allow_none=True)
    redacted = fields.Boolean(load_default=False, allow_none=True)


class _ConversationSchema(VendorSchema):
    id = IdString(required=True)
    team_assignee_id = IdString(load_default=None)         # "0" / 0 / null: no team
    created_at = Timestamp(required=True)
    source = fields.Nested(_SourceSchema, load_default=None, allow_none=True)
    statistics = fields.Nested(_StatisticsSchema, load_default=None, allow_none=True)


_CONVERSATION = _ConversationSchema()


def solved_facts(client: IntercomClient, conversation_id: str) -> SolvedFacts:
    conversation = loaded(_CONVERSATION,
                          client.get_json(api_path("/conversations/{}", conversation_id)),
                          "intercom", "conversation")
    statistics = conversation["statistics"] or {}
    source = conversation["source"] or {}
    # A message the customer deleted is not their words ("This message was deleted").
    first = "" if source.get("redacted") else plain_text(source.get("body"))
    return SolvedFacts(ticket_id=conversation["id"], group_id=conversation["team_assignee_id"],
                       created_at=conversation["created_at"],
                       solved_at=statistics.get("last_close_at"),
                       reopens=statistics.get("count_reopens") or 0, first_message=first)
