"""Drafting: an empathetic suggested reply and coaching tips for the agent, guard-checked.

Pure: takes an Analysis, the ticket text and the installation's settings; returns a
Draft. No network, database or Flask.
"""
from .catalog import TemplateError, available_locales
from .composer import Drafter, DraftRequest, TemplateDrafter, compose_draft
from .guard import GuardResult, Violation, guard_check
from .settings import DEFAULT_DISCLOSURE_LINE, DraftSettingsSchema, load_settings

__all__ = [
    "DEFAULT_DISCLOSURE_LINE", "DraftRequest", "DraftSettingsSchema", "Drafter", "GuardResult",
    "TemplateDrafter", "TemplateError", "Violation", "available_locales", "compose_draft",
    "guard_check", "load_settings",
]
