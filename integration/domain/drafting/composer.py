"""Composing a draft: a backend writes the reply, the guard checks it, tips and note follow.

`compose_draft` is the only entry point callers need. Backends sit behind the small
`Drafter` protocol, so an LLM backend can be added without touching callers, and the
guard runs on whatever any backend returns.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from integration.domain.analysis.types import EMOTIONS, Analysis, Decision, Draft

from .catalog import DEFAULT_LOCALE, available_locales, load_catalog
from .guard import guard_check
from .note import render_note
from .personal import issue_sentence, paraphrase, split_name
from .reading import intensity, is_upset, primary_emotion
from .settings import load_settings
from .tips import coaching_tips
from .variety import pick, ticket_seed

UNDETERMINED = "und"


@dataclass(frozen=True)
class DraftRequest:
    """Everything a backend may use to write a reply; settings are already validated."""

    analysis: Analysis
    text: str
    name: str | None
    settings: dict
    decision: Decision | None
    locale: str
    repeat_contact: bool = False        # memory: the customer raised this on another ticket


class Drafter(Protocol):
    """A reply writer. Returns the reply text, or None when it cannot write one."""

    def draft_reply(self, request: DraftRequest) -> str | None: ...


class TemplateDrafter:
    """The default backend: locale templates, chosen deterministically per ticket."""

    def draft_reply(self, request: DraftRequest) -> str | None:
        catalog = load_catalog(request.locale, request.settings["extra_templates"])
        first_name, full_name = split_name(request.name)
        ignore = [*catalog.get("seed_ignore", ()),
                  *re.findall(r"[\w']+", (full_name or "").lower())]
        seed = ticket_seed(request.text, ignore, catalog.get("seed_canonical"))
        tone = request.settings["tone"]
        polish = _tone_rewriter(catalog, tone)
        subject = _subject(catalog, request, seed)
        if request.analysis.flags.get("resolved") and catalog.get("resolved"):
            return _closing_reply(catalog, request, tone, (first_name, full_name), seed, polish)
        paragraphs = [
            _greeting(catalog, tone, first_name, full_name, seed),
            polish(_empathy(catalog, request.analysis, subject, seed)
                   + _repeat_contact(catalog, request, seed)),
            _issue_and_next_step(catalog, request, subject, seed, polish),
            polish(pick(catalog["closings"][tone], seed, "closing")),
            request.settings["sign_off"]
            or polish(pick(catalog["sign_offs"][tone], seed, "sign-off")),
        ]
        return "\n\n".join(p for p in paragraphs if p)


def _closing_reply(catalog: dict, request: DraftRequest, tone: str,
                   names: tuple[str | None, str | None], seed: str, polish) -> str:
    """The customer says it is solved: a short, warm close, no promise to look into it."""
    closings = catalog.get("resolved_closings", {}).get(tone) or catalog["closings"][tone]
    paragraphs = [
        _greeting(catalog, tone, *names, seed),
        polish(pick(catalog["resolved"].get(tone) or catalog["resolved"]["friendly"], seed,
                    "resolved")),
        polish(pick(closings, seed, "closing")),
        request.settings["sign_off"] or polish(pick(catalog["sign_offs"][tone], seed, "sign-off")),
    ]
    return "\n\n".join(p for p in paragraphs if p)


DEFAULT_DRAFTER: Drafter = TemplateDrafter()


def compose_draft(
    analysis: Analysis, *, text: str, name: str | None = None, settings: dict | None = None,
    decision: Decision | None = None, drafter: Drafter | None = None,
    repeat_contact: bool = False,
) -> Draft:
    """The internal note for one ticket: AI-disclosed header, guarded reply, coaching tips."""
    loaded = load_settings(settings)
    locale = reply_locale(analysis, loaded)
    reply, guard = None, None
    if locale is not None:
        request = DraftRequest(analysis, text, name, loaded, decision, locale, repeat_contact)
        raw = (drafter or DEFAULT_DRAFTER).draft_reply(request)
        if raw:
            if loaded["public_replies"]:
                raw = f"{raw}\n\n{loaded['disclosure_line']}"
            guard = guard_check(raw, loaded, upset=is_upset(analysis), locale=locale)
            reply = guard.text
    tips = coaching_tips(analysis, decision=decision, supported=locale is not None, settings=loaded,
                         locale=loaded["agent_locale"])
    note = render_note(reply=reply, tips=tips, guard=guard, settings=loaded,
                       language=analysis.language)
    return Draft(note=note, reply=reply, tips=tips, disclosure=True)


def reply_locale(analysis: Analysis, settings: dict) -> str | None:
    """The locale to reply in, or None when there are no templates for the language."""
    language = analysis.language or UNDETERMINED
    if language == UNDETERMINED:
        return DEFAULT_LOCALE      # too short to tell; the shipped default is the best guess
    return language if language in available_locales(settings["extra_templates"]) else None


def _subject(catalog: dict, request: DraftRequest, seed: str) -> str:
    topics = catalog["topics"]
    topic = topics.get(request.analysis.topic) or topics["other"]
    lowered = request.text.lower()
    product = next((p for p in request.settings["product_names"] if p.lower() in lowered), None)
    if product and topic.get("product_subjects"):
        return pick(topic["product_subjects"], seed, "subject").format(product=product)
    return pick(topic["subjects"], seed, "subject")


def _greeting(catalog: dict, tone: str, first: str | None, full: str | None, seed: str) -> str:
    options = catalog["greetings"][tone]["named" if first else "anonymous"]
    return pick(options, seed, "greeting").format(first_name=first, full_name=full)


def _empathy(catalog: dict, analysis: Analysis, subject: str, seed: str) -> str:
    emotion = primary_emotion(analysis)
    level = intensity(analysis, emotion)
    by_level = catalog["openings"].get(emotion or "neutral") or catalog["openings"]["neutral"]
    opening = pick(by_level.get(level) or by_level["mild"], seed, "opening").format(subject=subject)
    opening = opening[:1].upper() + opening[1:]     # subjects such as "this" may lead
    bridges = catalog.get("bridges", {}).get(emotion or "", [])
    if level == "strong" and bridges:
        opening = f"{opening} {pick(bridges, seed, 'bridge')}"
    return opening


def _issue_and_next_step(
    catalog: dict, request: DraftRequest, subject: str, seed: str, polish,
) -> str:
    restate = catalog["restate"]
    evidence = request.analysis.evidence
    keywords = {w.lower() for key in (*EMOTIONS, "topic") for phrase in evidence.get(key, ())
                for w in re.findall(r"[\w']+", phrase)}
    sentence = issue_sentence(request.text, keywords, set(catalog.get("unquotable", ())),
                              avoid=tuple(evidence.get("repeated_contact", ())))
    swapped = paraphrase(sentence, catalog.get("paraphrase_swaps", {}),
                         set(catalog.get("second_person", ()))) if sentence else None
    if request.analysis.topic == "praise" or primary_emotion(request.analysis) == "gratitude":
        issue = ""      # echoing praise back reads oddly; there is no problem to restate
    elif "sarcasm" in evidence:
        # Quoting "great, another outage" back would mock the customer: name the subject only.
        issue = polish(pick(restate["fallback"], seed, "restate")).format(subject=subject)
    elif swapped:
        issue = polish(pick(restate["paraphrase"], seed, "restate")).format(issue=swapped)
    elif sentence:
        issue = polish(pick(restate["quote"], seed, "restate")).format(quote=sentence)
    else:
        issue = polish(pick(restate["fallback"], seed, "restate")).format(subject=subject)
    topic = catalog["topics"].get(request.analysis.topic) or catalog["topics"]["other"]
    parts = [p for p in (issue, polish(pick(topic["next_steps"], seed, "next-step"))) if p]
    if primary_emotion(request.analysis) == "anxiety" and catalog.get("timing"):
        parts.append(polish(pick(catalog["timing"], seed, "timing")))   # reassurance needs a time
    return " ".join(parts)


def _repeat_contact(catalog: dict, request: DraftRequest, seed: str) -> str:
    """Acknowledges earlier contact without quoting another ticket (memory knows labels only)."""
    options = catalog.get("repeat_contact") or []
    if not request.repeat_contact or not options:
        return ""
    return " " + pick(options, seed, "repeat-contact")


def _tone_rewriter(catalog: dict, tone: str):
    """A function applying the tone's rewrites (formal: no contractions) to template text."""
    rewrites = catalog.get("formal_rewrites", {}) if tone == "formal" else {}
    if not rewrites:
        return lambda text: text
    pattern = re.compile(
        "|".join(r"(?<!\w)" + re.escape(k) + r"(?!\w)"
                 for k in sorted(rewrites, key=len, reverse=True))
    )
    return lambda text: pattern.sub(lambda m: rewrites[m.group(0)], text)
