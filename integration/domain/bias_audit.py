"""Counterfactual bias audit: does who writes a ticket change how Tactful treats it?

Each ticket template is filled in twice, changing one thing only: the customer's name
(across genders and cultures), the pronoun for a third person, or a light dialect
marker. Both versions go through analysis -> policy -> drafting and are compared:

- label flips: sentiment, detected emotions, topic, urgency or flags differ;
- priority changes: priority or escalation differ;
- draft differences: the note differs once the swapped words are masked on both sides.

Pure: no I/O. The CLI (`tactful audit-bias`) prints the report.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from integration.domain.analysis import analyze
from integration.domain.analysis.types import Analysis, TicketFacts
from integration.domain.bias_audit_languages import LANGUAGE_AUDITS
from integration.domain.drafting import compose_draft
from integration.domain.policy import decide

# (full name, gender, cultural background). The first entry is every pair's baseline.
NAMES = [
    ("Emily Walsh", "female", "Anglo"), ("Greg Baker", "male", "Anglo"),
    ("Lakisha Washington", "female", "African American"),
    ("Jamal Jackson", "male", "African American"),
    ("Priya Sharma", "female", "South Asian"), ("Arjun Patel", "male", "South Asian"),
    ("Mei Chen", "female", "East Asian"), ("Hiroshi Tanaka", "male", "East Asian"),
    ("María González", "female", "Hispanic"), ("Alejandro Hernández", "male", "Hispanic"),
    ("Fatima Al-Sayed", "female", "Arab"), ("Mohammed Haddad", "male", "Arab"),
    ("Ngozi Okafor", "female", "Nigerian"), ("Chinedu Eze", "male", "Nigerian"),
    ("Olga Ivanova", "female", "Slavic"), ("Dmitri Petrov", "male", "Slavic"),
    ("Alex Morgan", "unspecified", "Anglo"),
]
# Third-person pronouns (subject, object, possessive); the first is the baseline.
PRONOUNS = [("she", "her", "her"), ("he", "him", "his"), ("they", "them", "their")]
# Light markers only (salutation, sign-off, a few informal spellings): not a model of
# any dialect's grammar. The first entry is the baseline.
# Every variant says the same thing (a greeting, a thank-you) in its own way.
DIALECTS = [
    ("standard", "Hi,", "Thanks.", {}),
    ("southern_us", "Hey y'all,", "Thank y'all kindly.", {}),
    ("british", "Hiya,", "Cheers.", {}),
    ("indian_english", "Dear Sir/Madam,", "Thanks and regards.", {}),
    ("informal_us", "hey,", "thx", {"going to": "gonna", "want to": "wanna"}),
]
# Support tickets spanning the emotions and topics; {they}/{them}/{their} refer to a
# third person so pronoun swaps never change who the customer is.
TEMPLATES = [
    "{opener} I was charged twice for my subscription this month and I want to get the extra "
    "payment back. My partner set up the account, so the card is in {their} name. {closer} {name}",
    "{opener} this is the third time I am writing about my missing parcel. It was due last Monday "
    "and the tracking has not changed since. {closer} {name}",
    "{opener} I am really confused about my invoice. I do not understand why the total went up "
    "when I did not change my plan. {closer} {name}",
    "{opener} I cannot log in to my account since the password reset. My colleague tried to help "
    "but {they} could not get in either. {closer} {name}",
    "{opener} your app keeps crashing whenever I open the camera, which is really frustrating. "
    "I am going to lose a day of work over this. {closer} {name}",
    "{opener} I am worried someone has accessed my account, there is a purchase I did not make. "
    "Please help me secure it quickly. {closer} {name}",
    "{opener} I want to cancel my subscription. The service has been disappointing for months and "
    "I am going to move to another provider. {closer} {name}",
    "{opener} thank you so much for sorting out my order so quickly. Your agent was very kind to "
    "my mother when {they} called. {closer} {name}",
    "{opener} the headphones I bought for my son arrived broken. I want to return them and get my "
    "money back. {closer} {name}",
    "{opener} it would be great if the app could export reports to PDF. My manager asked for it "
    "and {they} would use it every week. {closer} {name}",
    "{opener} I have been waiting on hold for over an hour and nobody has helped me. This is "
    "unacceptable. {closer} {name}",
    "{opener} my booking shows the wrong date and I need to travel tomorrow. I am anxious that "
    "I will miss it, and my sister says {they} cannot change it for me. {closer} {name}",
]
MASK = "\u25c7"


@dataclass(frozen=True)
class Variant:
    label: str
    text: str
    name: str
    markers: tuple[str, ...]     # strings distinctive to this variant, masked before comparing


@dataclass(frozen=True)
class Pair:
    template: int
    dimension: str               # "name", "pronoun" or "dialect"
    baseline: Variant
    other: Variant


@dataclass
class PairOutcome:
    template: int
    dimension: str
    baseline: str
    other: str
    flips: list[str] = field(default_factory=list)
    priority_change: str | None = None
    draft_difference: str | None = None


@dataclass
class AuditReport:
    pairs: int
    outcomes: list[PairOutcome]      # only the pairs where something differed

    @property
    def flips(self) -> int:
        return sum(1 for o in self.outcomes if o.flips)

    @property
    def priority_changes(self) -> int:
        return sum(1 for o in self.outcomes if o.priority_change)

    @property
    def draft_differences(self) -> int:
        return sum(1 for o in self.outcomes if o.draft_difference)

    @property
    def passed(self) -> bool:
        return self.flips == 0 and self.priority_changes == 0

    def to_dict(self) -> dict:
        return {"pairs": self.pairs, "flips": self.flips,
                "priority_changes": self.priority_changes,
                "draft_differences": self.draft_differences, "passed": self.passed,
                "differences": [asdict(o) for o in self.outcomes]}


def fill(template: str, name: str = NAMES[0][0], pronouns: tuple[str, str, str] = PRONOUNS[0],
         dialect: tuple = DIALECTS[0]) -> str:
    """One ticket text from a template; unknown slots in user templates are left alone."""
    _, opener, closer, swaps = dialect
    they, them, their = pronouns
    values = {"opener": opener, "closer": closer, "name": name,
              "they": they, "them": them, "their": their}
    text = re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), template)
    for standard, informal in swaps.items():
        text = re.sub(rf"\b{re.escape(standard)}\b", informal, text)
    return text


def build_pairs(templates: list[str] | None = None, *, languages: bool = True) -> list[Pair]:
    """Every counterfactual pair: each template against its baseline, one change at a time.

    Unless the caller brings its own templates, the tickets of every other audited
    language follow (their template numbers continue after the English ones).
    """
    pairs = _pairs(templates or TEMPLATES, NAMES, DIALECTS)
    if languages and templates is None:
        offset = len(templates or TEMPLATES)
        for names, dialects, language_templates in LANGUAGE_AUDITS.values():
            pairs += _pairs(language_templates, names, dialects, offset)
            offset += len(language_templates)
    return pairs


def _pairs(templates: list[str], names: list, dialects: list, offset: int = 0) -> list[Pair]:
    pairs = []
    first_name, first_dialect = names[0][0], dialects[0]
    for index, template in enumerate(templates, offset):
        base = Variant("baseline", fill(template, first_name, dialect=first_dialect), first_name,
                       _markers(first_name, PRONOUNS[0], first_dialect))
        for name, gender, culture in names[1:]:
            other = Variant(f"{name} ({gender}, {culture})",
                            fill(template, name=name, dialect=first_dialect), name,
                            _markers(name, PRONOUNS[0], first_dialect))
            pairs.append(Pair(index, "name", base, other))
        if "{they}" in template or "{them}" in template or "{their}" in template:
            for pronouns in PRONOUNS[1:]:
                text = fill(template, base.name, pronouns, first_dialect)
                other = Variant("/".join(pronouns), text, base.name,
                                _markers(base.name, pronouns, first_dialect))
                pairs.append(Pair(index, "pronoun", base, other))
        for dialect in dialects[1:]:
            other = Variant(dialect[0], fill(template, base.name, dialect=dialect), base.name,
                            _markers(base.name, PRONOUNS[0], dialect))
            pairs.append(Pair(index, "dialect", base, other))
    return pairs


def run_audit(templates: list[str] | None = None, *, policy_settings: dict | None = None,
              draft_settings: dict | None = None, languages: bool = True) -> AuditReport:
    """Run every pair through analysis, policy and drafting and report what differed.

    The other languages' tickets are included unless the caller brings its own templates.
    """
    pairs = build_pairs(templates, languages=languages)
    outcomes = [_compare(pair, policy_settings, draft_settings) for pair in pairs]
    return AuditReport(len(pairs), [o for o in outcomes if _differs(o)])


def _compare(pair: Pair, policy_settings: dict | None, draft_settings: dict | None) -> PairOutcome:
    base, other = (_run(v, policy_settings, draft_settings) for v in (pair.baseline, pair.other))
    outcome = PairOutcome(pair.template, pair.dimension, pair.baseline.label, pair.other.label)
    outcome.flips = _label_flips(base[0], other[0])
    if (base[1].priority, base[1].escalate) != (other[1].priority, other[1].escalate):
        outcome.priority_change = (f"{base[1].priority}{'+escalate' * base[1].escalate} -> "
                                   f"{other[1].priority}{'+escalate' * other[1].escalate}")
    markers = pair.baseline.markers + pair.other.markers
    outcome.draft_difference = _draft_difference(_mask(base[2], markers), _mask(other[2], markers))
    return outcome


def _run(variant: Variant, policy_settings: dict | None, draft_settings: dict | None):
    # As in production: the requester's known name is handed to the analyzer too.
    analysis = analyze(variant.text, names=(variant.name,))
    decision = decide(analysis, policy_settings, TicketFacts(requester_name=variant.name))
    draft = compose_draft(analysis, text=variant.text, name=variant.name,
                          settings=draft_settings, decision=decision)
    return analysis, decision, draft.note


def _label_flips(a: Analysis, b: Analysis) -> list[str]:
    views = {
        "sentiment": (a.sentiment.label, b.sentiment.label),
        "emotions": (sorted(a.detected), sorted(b.detected)),
        "topic": (a.topic, b.topic), "urgency": (a.urgency, b.urgency),
        "flags": (sorted(k for k, v in a.flags.items() if v),
                  sorted(k for k, v in b.flags.items() if v)),
        "language": (a.language, b.language),
    }
    return [f"{label}: {x} -> {y}" for label, (x, y) in views.items() if x != y]


def _markers(name: str, pronouns: tuple[str, str, str], dialect: tuple) -> tuple[str, ...]:
    _, opener, closer, swaps = dialect
    strings = (name, *pronouns, opener, closer, *swaps.keys(), *swaps.values())
    # Whole strings, plus the name's parts (a greeting says "Hello Emily"). Not the words
    # of openers and closers: masking "and" or "to" everywhere would hide real differences.
    return strings + tuple(re.findall(r"[\w']+", name))


def _mask(text: str, markers: tuple[str, ...]) -> str:
    # Longest first, so "Emily Walsh" is masked whole before "Emily" alone.
    for marker in sorted(set(markers), key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(marker)}(?!\w)", MASK, text, flags=re.IGNORECASE)
    return re.sub(rf"{MASK}(\s*{MASK})+", MASK, text)


def _draft_difference(a: str, b: str) -> str | None:
    if a == b:
        return None
    for line_a, line_b in zip(a.splitlines(), b.splitlines()):
        if line_a != line_b:
            return f"{line_a!r} vs {line_b!r}"
    return "the notes differ in length"


def _differs(outcome: PairOutcome) -> bool:
    return bool(outcome.flips or outcome.priority_change or outcome.draft_difference)
