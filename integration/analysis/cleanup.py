"""Clean-up for support messages before anything is scored.

Quoted earlier replies, signatures, email footers, greetings, @handles and links
say nothing about how the customer feels now, so they are cut first. Politeness
boilerplate ("please", "thanks in advance", "can you help") is removed from the
`core` text every label is read from: it is habit, not feeling. `body` keeps it
for anything that quotes the customer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Where an earlier message starts: everything from here on is quoted history.
_QUOTE_START = re.compile(
    r"^(?:on\b[^\n]{0,200}(?:\n[^\n]{0,120})?\bwrote:|-{2,}\s*original message\s*-{2,}"
    r"|-{2,}\s*forwarded message\s*-{2,}|from:\s[^\n]+\n(?:sent|date|to):)",
    re.IGNORECASE | re.MULTILINE,
)
# Where a signature or footer starts: everything from here on is boilerplate.
_TAIL_START = re.compile(
    r"^(?:--\s*$|__+\s*$|sent from my\b|get outlook for\b"
    r"|(?:best|kind|warm|warmest|many)?\s*(?:regards|wishes)\b[^\n]{0,30}$"
    r"|(?:cheers|sincerely|yours (?:truly|sincerely)|best|thanks|thank you|many thanks"
    r"|thanks (?:in advance|again))[,.!]?\s*$"
    r"|(?:this|the information in this) (?:e-?mail|message)\b[^\n]{0,80}\b(?:confidential|intended)"
    r"|confidentiality notice|disclaimer:|to unsubscribe\b|please consider the environment)",
    re.IGNORECASE | re.MULTILINE,
)
_QUOTED_LINE = re.compile(r"^\s*>.*$", re.MULTILINE)
_GREETING = re.compile(
    r"^\s*(?:hi|hello|hey|dear|greetings|good (?:morning|afternoon|evening)|hiya|yo)\b"
    r"[^\n.!?,:]{0,40}[,!:.]?[ \t]*(?:\n|$)|^\s*(?:hi|hello|hey|dear)\b(?: [\w@.'-]+){0,3}[,!:]\s*",
    re.IGNORECASE,
)
_I_HOPE = re.compile(r"\bi hope (?:this|you|all)[^.!?\n]{0,60}(?:well|good|great)[.!]?",
                     re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w.])@\w+")
_LINK = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\[(?:sender|receiver|your name|name|company)\]", re.IGNORECASE)
_SPACES = re.compile(r"[ \t]+")
_POLITENESS = re.compile(
    r"\b(?:thanks?|thank you)(?: so much| very much)?(?: for (?:your|the|any) "
    r"(?:help|time|assistance|support|patience))? in advance\b[.!]?"
    r"|\b(?:(?:can|could|would) (?:you|someone|anyone) (?:please |kindly )?help(?: me| us)?"
    r"(?: with (?:this|that))?|please help(?: me| us)?|help please|(?:i|we) need (?:your |some )?help"
    r"|please|pls|plz|kindly|appreciate (?:your|any) (?:help|assistance))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CleanText:
    body: str        # what the customer wrote in this message
    core: str        # body without politeness boilerplate: what sentiment is scored on


def _cut_at(pattern: re.Pattern, text: str, *, keep_min: int = 1) -> str:
    """Drop everything from the first match on, unless that would leave nothing."""
    for match in pattern.finditer(text):
        if len(text[: match.start()].strip()) >= keep_min:
            return text[: match.start()]
    return text


def clean_message(text: str) -> CleanText:
    body = text.replace("\r\n", "\n")
    body = _cut_at(_QUOTE_START, body)
    body = _QUOTED_LINE.sub("", body)
    body = _cut_at(_TAIL_START, body, keep_min=12)
    body = _GREETING.sub("", body.strip(), count=1)
    body = _I_HOPE.sub(" ", body)
    body = _PLACEHOLDER.sub(" ", _LINK.sub(" ", _HANDLE.sub(" ", body)))
    body = _SPACES.sub(" ", body).strip()
    core = _SPACES.sub(" ", _POLITENESS.sub(" ", body)).strip()
    return CleanText(body=body, core=core)


def mask_names(text: str, names: tuple[str, ...]) -> str:
    """Replace known personal names with [NAME], as the training data does."""
    for name in names:
        for part in name.split():
            if len(part) > 1:
                text = re.sub(rf"(?<!\w){re.escape(part)}(?!\w)", "[NAME]", text,
                              flags=re.IGNORECASE)
    return text
