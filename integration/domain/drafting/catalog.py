"""Template catalogues: one JSON document per locale, plus an installation's extras.

Templates are data so that adding a language means adding `templates/<lang>.json`
and nothing else; an installation's `extra_templates` are merged over the shipped file.
"""
from __future__ import annotations

import json
import string
from functools import lru_cache
from pathlib import Path

TEMPLATE_DIR = Path(__file__).parent / "templates"
DEFAULT_LOCALE = "en"
REQUIRED_SECTIONS = (
    "language_name", "greetings", "openings", "restate", "topics", "closings", "sign_offs", "note",
    "tips",
)
# Every placeholder a template may use; a typo fails when the catalogue loads, not mid-draft.
PLACEHOLDERS = frozenset({
    "first_name", "full_name", "subject", "issue", "quote", "product", "evidence", "reason",
    "language", "count", "rules",
})


class TemplateError(ValueError):
    """A template document is malformed (missing section or unknown placeholder)."""


def available_locales(extra_templates: dict | None = None) -> set[str]:
    """Locales with a complete catalogue: shipped files plus complete installation extras."""
    shipped = {path.stem for path in TEMPLATE_DIR.glob("*.json")}
    extra = {
        locale for locale, doc in (extra_templates or {}).items()
        if all(section in doc for section in REQUIRED_SECTIONS)
    }
    return shipped | extra


def load_catalog(locale: str, extra_templates: dict | None = None) -> dict:
    """The catalogue for `locale` with the installation's extras merged in."""
    extras = (extra_templates or {}).get(locale) or {}
    # Settings dicts are unhashable; their canonical JSON is a cheap, stable cache key.
    return _merged_catalog(locale, json.dumps(extras, sort_keys=True))


@lru_cache(maxsize=64)
def _merged_catalog(locale: str, extras_json: str) -> dict:
    path = TEMPLATE_DIR / f"{locale}.json"
    base = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    catalog = _merge(base, json.loads(extras_json))
    missing = [section for section in REQUIRED_SECTIONS if section not in catalog]
    if missing:
        raise TemplateError(f"templates for {locale!r} lack sections: {', '.join(missing)}")
    _check_placeholders(catalog, locale)
    return catalog


def _merge(base: dict, extra: dict) -> dict:
    """Deep-merge: dicts recurse, lists are extended (extras add variety, never replace)."""
    merged = dict(base)
    for key, value in extra.items():
        current = merged.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            merged[key] = _merge(current, value)
        elif isinstance(current, list) and isinstance(value, list):
            merged[key] = current + [item for item in value if item not in current]
        else:
            merged[key] = value
    return merged


def _check_placeholders(node: object, locale: str) -> None:
    if isinstance(node, dict):
        for value in node.values():
            _check_placeholders(value, locale)
    elif isinstance(node, list):
        for value in node:
            _check_placeholders(value, locale)
    elif isinstance(node, str):
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(node) if name}
        except ValueError as exc:
            raise TemplateError(f"bad template in {locale!r}: {node!r}: {exc}") from exc
        unknown = names - PLACEHOLDERS
        if unknown:
            raise TemplateError(f"unknown placeholder(s) {sorted(unknown)} in {locale!r}: {node!r}")
