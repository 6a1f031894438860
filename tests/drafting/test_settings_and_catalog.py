"""Installation settings and the template catalogues (templates are data, per locale)."""
from __future__ import annotations

import json
import shutil

import pytest
from marshmallow import ValidationError

from integration.domain.analysis.types import EMOTIONS, TOPICS
from integration.domain.drafting import (
    DraftSettingsSchema,
    TemplateError,
    compose_draft,
    load_settings,
)
from integration.domain.drafting import catalog as catalog_module
from integration.domain.drafting.catalog import REQUIRED_SECTIONS, available_locales, load_catalog


def test_defaults():
    loaded = load_settings(None)
    assert loaded["tone"] == "friendly"
    assert loaded["allow_promises"] is False and loaded["public_replies"] is False
    assert loaded["banned_phrases"] == [] and loaded["extra_templates"] == {}


@pytest.mark.parametrize("bad", [
    {"tone": "sarcastic"}, {"colour": "blue"}, {"banned_phrases": "asap"},
    {"public_replies": "maybe"}, {"extra_templates": {"en": "not a dict"}},
])
def test_bad_settings_are_rejected(bad):
    with pytest.raises(ValidationError):
        DraftSettingsSchema().load(bad)


def test_shipped_english_catalogue_covers_every_emotion_level_and_topic():
    en = load_catalog("en")
    assert all(section in en for section in REQUIRED_SECTIONS)
    for emotion in EMOTIONS:
        assert en["openings"][emotion]["mild"] and en["openings"][emotion]["strong"]
    for topic in TOPICS:
        assert en["topics"][topic]["subjects"] and en["topics"][topic]["next_steps"]
        assert f"topic.{topic}" in en["tips"]


def test_extra_templates_add_variety_without_replacing(make_analysis):
    extra = {"en": {"openings": {"anger": {"strong": ["Ouch, {subject} went badly wrong."]}}}}
    merged = load_catalog("en", extra)
    assert "Ouch, {subject} went badly wrong." in merged["openings"]["anger"]["strong"]
    assert len(merged["openings"]["anger"]["strong"]) == len(
        load_catalog("en")["openings"]["anger"]["strong"]) + 1


def test_a_template_typo_fails_loudly(make_analysis):
    extra = {"en": {"openings": {"anger": {"strong": ["Sorry about {subjcet}."]}}}}
    with pytest.raises(TemplateError, match="subjcet"):
        compose_draft(make_analysis("anger"), text="x", settings={"extra_templates": extra})


def test_adding_a_language_file_needs_no_code_change(tmp_path, monkeypatch, make_analysis):
    """A new templates/<lang>.json is enough; here a copy of English stands in for it."""
    shutil.copy(catalog_module.TEMPLATE_DIR / "en.json", tmp_path / "en.json")
    doc = json.loads((tmp_path / "en.json").read_text(encoding="utf-8"))
    doc["greetings"]["friendly"]["anonymous"] = ["Hej!"]
    (tmp_path / "sv.json").write_text(json.dumps(doc), encoding="utf-8")
    monkeypatch.setattr(catalog_module, "TEMPLATE_DIR", tmp_path)
    catalog_module._merged_catalog.cache_clear()
    try:
        assert "sv" in available_locales()
        reply = compose_draft(make_analysis("anger", language="sv"), text="Det gick sönder.").reply
        assert reply.startswith("Hej!")
    finally:
        catalog_module._merged_catalog.cache_clear()


def test_an_installation_can_supply_a_whole_language(make_analysis):
    doc = json.loads((catalog_module.TEMPLATE_DIR / "en.json").read_text(encoding="utf-8"))
    doc["greetings"]["friendly"]["anonymous"] = ["Olá,"]
    draft = compose_draft(make_analysis("anger", language="pt"), text="Quebrou.",
                          settings={"extra_templates": {"pt": doc}})
    assert draft.reply.startswith("Olá,")
