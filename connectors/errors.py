"""The small error hierarchy every connector speaks.

Each exception passes its arguments to Exception.__init__ so Celery can
serialise it, and carries what the task needs to decide: retry now, retry
later, refresh a token, or give up.
"""
from __future__ import annotations


class ConnectorError(Exception):
    """Base class. `retryable` says whether trying again can help."""

    retryable = False


class RateLimited(ConnectorError):
    retryable = True

    def __init__(self, retry_after: float, message: str = "rate limited"):
        super().__init__(retry_after, message)
        self.retry_after = max(0.0, float(retry_after))


class HostError(ConnectorError):
    """5xx, timeouts, connection failures: transient, bounded backoff."""

    retryable = True


class Unauthorized(ConnectorError):
    """401/403: refresh the token once, then mark the installation for re-authorisation."""


class Conflict(ConnectorError):
    """409 from a safe update: someone changed the ticket; re-fetch and try again."""

    retryable = True


class NotFound(ConnectorError):
    """The ticket or resource is gone: give up with the reason."""


class InvalidResponse(ConnectorError):
    """The vendor answered something we cannot read: give up with the reason."""


# Inbound problems (webhooks): these map to the receiver's fixed status codes.
class WebhookError(Exception):
    status = 400
    code = "bad-request"

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class SignatureError(WebhookError):
    status = 401
    code = "bad-signature"


class PayloadError(WebhookError):
    status = 400
    code = "invalid-payload"
