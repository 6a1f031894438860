"""Prometheus `/metrics`, and the webhook counter recorded around the receiver.

With PROMETHEUS_MULTIPROC_DIR set (`tactful run|serve|worker` set it) every
gunicorn worker and Celery pool process writes its own file there, and this endpoint
adds them up, so one scrape sees the web and the workers on this host.

Protected by a bearer token (TACTFUL_METRICS_TOKEN); without one it answers only
requests from this machine (loopback), and in production it refuses.
"""
from __future__ import annotations

import hmac
import os

from flask import Blueprint, Response, abort, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from integration.pipeline import metrics
from integration.runtime import settings

bp = Blueprint("metrics", __name__)
WEBHOOK_ENDPOINTS = ("webhooks.receive", "webhooks.receive_app_level")
LOOPBACK = ("127.0.0.1", "::1")


@bp.after_app_request
def count_webhooks(response):
    if request.endpoint in WEBHOOK_ENDPOINTS:
        provider = (request.view_args or {}).get("provider", "unknown")
        metrics.WEBHOOKS.labels(provider=provider[:32], status=str(response.status_code)).inc()
    return response


def registry():
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder:
        return REGISTRY
    collected = CollectorRegistry()
    MultiProcessCollector(collected, path=folder)
    return collected


def _authorised() -> None:
    token = settings().metrics_token
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            abort(401, description="missing or wrong metrics token (Authorization: Bearer …)")
        return
    if settings().production:
        abort(403, description="metrics disabled: set TACTFUL_METRICS_TOKEN to enable them")
    if request.remote_addr not in LOOPBACK:
        abort(403, description="without TACTFUL_METRICS_TOKEN only this machine may scrape")


@bp.get("/metrics")
def scrape():
    """Prometheus metrics in the text exposition format.
    ---
    get:
      tags: [operations]
      summary: Prometheus metrics (webhooks, events, queue lag, vendor calls, analysis, rate limits)
      security: [{metricsToken: []}]
      responses:
        200: {description: Metrics, content: {text/plain: {schema: {type: string}}}}
        401: {description: Missing or wrong token}
        403: {description: No token set and the caller is not on this machine (or production)}
    """
    _authorised()
    return Response(generate_latest(registry()), mimetype=CONTENT_TYPE_LATEST)
