"""The internal note the agent sees: AI-assisted header, suggested reply, coaching tips."""
from __future__ import annotations

from .catalog import DEFAULT_LOCALE, load_catalog
from .guard import GuardResult

RULE_LINE = "-" * 40


def language_name(catalog: dict, code: str) -> str:
    """"French" for "fr" when the catalogue knows it, else the code itself."""
    return catalog.get("language_names", {}).get(code, code)


def render_note(
    *, reply: str | None, tips: list[str], guard: GuardResult | None, settings: dict,
    language: str,
) -> str:
    """Plain text that reads well in any helpdesk's internal note field."""
    # The note is for the agent, so it is written in the agent's locale (default English).
    locale = settings.get("agent_locale", DEFAULT_LOCALE)
    catalog = load_catalog(locale, settings["extra_templates"])
    words = catalog["note"]
    lines = [words["header"], ""]
    if reply is None:
        lines += [words["no_draft"].format(language=language_name(catalog, language)), ""]
    else:
        lines += [f"{words['reply_heading']}:", RULE_LINE, reply, RULE_LINE]
        if "[" in reply:
            lines.append(words["slots_hint"])
        if guard is not None and guard.violations:
            lines.append(words["guard_summary"].format(
                count=len(guard.violations), rules=", ".join(guard.rules)))
        if settings["public_replies"]:
            lines.append(words["public_notice"])
        lines.append("")
    lines.append(f"{words['tips_heading']}:")
    lines += [f"- {tip}" for tip in tips]
    return "\n".join(lines)
