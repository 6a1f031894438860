"""Sarcasm: positive words said about a bad situation ("Great, another outage").

Two kinds of evidence, both read from the message's one reading:
- an explicit marker from the cue lexicon ("just what I needed", "oh great", "yeah right", 🙄);
- a praise interjection ("Great,", "Perfect!", "Love how …") followed, in the same or
  the next sentence, by something going wrong (a problem, complaint, repeat-contact or
  time-pressure cue), with no "but" turning the sentence and no resolution in the message.
  "Great product, but the app crashes" is mixed, not sarcastic; "Great, that fixed the
  error" is thanks.
"""
from __future__ import annotations

import re

from .reading import Reading

_PRAISE_OPENING = (
    r"(?:(?:oh|wow|well|yay|ah|so|and)[,!]?\s+)?"
    r"(?:great|fantastic|wonderful|brilliant|awesome|perfect|lovely|amazing|excellent|superb"
    r"|terrific|splendid|nice|super|marvell?ous|fabulous|outstanding|cool|good job|great job"
    r"|nice one|well done|bravo|congrats|congratulations|impressive|good|super helpful"
    r"|thanks a (?:bunch|lot|million)|just great|great idea|brilliant idea)"
    r"(?: [a-z]+){0,2}?(?: as always)?"
    r"(?:\s*[,!.:\u2026\u2014-]+|\s+(?=(?:another|now|again|my|the|so|it|you|your)\b))"
)
_INTERJECTION = re.compile(r"(?:^|[.!?\n]\s*)" + _PRAISE_OPENING)
# Past the start of the text only the sentence-end branch can match. Spelled alone it
# starts with a character class, so the engine skips straight to sentence ends instead
# of trying a match at every position (see _interjections): 60% off that scan.
_LATER_INTERJECTION = re.compile(r"[.!?\n]\s*" + _PRAISE_OPENING)
# Praise that closes a complaint ("…lost my files. Just brilliant.") is aimed at it.
_CLOSING_PRAISE = re.compile(
    r"(?:^|[.!?,\n]\s*)(?:just |really |so |very |absolutely )?(?:love it|brilliant|great deal"
    r"|(?:very|so|really) (?:helpful|secure|useful|professional)|five stars|5 stars"
    r"|thanks for that|nice work|great work|good job|great job|well done|top notch|amazing"
    r"|fantastic|wonderful|perfect|great service)[.!\s\U0001F300-\U0001FAFF]*$"
)
_LOVE_HOW = re.compile(
    r"\b(?:i |we )?(?:just |really |absolutely |totally |so )?(?:love|adore|enjoy)s? "
    r"(?:it when|how|when|that)\b"
)
# Every _LOVE_HOW match holds one of these words. Testing for them first skips that
# regex's scan (it tries its optional words at every word start) on most messages:
# half of a message's sarcasm check.
_LOVE_WORDS = ("love", "adore", "enjoy")
# A turn ("but"), a condition ("if it still fails") or a plan ("I'll try") makes the
# problem part of a plain report, not the target of ironic praise.
_TURN = re.compile(r"\b(?:but|however|although|though|except|apart from|if|whether|in case"
                   r"|unless|i'll|i will|will try|let (?:you|me) know)\b")
_SENTENCE_END = re.compile(r"[.!?\n]+")
# "Great, another …" is the classic ironic opening, whatever the other thing is.
_ANOTHER = re.compile(r"\s*(?:yet )?another\b")
# A sincere "Great," is followed by a request, a plan or thanks; a sarcastic one by a report.
_SINCERE = re.compile(r"\?|\b(?:please|can you|could you|would you|can i|could i|i'll|i will"
                      r"|we'll|let me|let us|thanks?|thank you|appreciate)\b")
_CLOSING_REACH = 60
# How negative the model must find a message that opens with praise for the praise to be ironic.
_MODEL_NEGATIVE = 0.3
_ADVERSE = ("problem", "complaint", "churn_risk", "adverse")
# A mild cue on its own ("still", "again") is not a situation to be ironic about.
_CLEARLY_NEGATIVE = -0.2


def _adverse(effects: dict[str, float]) -> bool:
    return (effects.get("sentiment", 0.0) <= _CLEARLY_NEGATIVE
            or any(effects.get(k, 0.0) > 0 for k in _ADVERSE))


def _interjections(text: str) -> list[re.Match]:
    """Every match of _INTERJECTION.finditer(text), in order."""
    first = _INTERJECTION.match(text)
    later = _LATER_INTERJECTION.finditer(text, first.end() if first else 0)
    return [first, *later] if first else list(later)


def _window_end(text: str, start: int) -> int:
    """End of the sentence after the one starting at `start` (praise often stands alone)."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text, start + 1)]
    return ends[1] if len(ends) > 1 else len(text)


def detect_sarcasm(reading: Reading) -> list[str]:
    """The phrases that make the message sarcastic; [] when it is not."""
    explicit = [h.phrase.strip() for h in reading.hits if h.effects.get("sarcasm")]
    if explicit:
        return explicit
    if any(h.effects.get("resolved") for h in reading.hits):
        return []
    text = reading.lowered
    # Closing praise is short and at the very end: only the tail needs searching.
    closing = _CLOSING_PRAISE.search(text, max(0, len(text) - _CLOSING_REACH))
    if closing:
        trouble = [h.phrase.strip() for h in reading.hits
                   if h.start < closing.start() and _adverse(h.effects)]
        if trouble and not _TURN.search(text, closing.start()):
            return [closing.group(0).strip(" ,.!?\n"), *trouble]
    loving = _LOVE_HOW.finditer(text) if any(w in text for w in _LOVE_WORDS) else ()
    for match in (*_interjections(text), *loving):
        if _ANOTHER.match(text, match.end()):
            return [match.group(0).strip(" ,.!?\n\u2026\u2014-"), "another"]
        end = _window_end(text, match.end())
        turn = _TURN.search(text, match.end(), end)
        end = turn.start() if turn else end
        trouble = [h.phrase.strip() for h in reading.hits
                   if match.end() <= h.start < end and _adverse(h.effects)]
        if trouble:
            return [match.group(0).strip(" ,.!?\n\u2026\u2014-"), *trouble]
    return _ironic_opening(reading)


def _ironic_opening(reading: Reading) -> list[str]:
    """A message that opens with praise and then only reports something the model reads as bad."""
    text = reading.lowered
    opening = _INTERJECTION.match(text)
    if (not opening or reading.model is None or _SINCERE.search(text)
            or _TURN.search(text, opening.end())):
        return []
    if reading.model.sentiment["negative"] >= _MODEL_NEGATIVE:
        return [opening.group(0).strip(" ,.!?\n\u2026\u2014-")]
    return []
