"""Every recorded fixture is valid JSON: a broken file must fail loudly, not skip a test."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "zendesk"
ALL = sorted(FIXTURES.rglob("*.json"))


def test_there_are_fixtures_for_webhooks_and_api():
    kinds = {path.parent.name for path in ALL}
    assert {"webhooks", "api"} <= kinds


@pytest.mark.parametrize("path", ALL, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_is_valid_json_object(path: Path):
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        pytest.fail(f"{path.name} is not valid JSON: {exc}")
    assert isinstance(value, dict), f"{path.name} must hold one JSON object"
