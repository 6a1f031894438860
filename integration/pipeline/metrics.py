"""Prometheus metrics recorded by the pipeline (and the receiver), in one place.

prometheus_client picks its storage when it is first imported: with
PROMETHEUS_MULTIPROC_DIR set (`tactful serve|worker|run` set it) every gunicorn and
Celery process writes its own file there and /metrics adds them up.
"""
from __future__ import annotations

from prometheus_client import Counter, Histogram

from connectors import http

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
_LAG_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600)

WEBHOOKS = Counter("tactful_webhooks_received_total",
                   "Webhook requests answered, by provider and HTTP status",
                   ["provider", "status"])
EVENTS_FINISHED = Counter("tactful_events_finished_total",
                          "Events that reached a final state", ["state"])
QUEUE_LAG = Histogram("tactful_queue_lag_seconds",
                      "From an event being received to a worker starting on it (first try)",
                      buckets=_LAG_BUCKETS)
VENDOR_CALLS = Histogram("tactful_vendor_call_seconds",
                         "Vendor API calls by provider and status, with their latency",
                         ["provider", "status"], buckets=_LATENCY_BUCKETS)
ANALYSIS = Histogram("tactful_analysis_seconds",
                     "Analysis, policy and drafting of one message", buckets=_LATENCY_BUCKETS)
RATE_LIMIT_WAITS = Counter("tactful_rate_limit_waits_total",
                           "Events put back to wait because a rate limit was reached")


def record_vendor_call(vendor: str, method: str, status: str, seconds: float) -> None:
    VENDOR_CALLS.labels(provider=vendor, status=status).observe(seconds)


# Connectors never import the service; they call whatever observer we register.
http.add_observer(record_vendor_call)
