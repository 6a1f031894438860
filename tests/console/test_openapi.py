"""Every route of create_app() is in /openapi.json, and /docs renders it."""
from __future__ import annotations

from integration.web.docs_api import openapi_path

HOW = ("Document it in the view's docstring: after a line `---`, a YAML block keyed by "
       "method, e.g.\n    ---\n    get:\n      tags: [admin]\n      summary: What it does\n"
       "      responses:\n        200: {description: OK, content: {application/json: "
       "{schema: SomeSchema}}}\n(see integration/web/docs_api.py).")


def test_every_route_is_in_the_openapi_spec(app, client):
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method.lower() not in spec["paths"].get(openapi_path(rule.rule), {}):
                module = app.view_functions[rule.endpoint].__module__
                missing.append(f"{method} {rule.rule} (view {module}.{rule.endpoint})")
    assert not missing, "routes missing from /openapi.json: " + "; ".join(missing) + ". " + HOW


def test_request_and_response_bodies_come_from_the_marshmallow_schemas(client):
    spec = client.get("/openapi.json").get_json()
    settings_put = spec["paths"]["/api/admin/installations/{installation_id}/settings"]["put"]
    ref = settings_put["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/InstallationSettings"
    properties = spec["components"]["schemas"]["InstallationSettings"]["properties"]
    assert {"analysis", "policy", "drafting", "fields_map", "rate_limit_per_minute"} <= \
        set(properties)
    analyze = spec["paths"]["/api/analyze"]["post"]
    assert "text" in spec["components"]["schemas"]["AnalyzeRequest"]["required"]
    assert analyze["responses"]["400"]["$ref"] == "#/components/responses/Error"
    retry = spec["paths"]["/api/admin/events/{event_id}/retry"]["post"]
    assert retry["parameters"] == [{"in": "path", "name": "event_id", "required": True,
                                    "schema": {"type": "integer"}}]


def test_docs_page_renders_the_spec_as_html(client):
    html = client.get("/docs").get_data(as_text=True)
    assert "PUT /api/admin/installations/{installation_id}/settings" in html
    assert "rate_limit_per_minute" in html and "POST /webhooks/{provider}" in html
