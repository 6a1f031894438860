"""Drafts in Spanish, French and German: right language, guard-clean, tips for the agent."""
import itertools

import pytest
from marshmallow import ValidationError

from integration.domain.analysis.types import EMOTIONS, TOPICS
from integration.domain.drafting import compose_draft
from integration.domain.drafting.catalog import available_locales, load_catalog
from integration.domain.drafting.guard import guard_check

from .conftest import build_analysis

GREETING = {"es": "Hola", "fr": "Bonjour", "de": "Hallo"}
TEXT = {
    "es": "Me han cobrado dos veces este mes y nadie me responde.",
    "fr": "J'ai été débité deux fois ce mois-ci et personne ne me répond.",
    "de": "Mir wurde diesen Monat doppelt abgebucht und niemand antwortet.",
}


def test_spanish_french_and_german_ship_with_templates():
    assert {"en", "es", "fr", "de"} <= available_locales()
    for locale in ("es", "fr", "de"):
        catalog = load_catalog(locale)     # raises on a missing section or unknown placeholder
        assert set(catalog["topics"]) >= set(TOPICS)
        assert {"blame", "calm_down", "over_promise"} <= set(catalog["guard"])


@pytest.mark.parametrize("locale", ["es", "fr", "de"])
def test_a_customer_gets_a_reply_in_their_language(locale):
    analysis = build_analysis("frustration", language=locale, topic="billing")
    draft = compose_draft(analysis, text=TEXT[locale], name="Sam Rivera")
    assert draft.reply.split("\n")[0].replace(",", "") in (f"{GREETING[locale]} Sam",
                                                          f"{GREETING[locale]} Sam:")
    assert "Hi " not in draft.reply and "Thanks" not in draft.reply
    # The note around the reply and the tips stay in the agent's language (English).
    assert draft.note.startswith("Tactful — AI-assisted draft")
    assert any("invoice" in tip for tip in draft.tips)


@pytest.mark.parametrize("locale,emotion,topic,tone,upset", [
    (locale, emotion, topic, tone, upset)
    for locale, emotion, topic, tone, upset in itertools.product(
        ("es", "fr", "de"), (*EMOTIONS, None), TOPICS, ("friendly", "formal"), (True,))
])
def test_every_shipped_draft_passes_its_own_guard(locale, emotion, topic, tone, upset):
    analysis = build_analysis(emotion, language=locale, topic=topic)
    draft = compose_draft(analysis, text=TEXT[locale], name="Sam Rivera",
                          settings={"tone": tone, "product_names": ["Acme"]})
    assert draft.reply
    assert guard_check(draft.reply, upset=upset, locale=locale).ok
    assert "{" not in draft.reply and "}" not in draft.reply


@pytest.mark.parametrize("locale,bad,rule", [
    ("es", "Cálmese, por favor. Revisaré su factura hoy.", "calm_down"),
    ("es", "Es su culpa por no leer las condiciones.", "blame"),
    ("fr", "Calmez-vous. Je regarde votre facture.", "calm_down"),
    ("fr", "Comme je vous l'ai déjà dit, le prélèvement est normal.", "as_i_said"),
    ("de", "Beruhigen Sie sich bitte. Ich prüfe die Rechnung.", "calm_down"),
    ("de", "Wir garantieren, dass es nie wieder vorkommt.", "over_promise"),
])
def test_each_languages_guard_catches_its_own_phrasing(locale, bad, rule):
    result = guard_check(bad, locale=locale)
    assert rule in result.rules
    assert guard_check(bad, locale="en").ok      # English patterns would not have caught it


def test_the_english_guard_phrase_is_rewritten_not_dropped_in_french():
    result = guard_check("Comme je vous l'ai déjà dit, le prélèvement est normal.", locale="fr")
    assert result.text.startswith("Le prélèvement est normal")


def test_an_installation_can_write_tips_in_the_agents_language():
    analysis = build_analysis("anger", language="es", topic="refund")
    draft = compose_draft(analysis, text=TEXT["es"], settings={"agent_locale": "de"})
    assert draft.note.startswith("Tactful — mit KI-Unterstützung")
    assert draft.reply.startswith("Hola")          # the reply still follows the customer
    assert any("Erstattung" in tip for tip in draft.tips)


def test_agent_locale_must_have_templates():
    with pytest.raises(ValidationError):
        compose_draft(build_analysis("anger"), text="x", settings={"agent_locale": "sv"})
