"""Clean-up for support messages before anything is scored.

Quoted earlier replies, signatures, email footers, greetings, @handles and links
say nothing about how the customer feels now, so they are cut first. So are
closing formulas ("Thanks.", "Cheers", "thx", "Thank y'all kindly", "Thanks and
regards", "Kind regards", ...) where they close the message: at its end, before a
signature, or on a line of their own. The same words in the body ("thank you so much,
that fixed it!") still count. Politeness boilerplate ("please", "thanks in advance",
"can you help") is removed from the `core` text every label is read from, and light
dialect/informal variants are mapped to a standard form ("gonna" -> "going to",
"y'all" -> "you all"): habit and dialect, not feeling. `body` keeps both for anything
that quotes the customer. Closing formulas and variants live in `data/dialect.json`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .cues import CueHit
from .regex_first import prefixes

DIALECT_PATH = Path(__file__).with_name("data") / "dialect.json"

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
    r"|(?:this|the information in this) (?:e-?mail|message)\b[^\n]{0,80}\b(?:confidential|intended)"
    r"|confidentiality notice|disclaimer:|to unsubscribe\b|please consider the environment)",
    re.IGNORECASE | re.MULTILINE,
)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
_CURLY_APOSTROPHES = ("\u2019", "\u2018", "`")
# A signature after a closing formula: a few capitalised words, initials or masked names.
_SIGNATURE = r"(?-i:(?:[-~\u2013\u2014]\s*)?(?:(?:\[NAME\]|(?!I\b)[A-Z][\w'.&-]*),?\s*){1,6})"
# How little must come before a closing formula for it to be a closing: a message that is
# only "Thanks so much!" is a thank-you, not a sign-off.
_MIN_BEFORE_CLOSING = 12
_CLOSING_REACH = 200
# Spelt X[X]* rather than X+: a pattern that opens with a character class lets the engine
# skip to the next candidate character in one tight loop instead of trying a match at
# each character (~30k instructions off a 300-character message).
_SENTENCE_END = re.compile(r"[.!?\n][.!?\n]*[ \t]*")
_QUOTED_LINE = re.compile(r"^\s*>.*$", re.MULTILINE)
_QUOTE_MARK = re.compile(r"^\s*>+[ \t]?", re.MULTILINE)
# Salutations in the analyzer's other languages (es, fr, de, pt, it): "Buenas," must not
# read as praise any more than "Hi," does.
_OTHER_GREETINGS = (
    r"|hola|buen[oa]s(?: (?:días|tardes|noches))?|estimad[oa]s?|bonjour|bonsoir|salut|allô"
    r"|cher|chère|hallo|guten (?:tag|morgen|abend)|servus|grüezi|moin|sehr geehrte[rs]?"
    r"|liebe[rs]?|olá|oi(?:,? tudo bem\??)?|bom dia|boa (?:tarde|noite)|prezad[oa]s?"
    r"|buongiorno|buonasera|ciao|salve|gentile|egregi[oa]"
)
_GREETING = re.compile(
    r"^\s*(?:hi|hello|hey|dear|greetings|good (?:morning|afternoon|evening|day)|hiya|howdy"
    r"|g'day|yo" + _OTHER_GREETINGS + r")\b[^\n.!?,:]{0,40}[,!:.]?[ \t]*(?:\n|$)"
    r"|^\s*(?:hi|hello|hey|dear|hiya|howdy|g'day|greetings|good (?:morning|afternoon|evening|day)"
    + _OTHER_GREETINGS + r")"
    r"\b(?! (?:thanks|thank|thx|ty)\b)(?: [\w@.'/&-]+){0,3}[,!:]\s*",
    re.IGNORECASE,
)
_I_HOPE = re.compile(r"\bi hope (?:this|you|all)[^.!?\n]{0,60}(?:well|good|great)[.!]?",
                     re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w.])@\w+")
_LINK = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\[(?:sender|receiver|your name|name|company)\]", re.IGNORECASE)
_SPACES = re.compile(r"[ \t]+")
_WORDS = re.compile(r"[^\W\d_]+")
_PUNCTUATION = str.maketrans({ch: " " for ch in ".,;:!?\"'()[]{}<>*/\\|-_~#@&+=\u2026\u201c\u201d"})
_POLITENESS = re.compile(
    r"\b(?:thanks?|thank you)(?: so much| very much)?(?: for (?:your|the|any) "
    r"(?:help|time|assistance|support|patience))? in advance\b[.!]?"
    r"|\b(?:(?:can|could|would) (?:you|someone|anyone) (?:please |kindly )?help(?: me| us)?"
    r"(?: with (?:this|that))?|please help(?: me| us)?|help please"
    r"|(?:i|we) need (?:your |some )?help"
    r"|please|pls|plz|kindly|(?<!really )(?<!truly )(?<!greatly )(?<!so )appreciate (?:your|any) "
    r"(?:help|assistance))\b",
    re.IGNORECASE,
)

# _POLITENESS for lower-cased text (see _searchable), case-sensitive and led by each
# branch's first letter, the word boundary checked behind it: the engine then skips a
# position with one compare where _POLITENESS tries every branch (2/3 of clean_message
# on English text). Same branches in the same order, so the same matches: edit the two
# together (tests/analysis/test_cleanup_prechecks.py compares them on every branch).
_POLITENESS_LOWER = re.compile(
    r"t(?<!\wt)(?:hanks?|hank you)(?: so much| very much)?(?: for (?:your|the|any) "
    r"(?:help|time|assistance|support|patience))? in advance\b[.!]?"
    r"|c(?<!\wc)(?:an|ould) (?:you|someone|anyone) (?:please |kindly )?help(?: me| us)?"
    r"(?: with (?:this|that))?\b"
    r"|w(?<!\ww)(?:ould (?:you|someone|anyone) (?:please |kindly )?help(?: me| us)?"
    r"(?: with (?:this|that))?|e need (?:your |some )?help)\b"
    r"|p(?<!\wp)(?:lease help(?: me| us)?|lease|ls|lz)\b"
    r"|h(?<!\wh)elp please\b"
    r"|i(?<!\wi) need (?:your |some )?help\b"
    r"|k(?<!\wk)indly\b"
    r"|a(?<!\wa)(?<!really a)(?<!truly a)(?<!greatly a)(?<!so a)ppreciate (?:your|any) "
    r"(?:help|assistance)\b"
)

# Every branch of _POLITENESS needs one of these words.
_POLITENESS_WORDS = ("in advance", "help", "please", "pls", "plz", "kindly", "appreciate")
# Characters a case-insensitive pattern matches to an ASCII letter that lower() keeps apart.
_FOLDED_BY_REGEX = ("\u0130", "\u0131", "\u017f")


# Whether the rest of a message asks for something or reports a problem: then a closing
# "thanks" thanks for help not given yet, which is politeness, not gratitude.
_PROSPECTIVE = re.compile(
    r"\?|\b(?:(?:can|could|would|will) (?:you|u|someone|anyone|somebody)|please|pls|plz|kindly"
    r"|(?:i|we) (?:need|want|would like|'d like|am trying|am looking|am waiting|have been trying"
    r"|have been waiting)|let (?:me|us) know|help me|help us|any (?:update|news)|when will"
    r"|looking for|waiting for)\b",
    re.IGNORECASE,
)
# Cue effects that mark a problem report or an upset customer (see data/cues.json).
_TROUBLE = ("problem", "complaint", "churn_risk", "repeated_contact", "abusive", "frustration",
            "anger", "anxiety", "disappointment", "confusion", "urgency")
_AGAIN = re.compile(r"\bagain\b", re.IGNORECASE)
_EMPHATIC_THANKS = re.compile(r"so much|very much|a lot|a bunch|a million|a ton|heaps|many"
                              r"|huge|big|!",
                              re.IGNORECASE)


@lru_cache(maxsize=1)
def _dialect_data() -> dict:
    with open(DIALECT_PATH, encoding="utf-8") as handle:
        return json.load(handle)


def _closing_alternation(data: dict) -> tuple[str, str]:
    """(the thanking closing formulas, every closing formula) as regex alternations."""
    curly = [c.replace("'", "['\u2019]") for c in data["closings"]["thanks"]]
    return "(?:" + "|".join(curly) + ")", "(?:" + "|".join(curly + data["closings"]["other"]) + ")"


@lru_cache(maxsize=1)
def _dialect() -> tuple[dict[str, str], re.Pattern, re.Pattern, re.Pattern, re.Pattern,
                        tuple[frozenset[str], tuple[str, ...]]]:
    """(variants, variant regex, closing-at-end, closing-on-its-own-line, thanking closing,
    (one-word variants, longer variants))."""
    data = _dialect_data()
    variants = {k.lower(): v for k, v in data["variants"].items()}
    ordered = sorted(variants, key=len, reverse=True)
    # Curly or straight apostrophes alike: "y\u2019all" is "y'all".
    replaced = "|".join(re.escape(k).replace("'", "['\u2019]") for k in ordered if variants[k])
    dropped = "|".join(re.escape(k).replace("'", "['\u2019]") for k in ordered
                       if not variants[k]) or r"(?!x)x"
    # Whole words only ("U.S." is not "you"); a dropped tag takes its comma with it.
    variant = re.compile(rf"(?<![\w'.])(?:{replaced})(?![\w']|\.\w)"
                         rf"|,?[ \t]*(?<![\w'])(?:{dropped})(?![\w'])[ \t]*,?", re.IGNORECASE)
    thanks, closing = _closing_alternation(data)
    # Tried only where a sentence starts (see split_closing).
    at_end = re.compile(rf"[ \t]*{closing}[ \t]*[,.!]*\s*"
                        rf"(?:{_SIGNATURE}[.]?)?\s*\Z", re.IGNORECASE)
    own_line = re.compile(rf"^[ \t]*{closing}[ \t]*[,.!]*[ \t]*$", re.IGNORECASE | re.MULTILINE)
    thanking = re.compile(rf"\s*{thanks}\b", re.IGNORECASE)
    # For a cheap "any variant here?" test: one-word variants by word, longer ones by substring.
    words = frozenset(k for k in variants if _WORDS.fullmatch(k))
    phrases = tuple(k for k in variants if k not in words)
    return variants, variant, at_end, own_line, thanking, (words, phrases)


# How many characters of a sentence's start _closing_starts looks at.
_CLOSING_KEY = 3
# Characters a case-insensitive pattern matches exactly where lower() maps a character to
# them (checked over every code point, _FOLDED_BY_REGEX aside).
_CASE_SAFE = frozenset("abcdefghijklmnopqrstuvwxyz ,'\u2019&-")
# Every character \s matches (str.isspace), as " ": how _closing_starts spells them.
_WHITESPACE_AS_SPACE = str.maketrans({c: " " for c in map(chr, range(0x3001)) if c.isspace()})


@lru_cache(maxsize=1)
def _closing_starts() -> frozenset[str] | None:
    """Every lower-cased start (up to _CLOSING_KEY characters, whitespace as " ") a closing
    formula can have, or None when that is not known: split_closing tries the closing
    regex only where a sentence starts like one (a try costs ~20k instructions)."""
    starts = prefixes(_closing_alternation(_dialect_data())[1].replace(r"\s", " "), _CLOSING_KEY)
    if starts is None or not set("".join(starts).lower()) <= _CASE_SAFE:
        return None
    return frozenset(start.lower() for start in starts)


def _may_start_closing(text: str, at: int, starts: frozenset[str] | None) -> bool:
    """False only when no closing formula can start at `at` (see _closing_starts)."""
    key = text[at:at + _CLOSING_KEY]
    if starts is None or key[:1] in (" ", "\t") or any(c in key for c in _FOLDED_BY_REGEX):
        return True
    key = key.lower().translate(_WHITESPACE_AS_SPACE)
    return any(key[:size] in starts for size in range(len(key) + 1))


def normalize_dialect(text: str) -> str:
    """Informal and regional variants mapped to their standard form (`data/dialect.json`)."""
    _, pattern, *_, (words, phrases) = _dialect()
    # Most messages have no variant at all: one cheap word scan says so.
    lower = text.lower()
    if not _may_hold_variant(lower, words, phrases):
        return text
    lower = lower.translate(_APOSTROPHES)
    if (words.isdisjoint(lower.translate(_PUNCTUATION).split())
            and not any(p in lower for p in phrases)):
        return text
    return pattern.sub(_standard_form, text)


def _standard_form(match: re.Match) -> str:
    """The replacement for one variant found by normalize_dialect, in the found case."""
    found = match.group(0)
    value = _dialect()[0].get(found.lower().translate(_APOSTROPHES))
    if value is None:           # a dropped tag ("innit"), with its comma
        return "," if found.startswith(",") and found.endswith(",") else ""
    if found.isupper() and len(found) > 1:
        return value.upper()
    return value[:1].upper() + value[1:] if found[:1].isupper() else value


def _may_hold_variant(lower: str, words: frozenset[str], phrases: tuple[str, ...]) -> bool:
    """False only when the word scan in normalize_dialect would find no variant.

    str.translate is slow on non-ASCII text (a dict lookup per character), so the scan
    runs on an ASCII copy in which every other character is "?", a separator: a variant
    made of ASCII characters that is a word (or a substring) of the text still is one
    of the copy.
    """
    if any(mark in lower for mark in _CURLY_APOSTROPHES):
        return True             # the scan straightens apostrophes first: leave it to it
    if not lower.isascii():
        if not _ascii_variants(words, phrases):
            return True
        lower = lower.encode("ascii", "replace").decode("ascii")
    return (not words.isdisjoint(lower.translate(_PUNCTUATION).split())
            or any(p in lower for p in phrases))


@lru_cache(maxsize=1)
def _ascii_variants(words: frozenset[str], phrases: tuple[str, ...]) -> bool:
    return all(variant.isascii() for variant in (*words, *phrases))


def split_closing(text: str) -> tuple[str, list[str]]:
    """(text without the closing formulas that end it, those formulas).

    A closing formula stands on a line of its own (everything after it is signature),
    or ends the message, alone or before a signature. It is only a closing when enough
    comes before it: a message that is just "Thanks so much!" is a thank-you.
    """
    at_end, own_line = _dialect()[2:4]
    closing_starts = _closing_starts()
    closings: list[str] = []
    # Without a line break, only the whole text can be a line of its own: try there only
    # instead of at every character.
    found = own_line.finditer(text) if "\n" in text else filter(None, [own_line.match(text)])
    for match in found:
        if len(text[: match.start()].strip()) >= _MIN_BEFORE_CLOSING:
            closings.append(match.group(0).strip())
            text = text[: match.start()].rstrip()
            break
    for _ in range(3):       # "Thanks again. Kind regards, Ana" closes twice
        # A closing and its signature are short: only the message's tail can hold them.
        # It starts the message or follows a sentence end: try only those places.
        starts = [m.end() for m in _SENTENCE_END.finditer(text, max(0, len(text) - _CLOSING_REACH))]
        match = next(filter(None, (at_end.match(text, i) for i in starts if i < len(text)
                                   and _may_start_closing(text, i, closing_starts))), None)
        if not match or len(text[: match.start()].strip()) < _MIN_BEFORE_CLOSING:
            break
        closings.insert(0, match.group(0).strip())
        text = text[: match.start()].rstrip()
    return text, closings


def _troubled(hits: tuple[CueHit, ...] | list[CueHit]) -> bool:
    return any(hit.effects.get("sentiment", 0.0) < 0
               or any(hit.effects.get(effect, 0.0) > 0 for effect in _TROUBLE)
               for hit in hits)


def closing_gratitude(rest: str, closings: list[str] | tuple[str, ...],
                      hits: tuple[CueHit, ...] | list[CueHit]) -> str:
    """What the closing formulas say about feeling: "" or a standard thank-you.

    Thanks that close a request, a question or a problem report are for help not given
    yet: politeness, like "thanks in advance". Thanks that close anything else ("That
    fixed it. Cheers!") are gratitude for what was done, and every variant reads the same.
    `hits` are the cues already found in the message (the reading scans it once).
    """
    thanking = _dialect()[4]
    thanks = [c for c in closings if thanking.match(c)]
    if not thanks:
        return ""
    # "Thanks again" thanks for help already given, whatever came before it.
    again = any(_AGAIN.search(c) for c in thanks)
    if not again and (_PROSPECTIVE.search(rest) or _troubled(hits)):
        return ""
    return "Thank you so much!" if any(_EMPHATIC_THANKS.search(c) for c in thanks) else "Thank you."


@dataclass(frozen=True)
class CleanText:
    body: str        # what the customer wrote in this message
    core: str        # body without politeness boilerplate: what sentiment is scored on
    # The body with dialect variants in standard form, and the closing formulas cut from
    # its end: the reading decides whether a closing thanks is gratitude (closing_gratitude).
    standard: str = ""
    closings: tuple[str, ...] = ()


def _cut_at(pattern: re.Pattern, text: str, *, keep_min: int = 1) -> str:
    """Drop everything from the first match on, unless that would leave nothing.

    `pattern` matches only where a line starts (^ with re.MULTILINE).
    """
    if "\n" not in text and keep_min > 0:
        return text     # one line: a match could only start it, leaving nothing (~50k instr.)
    for match in pattern.finditer(text):
        if len(text[: match.start()].strip()) >= keep_min:
            return text[: match.start()]
    return text


def clean_message(text: str) -> CleanText:
    body = text.replace("\r\n", "\n")
    body = _cut_at(_QUOTE_START, body)
    if ">" in body:
        unquoted = _QUOTED_LINE.sub("", body)
        # A message that is nothing but quoted lines is all there is to read (a reply typed
        # on the quote's line, as forums and chat clients flatten it): unmark it instead.
        body = unquoted if unquoted.strip() else _QUOTE_MARK.sub("", body)
    body = _cut_at(_TAIL_START, body, keep_min=12)
    body = _GREETING.sub("", body.strip(), count=1)
    body, closings = split_closing(body)
    # Each pattern below needs a word or character most messages lack: look for it first
    # (a substring test costs a fraction of a regex pass). See _searchable for the case rules.
    lower = _searchable(body)
    if lower is None or "hope" in lower:
        body = _I_HOPE.sub(" ", body)
    if "@" in body:
        body = _HANDLE.sub(" ", body)
    if lower is None or "http" in lower or "www" in lower:
        body = _LINK.sub(" ", body)
    if "[" in body:
        body = _PLACEHOLDER.sub(" ", body)
    body = _single_spaced(body)
    standard = normalize_dialect(body)
    lower = _searchable(standard)
    core = standard
    if lower is None:
        core = _POLITENESS.sub(" ", standard)
    elif any(word in lower for word in _POLITENESS_WORDS):
        core = _sub_lowered(_POLITENESS_LOWER, lower, standard)
    return CleanText(body=body, core=_single_spaced(core), standard=standard,
                     closings=tuple(closings))


def _searchable(text: str) -> str | None:
    """`text` lower-cased, in which an ASCII word a case-insensitive pattern needs can be
    looked for with `in`; None when that is not safe.

    Case-insensitive matching also matches "ı" and "İ" to "i" and "ſ" to "s", which
    lower() does not map to them: a text holding one gets every pattern run.
    """
    if not text.isascii() and any(char in text for char in _FOLDED_BY_REGEX):
        return None
    return text.lower()


def _sub_lowered(pattern: re.Pattern, lower: str, text: str, replacement: str = " ") -> str:
    """`text` with `replacement` where `pattern` matches `lower`, its _searchable copy.

    A case-insensitive pattern matches `text` where its lower-case twin matches `lower`:
    lower() keeps each character's place and whether it is a word character, except for
    the characters _searchable rules out.
    """
    parts, end = [], 0
    for match in pattern.finditer(lower):
        parts += (text[end:match.start()], replacement)
        end = match.end()
    return "".join(parts) + text[end:] if parts else text


def _single_spaced(text: str) -> str:
    """Runs of spaces and tabs as one space, stripped."""
    if "  " in text or "\t" in text:
        text = _SPACES.sub(" ", text)
    return text.strip()


def mask_names(text: str, names: tuple[str, ...]) -> str:
    """Replace known personal names with [NAME], as the training data does."""
    for name in names:
        for part in name.split():
            if len(part) > 1:
                text = re.sub(rf"(?<!\w){re.escape(part)}(?!\w)", "[NAME]", text,
                              flags=re.IGNORECASE)
    return text
