"""Offline, light language identification from stopwords and script.

Good enough to tell the languages a helpdesk sees most often apart, and to notice
when a message is in a language our sentiment model does not support, which is the
point: an honest "unknown" beats a confident guess.
"""
from __future__ import annotations

import re

# Frequent function words, chosen to be rare in the other listed languages.
_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset((
        "the and is are was were you your my i it this that with have has not for of to "
        "be can can't don't i'm it's what why how please thanks"
    ).split()),
    "es": frozenset((
        "el los las una por para con pero muy está estoy mi mis tengo es y que del hola "
        "gracias porque cuando también ayuda pedido sin hay"
    ).split()),
    "fr": frozenset((
        "le les des une est et je vous pour avec pas mon ma mes sur dans bonjour merci "
        "mais très c'est j'ai suis aussi votre nous"
    ).split()),
    "de": frozenset((
        "der die das und ist nicht ich sie mit für auf ein eine mein meine hallo danke "
        "aber sehr wir noch bitte habe kein ihr"
    ).split()),
    "pt": frozenset((
        "o os as um uma não com para por meu minha está estou é e que obrigado obrigada "
        "olá você mas muito também ajuda pedido"
    ).split()),
    "it": frozenset((
        "il gli lo della che non per con una sono mio mia ciao grazie ma molto anche è ho "
        "sul nel questo ordine aiuto"
    ).split()),
    "nl": frozenset((
        "de het een en is niet ik je mijn met voor op van zijn hallo dank bedankt maar "
        "ook wij heb graag alstublieft dit"
    ).split()),
}
_CHAR_HINTS: dict[str, str] = {"ñ": "es", "¿": "es", "¡": "es", "ã": "pt", "õ": "pt",
                               "ç": "pt", "ß": "de", "ä": "de", "ö": "de", "ü": "de",
                               "è": "it", "ù": "it", "ê": "fr", "œ": "fr", "ë": "nl"}
_SCRIPTS: tuple[tuple[str, str], ...] = (
    ("\u3040-\u30ff", "ja"), ("\uac00-\ud7af", "ko"), ("\u4e00-\u9fff", "zh"),
    ("\u0400-\u04ff", "ru"), ("\u0600-\u06ff", "ar"), ("\u0590-\u05ff", "he"),
    ("\u0370-\u03ff", "el"), ("\u0e00-\u0e7f", "th"), ("\u0900-\u097f", "hi"),
)
_SCRIPT_RES = tuple((re.compile(f"[{chars}]"), code) for chars, code in _SCRIPTS)
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_LANGUAGES_OF: dict[str, tuple[str, ...]] = {}
for _code, _words in _STOPWORDS.items():
    for _word in _words:
        _LANGUAGES_OF[_word] = (*_LANGUAGES_OF.get(_word, ()), _code)
DETECTABLE: tuple[str, ...] = (*_STOPWORDS, *(code for _, code in _SCRIPTS))


def _script_language(text: str) -> str | None:
    letters = sum(ch.isalpha() for ch in text) or 1
    for regex, code in _SCRIPT_RES:
        if len(regex.findall(text)) / letters > 0.3:
            return code
    return None


def detect_language(text: str, default: str = "en") -> str:
    """ISO 639-1 code; `default` when the text gives too little to decide."""
    script = _script_language(text)
    if script:
        return script
    lowered = text.lower()
    words = _WORD.findall(lowered.replace("\u2019", "'"))
    scores = dict.fromkeys(_STOPWORDS, 0)
    for word in words:
        for code in _LANGUAGES_OF.get(word, ()):
            scores[code] += 1
    for char, code in _CHAR_HINTS.items():
        if char in lowered:
            scores[code] += 1
    best = max(scores, key=lambda code: (scores[code], code == default))
    # English is the common case and many short messages carry one or two stopwords:
    # only switch away from the default when another language clearly leads.
    if best != default and scores[best] >= 2 and scores[best] > scores.get(default, 0) * 1.5:
        return best
    return default
