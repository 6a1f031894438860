"""Per-installation analysis settings: validated once, then cached.

Keys (all optional; unknown keys are rejected):
- topics_extra: {topic_key: [keyword, ...]} adds keywords to a default topic or
  defines a new one (keywords are literal phrases, matched case-insensitively).
- topics_replace: when true, topics_extra replaces the default taxonomy.
- languages: languages sentiment and emotions are reported for (default: all of
  SENTIMENT_LANGUAGES; only languages the analyzer supports are accepted).
- default_language: assumed when a message is too short to tell (default "en").
- thresholds: {emotion: 0..1} detection threshold on the reported score (default 0.5).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from marshmallow import Schema, ValidationError, fields, validate

from .language import DETECTABLE
from .topic import CompiledTaxonomy, build_taxonomy, compile_taxonomy
from .types import EMOTIONS

# Languages with a shipped sentiment model (data/model.json.gz, data/sentiment.<lang>.json.gz).
SENTIMENT_LANGUAGES: tuple[str, ...] = ("en", "es", "fr", "de", "pt", "it")
TOPIC_KEY = r"^[a-z][a-z0-9_]{0,39}$"


class AnalysisSettingsSchema(Schema):
    topics_extra = fields.Dict(
        keys=fields.Str(validate=validate.Regexp(TOPIC_KEY)),
        values=fields.List(fields.Str(validate=validate.Length(min=1, max=80)),
                           validate=validate.Length(min=1, max=200)),
        load_default=dict,
    )
    topics_replace = fields.Bool(load_default=False)
    languages = fields.List(fields.Str(validate=validate.OneOf(SENTIMENT_LANGUAGES)),
                            load_default=lambda: list(SENTIMENT_LANGUAGES))
    default_language = fields.Str(validate=validate.OneOf(DETECTABLE), load_default="en")
    thresholds = fields.Dict(keys=fields.Str(validate=validate.OneOf(EMOTIONS)),
                             values=fields.Float(validate=validate.Range(0.0, 1.0)),
                             load_default=dict)


@dataclass(frozen=True)
class AnalysisSettings:
    taxonomy: CompiledTaxonomy
    topic_keys: frozenset[str]
    languages: frozenset[str]
    default_language: str
    thresholds: dict[str, float]


@lru_cache(maxsize=128)
def _resolve_json(settings_json: str) -> AnalysisSettings:
    loaded = AnalysisSettingsSchema().load(json.loads(settings_json))
    if loaded["topics_replace"] and not loaded["topics_extra"]:
        raise ValidationError({"topics_extra": ["required when topics_replace is true"]})
    taxonomy = build_taxonomy(loaded["topics_extra"], loaded["topics_replace"])
    return AnalysisSettings(
        taxonomy=compile_taxonomy(taxonomy),
        topic_keys=frozenset(taxonomy) | {"other"},
        languages=frozenset(loaded["languages"]),
        default_language=loaded["default_language"],
        thresholds=dict(loaded["thresholds"]),
    )


def resolve_settings(settings: dict | None) -> AnalysisSettings:
    """Validated settings (raises marshmallow.ValidationError on bad input)."""
    if not settings:
        # No settings is the common call: skip serialising them (~1% of a message).
        return _resolve_json(_NO_SETTINGS)
    # Cached by content: an installation's settings are validated once, not per message.
    return _resolve_json(json.dumps(settings, sort_keys=True))


_NO_SETTINGS = json.dumps({}, sort_keys=True)
