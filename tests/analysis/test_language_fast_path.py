"""The function-word fast path: it names a language only where lingua + py3langid agree.

Messages written for these tests (not UMSAB data).
"""
from __future__ import annotations

import pytest

from integration.domain.analysis import language
from integration.domain.analysis.language import FUNCTION_WORD_CONFIDENCE, identify

CLEAR = [
    ("es", "Hola, es la tercera vez que escribo y nadie me ha respondido todavía. "
           "El pedido no ha llegado y quiero que me devuelvan el dinero."),
    ("es", "Me cobraron dos veces este mes y no entiendo por qué, ya lo he dicho muchas veces."),
    ("fr", "Bonjour, je n'arrive pas à me connecter depuis la mise à jour et personne ne "
           "répond à mes messages."),
    ("fr", "C'est la deuxième fois que je vous écris pour le même problème avec ma commande."),
    ("de", "Ich habe die Bestellung vor zwei Wochen aufgegeben und sie ist immer noch nicht "
           "angekommen."),
    ("de", "Das ist jetzt schon das dritte Mal, dass ich mich bei Ihnen melde, und es ist "
           "nichts passiert."),
    ("pt", "Olá, eu já escrevi três vezes e ninguém me respondeu, o meu pedido ainda não chegou."),
    ("pt", "Não consigo entrar na minha conta desde ontem e isso é muito urgente para mim."),
    ("it", "Buongiorno, è la terza volta che scrivo e non ho ancora ricevuto nessuna risposta "
           "da voi."),
    ("it", "Il pacco non è ancora arrivato e il tracciamento dice che è stato consegnato."),
]
# Neighbours that share words with the analysed languages, and English with loan words.
NEVER_FAST = [
    "Ik heb mijn bestelling twee weken geleden geplaatst en er is nog steeds niets aangekomen.",
    "Die klantenservice van jullie is echt een grap, ik wacht al een maand op mijn geld.",
    "Jag beställde för två veckor sedan och paketet har fortfarande inte kommit fram.",
    "Det här är tredje gången jag skriver och ingen har svarat mig.",
    "To już trzeci raz, kiedy piszę, i nikt mi nie odpowiedział na moje pytanie.",
    "Bu üçüncü kez yazıyorum ve kimse bana cevap vermedi, ne oluyor da mi?",
    "Hola team, the app is broken again and nobody answers my emails about it",
    "Merci for nothing, the refund still has not arrived after three weeks",
]


@pytest.fixture
def no_lingua(monkeypatch):
    def forbidden():
        raise AssertionError("lingua was asked")
    monkeypatch.setattr(language, "_lingua", forbidden)
    monkeypatch.setattr(language, "_arbiter", forbidden)


@pytest.mark.parametrize("code, text", CLEAR)
def test_clear_messages_are_named_by_their_function_words(no_lingua, code, text):
    assert identify(text, "en") == language.LanguageGuess(code, FUNCTION_WORD_CONFIDENCE)


@pytest.mark.parametrize("code, text", CLEAR)
def test_the_fast_path_agrees_with_the_detectors(monkeypatch, code, text):
    monkeypatch.setattr(language, "FUNCTION_WORD_LANGUAGES", frozenset())
    slow = identify(text, "en")
    assert slow.code == code
    assert slow.confidence != FUNCTION_WORD_CONFIDENCE   # it really was lingua's answer


@pytest.mark.parametrize("text", NEVER_FAST)
def test_neighbouring_languages_and_english_never_take_the_fast_path(text):
    words = language._WORD.findall(text[:language.MAX_CHARS].lower())
    assert len(words) >= language.SHORT_WORDS
    assert language._function_word_language(words) is None


def test_short_or_mixed_samples_are_left_to_lingua():
    short = "muy mal servicio, gracias"
    words = language._WORD.findall(short)
    assert language._function_word_language(words) is None
    # Spanish and Portuguese function words in equal measure: no lead, no call.
    mixed = "que de por para com não y el pero muito"
    assert language._function_word_language(language._WORD.findall(mixed)) is None
