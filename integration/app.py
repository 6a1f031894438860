"""The Flask application factory: config, storage, queue, logging, blueprints."""
from __future__ import annotations

import json
import logging
from contextlib import contextmanager

from flask import Flask, g, request
from werkzeug.exceptions import HTTPException

from integration.config import Settings, load_settings
from integration.logs import configure_logging, fields, new_request_id, request_id_var
from integration.runtime import EXTENSION, Services

log = logging.getLogger("tactful.web")


def create_app(settings: Settings | None = None, **overrides) -> Flask:
    settings = settings or load_settings(overrides)
    configure_logging(settings.log_level)
    app = Flask("tactful")
    app.config.update(settings.as_flask_config())
    app.extensions[EXTENSION] = Services.build(settings)

    from tasks.celery_app import celery_init_app
    celery_init_app(app)
    _register_request_ids(app)
    _register_error_handlers(app)
    from integration.web import bodies
    bodies.init_app(app)
    _register_blueprints(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from integration.web import (
        admin,
        backfills,
        console,
        console_events,
        console_oauth,
        console_settings,
        console_trends,
        docs_api,
        health,
        landing,
        metrics,
        webhooks,
    )
    for module in (health, webhooks, admin, backfills, landing, docs_api, metrics, console,
                   console_settings, console_events, console_trends, console_oauth):
        app.register_blueprint(module.bp)
    for name in ("integration.web.analyze_api", "integration.web.oauth",
                 "integration.web.intercom_app", "integration.web.freshdesk_app",
                 "integration.web.sidebar", "integration.web.sidebar_intercom",
                 "integration.web.legal", "integration.web.admin_memory"):
        _register_optional(app, name)


def _register_optional(app: Flask, module_name: str) -> None:
    import importlib
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        return
    app.register_blueprint(module.bp)


def _register_request_ids(app: Flask) -> None:
    @app.before_request
    def assign_request_id():
        incoming = request.headers.get("X-Request-Id", "")
        g.request_id = incoming[:64] if incoming.isprintable() and incoming else new_request_id()
        request_id_var.set(g.request_id)

    @app.after_request
    def echo_request_id(response):
        response.headers["X-Request-Id"] = g.get("request_id", "-")
        return response


def _register_error_handlers(app: Flask) -> None:
    # Every error is JSON with a stable code and a human reason, never an HTML page.
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = (exc.name or "error").lower().replace(" ", "-")
        body = {"error": code, "reason": exc.description or exc.name}
        if exc.code == 413:
            body = {"error": "too-large",
                    "reason": f"request body exceeds {app.config['MAX_CONTENT_LENGTH']} bytes"}
        response = exc.get_response()
        response.set_data(json.dumps(body))
        response.content_type = "application/json"
        return response

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        log.exception("web.unhandled-error", extra=fields(path=request.path))
        return {"error": "internal-error", "reason": "unexpected server error; it was logged",
                "request_id": g.get("request_id")}, 500


@contextmanager
def command_app():
    """An app for one CLI command; its connections are closed when the command ends."""
    app = create_app()
    try:
        yield app
    finally:
        app.extensions[EXTENSION].close()
