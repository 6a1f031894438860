"""The guard: every draft, from any backend, is checked here before an agent sees it.

Rules live in the locale's template file (`guard` section) so each language carries
its own phrasing; the installation adds banned phrases. A failing sentence is
rewritten when the rule has a safe rewrite, otherwise dropped. When replies may go
to customers, the disclosure line is required and re-appended if missing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .catalog import DEFAULT_LOCALE, load_catalog
from .settings import load_settings

BANNED_PHRASE = "banned_phrase"
MISSING_DISCLOSURE = "missing_disclosure"
_SENTENCE = re.compile(r"(?<=[.!?\u201d])\s+")


@dataclass(frozen=True)
class Violation:
    rule: str       # a rule id: blame, calm_down, ..., banned_phrase, missing_disclosure
    phrase: str     # what matched
    action: str     # "rewritten", "dropped" or "appended"


@dataclass(frozen=True)
class GuardResult:
    text: str                               # the repaired text, safe to show
    violations: list[Violation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def rules(self) -> list[str]:
        return sorted({violation.rule for violation in self.violations})


@dataclass(frozen=True)
class _Rule:
    rule: str
    patterns: tuple[re.Pattern, ...]
    rewrites: tuple[tuple[re.Pattern, str], ...] = ()


def guard_check(
    text: str, settings: dict | None = None, *, upset: bool = True, locale: str = DEFAULT_LOCALE,
) -> GuardResult:
    """Check `text` against every rule and return the repaired text with what was caught.

    `upset` says whether the customer is upset (upselling is only banned then); it
    defaults to True because a guard without context should err on the strict side.
    """
    loaded = load_settings(settings)
    rules = _active_rules(loaded, upset, locale)
    disclosure = loaded["disclosure_line"]
    body = text.replace(disclosure, "").rstrip() if disclosure in text else text
    violations: list[Violation] = []
    paragraphs = [_guard_paragraph(p, rules, violations) for p in body.split("\n\n")]
    repaired = "\n\n".join(p for p in paragraphs if p.strip())
    if loaded["public_replies"]:
        if disclosure not in text:
            violations.append(Violation(MISSING_DISCLOSURE, "", "appended"))
        repaired = f"{repaired}\n\n{disclosure}"
    elif disclosure in text:
        repaired = f"{repaired}\n\n{disclosure}"   # never strip a disclosure someone added
    return GuardResult(repaired, violations)


def _active_rules(settings: dict, upset: bool, locale: str) -> list[_Rule]:
    rules = []
    for rule_id, spec in load_catalog(locale, settings["extra_templates"]).get("guard", {}).items():
        if spec.get("only_when_upset") and not upset:
            continue
        if spec.get("unless") and settings.get(spec["unless"]):
            continue
        rules.append(_compiled(rule_id, tuple(spec["patterns"]),
                               tuple(tuple(pair) for pair in spec.get("rewrites", ()))))
    if settings["banned_phrases"]:
        banned = tuple(
            r"(?<!\w)" + re.escape(phrase.strip()) + r"(?!\w)"
            for phrase in settings["banned_phrases"]
        )
        rules.append(_compiled(BANNED_PHRASE, banned, ()))
    return rules


@lru_cache(maxsize=256)
def _compiled(rule_id: str, patterns: tuple[str, ...],
              rewrites: tuple[tuple[str, str], ...]) -> _Rule:
    return _Rule(
        rule_id,
        tuple(re.compile(p, re.IGNORECASE) for p in patterns),
        tuple((re.compile(p, re.IGNORECASE), repl) for p, repl in rewrites),
    )


def _guard_paragraph(paragraph: str, rules: list[_Rule], violations: list[Violation]) -> str:
    lines = []
    for line in paragraph.split("\n"):
        guarded = (_guard_sentence(s, rules, violations) for s in _SENTENCE.split(line))
        kept = [s for s in guarded if s]
        if kept:
            lines.append(" ".join(kept))
    return "\n".join(lines)


def _guard_sentence(sentence: str, rules: list[_Rule], violations: list[Violation]) -> str | None:
    """The sentence, rewritten if every failing rule has a rewrite that works; else None."""
    repaired = sentence
    for rule in rules:
        phrase = _first_match(rule, repaired)
        if phrase is None:
            continue
        rewritten = _rewrite(rule, repaired)
        if rewritten is not None and _first_match(rule, rewritten) is None:
            violations.append(Violation(rule.rule, phrase, "rewritten"))
            repaired = rewritten
            continue
        violations.append(Violation(rule.rule, phrase, "dropped"))
        return None
    return repaired


def _first_match(rule: _Rule, sentence: str) -> str | None:
    for pattern in rule.patterns:
        match = pattern.search(sentence)
        if match:
            return match.group(0)
    return None


def _rewrite(rule: _Rule, sentence: str) -> str | None:
    if not rule.rewrites:
        return None
    for pattern, replacement in rule.rewrites:
        sentence = pattern.sub(replacement, sentence)
    sentence = sentence.strip()
    if len(sentence.split()) < 2:
        return None     # nothing meaningful left once the phrase is gone
    return sentence[:1].upper() + sentence[1:]
