"""A solved ticket's routing facts, for learned routing suggestions.

Two reads: the ticket (its `group_id`, and `description`, which Zendesk fills with the
first comment's text) and its Ticket Metrics (`GET /api/v2/tickets/{id}/metrics`:
`reopens`, `solved_at`, `created_at`), because the ticket itself counts no reopenings.
"""
from __future__ import annotations

from marshmallow import fields

from connectors.base import SolvedFacts
from connectors.listing import Timestamp, loaded
from connectors.schemas import IdString, VendorSchema
from connectors.zendesk.client import ZendeskClient


class _TicketSchema(VendorSchema):
    id = IdString(required=True)
    group_id = IdString(load_default=None, allow_none=True)
    description = fields.String(load_default="", allow_none=True)
    created_at = Timestamp(required=True)


class _MetricSchema(VendorSchema):
    reopens = fields.Integer(load_default=0, allow_none=True)
    solved_at = Timestamp(load_default=None, allow_none=True)


class _TicketAnswer(VendorSchema):
    ticket = fields.Nested(_TicketSchema, required=True)


class _MetricAnswer(VendorSchema):
    ticket_metric = fields.Nested(_MetricSchema, required=True)


_TICKET, _METRIC = _TicketAnswer(), _MetricAnswer()


def solved_facts(client: ZendeskClient, ticket_id: str) -> SolvedFacts:
    ticket = loaded(_TICKET, client.get_json(f"/api/v2/tickets/{ticket_id}.json"),
                    "zendesk", "ticket")["ticket"]
    metric = loaded(_METRIC, client.get_json(f"/api/v2/tickets/{ticket_id}/metrics.json"),
                    "zendesk", "ticket metrics")["ticket_metric"]
    return SolvedFacts(ticket_id=ticket["id"], group_id=ticket["group_id"],
                       created_at=ticket["created_at"], solved_at=metric["solved_at"],
                       reopens=metric["reopens"] or 0,
                       first_message=ticket["description"] or "")
