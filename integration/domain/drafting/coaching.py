"""Live coaching on the agent's own reply: what the guard, the customer's feelings and the
customer's questions say about a draft the agent wrote, each with a suggested rewrite.

Pure: takes the agent's text, the ticket's stored analysis (a dict, as the enrichments
table keeps it) and the installation's drafting settings; returns findings. Nothing is
sent anywhere. The sidebar shows the findings; the agent decides.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from integration.domain.analysis.types import EMOTIONS

from .catalog import DEFAULT_LOCALE, load_catalog
from .guard import MISSING_DISCLOSURE, guard_check
from .settings import load_settings

HARD_TO_READ_BELOW = 50.0       # Flesch reading ease: 50-60 is "fairly difficult" prose
MAX_QUESTIONS = 5
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[A-Za-z\u00C0-\u024F']+")
_VOWEL_GROUP = re.compile(r"[aeiouy]+")
# Words too common to tell whether a reply speaks to a question.
_STOPWORDS = frozenset("""
    about after again also am an and any are be been being but by can could did do does doing
    for from get got had has have how i if in into is it its just me my no not now of on or
    our please so some still than that the their them then there these they this to too up us
    was we were what when where which who why will with would you your yours hello thanks thank
    there here want need know like make made""".split())
# Phrases that show the reply names the feeling (English catalogue; other locales fall back
# to the opening lines of their own catalogue).
_ACKNOWLEDGES = {
    "frustration": r"sorry|apolog|frustrat|annoy|understand|patience|time and effort|hassle",
    "anger": r"sorry|apolog|you're right|you are right|on us|our fault|let you down|upset",
    "confusion": r"let me explain|to clarify|here's how|here is how|step by step|walk you|"
                 r"good question|confusing",
    "anxiety": r"don't worry|do not worry|rest assured|safe|secure|understand your concern|"
               r"reassur|worr",
    "disappointment": r"sorry|apolog|let you down|expected better|not what you expected|"
                      r"disappoint",
    "gratitude": r"thank|glad|happy to hear|appreciate",
}
# When a sentence cannot be repaired by deleting a phrase, a safe line to say instead.
_FALLBACK_REWRITES = {
    "blame": "Let me check what happened and put it right for you.",
    "calm_down": "I understand why this is upsetting, and I'm on it.",
    "over_promise": "We'll resolve this as quickly as we can and keep you updated.",
    "upsell": "",
    "banned_phrase": "",
}


@dataclass(frozen=True)
class Finding:
    rule: str           # a guard rule, no_acknowledgement, unanswered_question or hard_to_read
    phrase: str         # what in the text triggered it (or the customer's question)
    suggestion: str     # the suggested rewrite ("" means: remove the sentence)
    sentence: str = ""  # the agent's sentence the suggestion replaces, when there is one


@dataclass(frozen=True)
class Coaching:
    findings: list[Finding]
    readability: float            # Flesch reading ease, 0 (hard) .. 100 (easy)
    primary_emotion: str | None   # the customer's strongest detected feeling
    acknowledged: bool | None     # None when the customer showed no feeling to acknowledge

    def to_dict(self) -> dict:
        return {"findings": [asdict(f) for f in self.findings],
                "readability": self.readability, "primary_emotion": self.primary_emotion,
                "acknowledged": self.acknowledged, "ok": not self.findings}


def coach_reply(text: str, analysis: dict | None = None, settings: dict | None = None, *,
                customer_questions: list[str] | None = None,
                locale: str = DEFAULT_LOCALE) -> Coaching:
    """Findings on `text`, most serious first: tone rules, then feeling, questions, reading."""
    analysis = analysis or {}
    findings = guard_findings(text, settings, upset=_is_upset(analysis), locale=locale)
    emotion = strongest_emotion(analysis)
    acknowledged = None
    if emotion is not None:
        acknowledged = acknowledges(text, emotion)
        if not acknowledged:
            findings.append(Finding("no_acknowledgement", emotion,
                                    _opening_for(emotion, settings, locale)))
    questions = customer_questions if customer_questions is not None \
        else analysis.get("questions") or []
    for question in unanswered_questions(text, questions):
        findings.append(Finding("unanswered_question", question,
                                f"About your question \u201c{question}\u201d: "))
    score = reading_ease(text)
    if text.strip() and score < HARD_TO_READ_BELOW:
        longest = max(_sentences(text), key=lambda s: len(_WORD.findall(s)))
        findings.append(Finding("hard_to_read", f"{score:.0f}", split_sentence(longest),
                                longest))
    return Coaching(findings, score, emotion, acknowledged)


def guard_findings(text: str, settings: dict | None, *, upset: bool,
                   locale: str = DEFAULT_LOCALE) -> list[Finding]:
    """The guard's rules, sentence by sentence, so each finding carries its own rewrite."""
    # The agent's reply is not AI-written: the disclosure rule does not apply to it.
    loaded = {**(settings or {}), "public_replies": False}
    findings = []
    for sentence in _sentences(text):
        findings += _sentence_findings(sentence, loaded, upset, locale)
    return findings


def _sentence_findings(sentence: str, settings: dict, upset: bool, locale: str,
                       rounds: int = 6) -> list[Finding]:
    """Every rule a sentence breaks: the guard stops at the first rule that drops a
    sentence, so the phrase it found is taken out and the rest checked again."""
    found: dict[tuple[str, str], Finding] = {}
    rest = sentence
    for _ in range(rounds):
        result = guard_check(rest, settings, upset=upset, locale=locale)
        violations = [v for v in result.violations if v.rule != MISSING_DISCLOSURE]
        for violation in violations:
            suggestion = _tidy(result.text) if violation.action == "rewritten" \
                else _FALLBACK_REWRITES.get(violation.rule, "")
            found.setdefault((violation.rule, violation.phrase.lower()),
                             Finding(violation.rule, violation.phrase, suggestion, sentence))
        if not violations or violations[-1].action != "dropped":
            break
        rest = rest.replace(violations[-1].phrase, " ", 1)
    return list(found.values())


def _tidy(text: str) -> str:
    """A rewrite of what was left of a sentence: no leading comma, a capital first letter."""
    text = text.strip().lstrip(",;:-\u2014 ").strip()
    return text[:1].upper() + text[1:]


def strongest_emotion(analysis: dict) -> str | None:
    """Like drafting's primary_emotion, on the stored dict: a negative feeling first."""
    scores = analysis.get("emotions") or {}
    detected = [e for e in analysis.get("detected") or () if e in EMOTIONS]
    negative = [e for e in detected if e != "gratitude"]
    candidates = negative or detected
    if not candidates:
        return None
    return max(candidates, key=lambda e: (scores.get(e, 0.0), -EMOTIONS.index(e)))


def acknowledges(text: str, emotion: str) -> bool:
    pattern = _ACKNOWLEDGES.get(emotion)
    return bool(pattern and re.search(pattern, text, re.IGNORECASE))


def questions_in(message: str, limit: int = MAX_QUESTIONS) -> list[str]:
    """The customer's questions: the sentences that end in a question mark."""
    found = [s.strip()[:240] for s in _sentences(message) if s.strip().endswith("?")]
    return found[:limit]


def unanswered_questions(reply: str, questions: list[str]) -> list[str]:
    """Questions whose key words the reply never mentions (a cheap, explainable proxy)."""
    reply_stems = {_stem(w) for w in _content_words(reply)}
    missing = []
    for question in questions:
        stems = {_stem(w) for w in _content_words(question)}
        if stems and not stems & reply_stems:
            missing.append(question)
    return missing


def reading_ease(text: str) -> float:
    """Flesch reading ease, clamped to 0..100; 100 for an empty text."""
    words = _WORD.findall(text)
    if not words:
        return 100.0
    sentences = max(1, len([s for s in _sentences(text) if _WORD.search(s)]))
    syllables = sum(_syllables(w) for w in words)
    score = 206.835 - 1.015 * (len(words) / sentences) - 84.6 * (syllables / len(words))
    return round(min(100.0, max(0.0, score)), 1)


def split_sentence(sentence: str) -> str:
    """The sentence cut in two at the joint nearest its middle (a comma or a conjunction)."""
    words = sentence.split()
    middle = len(words) / 2
    joints = [i for i, w in enumerate(words[1:-1], start=1)
              if w.endswith(",") or w.lower() in {"and", "but", "because", "which", "so"}]
    if not joints:
        return sentence
    cut = min(joints, key=lambda i: abs(i - middle))
    if words[cut].endswith(","):
        first, second = words[:cut + 1], words[cut + 1:]
    else:
        first, second = words[:cut], words[cut:]
    if second and second[0].lower() == "and":
        second = second[1:]
    head = " ".join(first).rstrip(",.")
    tail = " ".join(second)
    return f"{head}. {tail[:1].upper()}{tail[1:]}"


def _sentences(text: str) -> list[str]:
    return [s for line in text.splitlines() for s in _SENTENCE.split(line) if s.strip()]


def _content_words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)
            if len(w) >= 4 and w.lower() not in _STOPWORDS]


def _stem(word: str) -> str:
    return word[:5]


def _syllables(word: str) -> int:
    word = word.lower().strip("'")
    groups = len(_VOWEL_GROUP.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee")) and groups > 1:
        groups -= 1
    return max(1, groups)


def _is_upset(analysis: dict) -> bool:
    flags = analysis.get("flags") or {}
    sentiment = (analysis.get("sentiment") or {}).get("label")
    negative_feeling = any(e != "gratitude" for e in analysis.get("detected") or ())
    return bool(negative_feeling or sentiment == "negative" or flags.get("complaint")
                or flags.get("churn_risk"))


def _opening_for(emotion: str, settings: dict | None, locale: str) -> str:
    """The catalogue's first gentle opening for the feeling, about "this"."""
    extras = load_settings(settings)["extra_templates"] if settings else None
    openings = load_catalog(locale, extras).get("openings", {}).get(emotion, {})
    lines = openings.get("mild") or openings.get("strong") or []
    if not lines:
        return ""
    line = lines[0].replace("{subject}", "this")
    return line[:1].upper() + line[1:]
