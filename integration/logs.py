"""Structured JSON logs with stable event keys and a request id on every line.

Call sites log a stable key and ids only (`log.info("webhook.accepted", extra=fields(...))`);
ticket text, emails, tokens and signatures never belong in a log line. A last-line
filter still masks anything that looks like an email or a bearer token, because a
mistake in a log call must not become a leak.
"""
from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import time
import uuid

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_BEARER = re.compile(r"(?i)(bearer|token|basic)\s+[A-Za-z0-9._~+/=-]{8,}")
_RESERVED = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


def fields(**values) -> dict:
    """Structured fields for a log call: `log.info("key", extra=fields(event_id=1))`."""
    return {"tactful": values}


def new_request_id() -> str:
    return uuid.uuid4().hex[:16]


def scrub(text: str) -> str:
    return _BEARER.sub(r"\1 [redacted]", _EMAIL.sub("[email]", text))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
            "request_id": request_id_var.get(),
        }
        line.update(getattr(record, "tactful", {}) or {})
        if record.exc_info:
            line["error"] = record.exc_info[0].__name__ if record.exc_info[0] else "error"
            line["trace"] = self.formatException(record.exc_info)
        return scrub(json.dumps(line, default=str))


def configure_logging(level: str = "INFO") -> None:
    root = logging.getLogger()
    if any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        root.setLevel(level)
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.handlers = [handler]
    root.setLevel(level)
    # Library chatter at DEBUG can include URLs with query strings; keep it at INFO.
    for noisy in ("urllib3", "kombu", "amqp", "werkzeug"):
        logging.getLogger(noisy).setLevel(max(logging.INFO, logging.getLevelName(level)))
