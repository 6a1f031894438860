"""The Freshworks app in manifest/freshdesk: required keys present, files agree, handlers pass."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "manifest" / "freshdesk"


def _json(relative: str) -> dict:
    return json.loads((APP / relative).read_text(encoding="utf-8"))


def test_manifest_declares_platform_3_events_requests_and_engines():
    manifest = _json("manifest.json")
    assert manifest["platform-version"] == "3.0"
    common, ticket = manifest["modules"]["common"], manifest["modules"]["support_ticket"]
    assert set(common["events"]) == {"onAppInstall", "onAppUninstall"}
    assert set(ticket["events"]) == {"onTicketCreate", "onConversationCreate"}
    for module in (common, ticket):
        assert all(isinstance(e.get("handler"), str) and e["handler"]
                   for e in module["events"].values())
    assert set(manifest["engines"]) == {"node", "fdk"}


def test_every_declared_request_has_a_template_and_back():
    declared = set(_json("manifest.json")["modules"]["common"]["requests"])
    assert declared == set(_json("config/requests.json"))


def test_templates_call_tactful_over_https_and_sign_what_they_forward():
    for name, template in _json("config/requests.json").items():
        schema = template["schema"]
        expected = "GET" if name == "sidebarGet" else "POST"
        assert schema["method"] == expected and schema.get("protocol", "https") == "https"
        assert schema["host"] == "<%= iparam.tactful_host %>"
        headers = schema["headers"]
        if name == "registerInstallation":
            assert headers["X-Freshdesk-Api-Key"] == "<%= iparam.api_key %>"
        else:
            assert {"X-Tactful-Signature", "X-Tactful-Timestamp"} <= set(headers)


def test_iparams_ask_for_domain_secure_api_key_and_tactful_url():
    iparams = _json("config/iparams.json")
    assert iparams["freshdesk_domain"]["type"] == "domain"
    assert iparams["api_key"]["type"] == "api_key" and iparams["api_key"]["secure"] is True
    for name in ("freshdesk_domain", "api_key"):
        assert iparams[name]["type_attributes"] == {"product": "freshdesk"}
        assert iparams[name]["required"] is True
    assert iparams["tactful_host"]["required"] is True


def test_templates_only_use_iparams_that_exist():
    text = (APP / "config" / "requests.json").read_text(encoding="utf-8")
    used = set(re.findall(r"iparam\.(\w+)", text))
    assert used <= set(_json("config/iparams.json"))


def test_every_handler_is_defined_in_server_js():
    source = (APP / "server" / "server.js").read_text(encoding="utf-8")
    for module in _json("manifest.json")["modules"].values():
        for event in module.get("events", {}).values():
            assert re.search(rf"\b{event['handler']}\s*:\s*async function", source), \
                event["handler"]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_node_handler_tests_pass():
    result = subprocess.run(["node", "--test", str(APP / "server" / "test")],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_engines_follow_the_current_compatibility_matrix():
    # Platform 3.0 apps are validated with FDK 10 on Node 24 (FDK 9 / Node 18 is retired).
    engines = _json("manifest.json")["engines"]
    assert engines["node"].split(".")[0] == "24" and engines["fdk"].split(".")[0] == "10"


def test_the_sidebar_location_function_and_files_exist():
    manifest = _json("manifest.json")
    sidebar = manifest["modules"]["support_ticket"]["location"]["ticket_sidebar"]
    assert (APP / "app" / sidebar["url"]).is_file() and (APP / "app" / sidebar["icon"]).is_file()
    assert "sidebarRequest" in manifest["modules"]["common"]["functions"]
    source = (APP / "server" / "server.js").read_text(encoding="utf-8")
    assert re.search(r"\bsidebarRequest\s*:\s*async function", source)
    index = (APP / "app" / "index.html").read_text(encoding="utf-8")
    assert "{{{appclient}}}" in index and "scripts/app.js" in index


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_server_code_coverage_meets_the_packers_80_percent():
    result = subprocess.run(["node", "--test", "--experimental-test-coverage",
                             str(APP / "server" / "test")], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stdout[-4000:]
    [row] = [line for line in result.stdout.splitlines() if "server/server.js" in line]
    line_pct, branch_pct, funcs_pct = (float(c) for c in row.split("|")[1:4])
    assert min(line_pct, branch_pct, funcs_pct) >= 80, row
