"""OpenAPI 3 at /openapi.json and a readable /docs page, generated from the views.

Each view documents itself in its docstring: after a line `---`, a YAML block keyed by
HTTP method (apispec's convention). Request and response bodies name our marshmallow
schemas (`schema: InstallationSettingsSchema`), which apispec's marshmallow plugin turns
into components. Path parameters are filled in from the Flask rule when a view does
not declare them. tests/web/test_openapi.py fails for any route without its block.
"""
from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version

from apispec import APISpec, yaml_utils
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, current_app, render_template

from integration.runtime import settings
from integration.web import openapi_schemas

bp = Blueprint("docs_api", __name__, template_folder="templates")
CACHE_KEY = "tactful.openapi"
METHODS = ("get", "post", "put", "patch", "delete")
_CONVERTER = re.compile(r"<(?:[a-zA-Z_]+(?:\([^)]*\))?:)?([a-zA-Z_][a-zA-Z0-9_]*)>")
_INTEGER_CONVERTERS = ("int",)


def openapi_path(rule: str) -> str:
    return _CONVERTER.sub(r"{\1}", rule)


def _app_version() -> str:
    try:
        return version("tactful")
    except PackageNotFoundError:
        return "0.0.0"


def build_spec(app) -> dict:
    spec = APISpec(title="Tactful", version=_app_version(), openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "Empathy-driven ticket enrichment: webhooks, OAuth "
                                        "installs, the admin and analyze APIs, the console."},
                   servers=[{"url": settings(app).public_url}])
    spec.components.security_scheme("adminToken", {"type": "http", "scheme": "bearer",
                                                   "description": "TACTFUL_ADMIN_TOKEN"})
    spec.components.security_scheme("metricsToken", {"type": "http", "scheme": "bearer",
                                                     "description": "TACTFUL_METRICS_TOKEN"})
    _register_schemas(spec)
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        operations = yaml_utils.load_operations_from_docstring(view.__doc__ or "")
        wanted = {m.lower() for m in rule.methods or ()} & set(METHODS)
        operations = {m: op for m, op in operations.items() if m in wanted}
        if not operations:
            continue
        for operation in operations.values():
            _add_path_parameters(operation, rule)
        spec.path(path=openapi_path(rule.rule), operations=operations)
    return spec.to_dict()


def _register_schemas(spec: APISpec) -> None:
    for name in ("ErrorSchema", "WebhookAnswerSchema"):
        spec.components.schema(name.removesuffix("Schema"), schema=getattr(openapi_schemas,
                                                                          name))
    openapi_schemas.register_components(spec)


def _add_path_parameters(operation: dict, rule) -> None:
    declared = {p.get("name") for p in operation.get("parameters", []) if p.get("in") == "path"}
    for name in sorted(rule.arguments - declared):
        converter = rule._converters.get(name)
        kind = "integer" if type(converter).__name__.lower().startswith("integer") else "string"
        operation.setdefault("parameters", []).append(
            {"in": "path", "name": name, "required": True, "schema": {"type": kind}})


def spec_of(app) -> dict:
    if CACHE_KEY not in app.extensions:
        app.extensions[CACHE_KEY] = build_spec(app)
    return app.extensions[CACHE_KEY]


@bp.get("/openapi.json")
def openapi_json():
    """This service's OpenAPI 3 description.
    ---
    get:
      tags: [public]
      summary: OpenAPI 3 description of every route
      responses:
        200:
          description: The OpenAPI document
          content: {application/json: {schema: {type: object}}}
    """
    return spec_of(current_app._get_current_object())


@bp.get("/docs")
def docs_page():
    """The OpenAPI description rendered as one readable HTML page.
    ---
    get:
      tags: [public]
      summary: API documentation page
      responses:
        200: {description: HTML page, content: {text/html: {schema: {type: string}}}}
    """
    spec = spec_of(current_app._get_current_object())
    groups: dict[str, list[dict]] = {}
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in METHODS:
                continue
            tag = (op.get("tags") or ["other"])[0]
            groups.setdefault(tag, []).append({"method": method.upper(), "path": path, **op})
    schemas = spec.get("components", {}).get("schemas", {})
    return render_template("docs.html", spec=spec, groups=groups, schemas=schemas)
