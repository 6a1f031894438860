"""The personal parts of a reply: how to address the customer, and their issue in one line."""
from __future__ import annotations

import re

_HONORIFICS = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "madam", "dame"}
# Letters (any script), apostrophes and hyphens: enough for real names, too little for markup.
_NAME_PART = re.compile(r"^[^\W\d_][^\W\d_'\u2019-]*(?:['\u2019-][^\W\d_]+)*$", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_NOISE = re.compile(r"@\w+|https?://\S+|#\w+|\[\w+\]")
_SALUTATION = re.compile(
    r"^(?:hi|hello|hey|hiya|dear|good (?:morning|afternoon|evening))\b[^,.!]{0,30}[,.!]\s*",
    re.IGNORECASE,
)
_WORD = re.compile(r"[\w']+|[^\w\s]+|\s+", re.UNICODE)
MAX_ISSUE_WORDS = 25
_AFTER_I = {"am": "are", "was": "were"}


def split_name(name: str | None) -> tuple[str | None, str | None]:
    """(first name, full name) from a requester name, or (None, None) when unusable.

    Helpdesks hand us "Smith, Jane", "dr. jane smith", emails and empty strings;
    anything that does not look like a name is treated as no name rather than echoed.
    """
    if not name or "@" in name:
        return None, None
    raw = name.strip()
    if "," in raw:
        last, _, first = raw.partition(",")
        raw = f"{first.strip()} {last.strip()}"
    parts = [p for p in raw.split() if p.lower().rstrip(".") not in _HONORIFICS]
    if not parts or not all(_NAME_PART.match(p) for p in parts):
        return None, None
    parts = [p[:1].upper() + p[1:] if p.islower() else p for p in parts]
    return parts[0], " ".join(parts)


def issue_sentence(
    text: str, keywords: set[str], blocked: set[str], avoid: tuple[str, ...] = (),
) -> str | None:
    """The message's most telling sentence, or None when none is fit to repeat back.

    Sentences carrying the analysis' evidence words win. Sentences with words we must
    not echo (abuse, venting), questions, and ones too long to read as one line are
    skipped; sentences holding an `avoid` phrase (meta talk such as "third time I'm
    writing", which the tips already cover) only win when nothing else is left.
    """
    best, best_score = None, 0
    for position, sentence in enumerate(_SENTENCE_END.split(_NOISE.sub("", text))):
        sentence = _SALUTATION.sub("", " ".join(sentence.split())).strip(" -\u2013,;:")
        lowered = sentence.lower().replace("\u2019", "'")
        words = re.findall(r"[\w']+", lowered)
        if len(words) < 4 or len(words) > MAX_ISSUE_WORDS or blocked & set(words):
            continue
        if sentence.endswith("?") or "[" in sentence:
            continue
        # Evidence hits dominate; earlier sentences break ties (customers lead with the issue).
        score = 10 * len(keywords & set(words)) + max(0, 5 - position) + 1
        if any(phrase in lowered for phrase in avoid):
            score -= 100
        if best is None or score > best_score:
            best, best_score = sentence, score
    return best


def paraphrase(sentence: str, swaps: dict[str, str], second_person: set[str]) -> str | None:
    """The sentence turned from the customer's voice into ours ("my order" -> "your order").

    Returns None when the sentence addresses us ("you charged me"): swapping both sides
    reliably is beyond a word map, so the caller quotes it instead.
    """
    tokens = _WORD.findall(sentence.rstrip(".!"))
    lowered = [t.lower().replace("\u2019", "'") for t in tokens]
    if second_person & set(lowered) or not swaps.keys() & set(lowered):
        return None
    out, previous = [], ""
    for token, low in zip(tokens, lowered):
        if previous == "i" and low in _AFTER_I:
            out.append(_AFTER_I[low])    # "I was" -> "you were", not "you was"
        else:
            out.append(swaps.get(low, token))
        previous = low if low.strip() else previous
    result = "".join(out).strip()
    first = tokens[0] if tokens else ""
    # A leading "The"/"Yesterday" now sits mid-sentence; acronyms and names keep their case.
    if first[:1].isupper() and first[1:].islower() and first.lower() not in swaps:
        result = result[:1].lower() + result[1:]
    return result
