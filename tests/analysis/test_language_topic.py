"""Language detection, honest 'unknown' on unsupported languages, topics, settings."""
import pytest
from marshmallow import ValidationError

from integration.domain.analysis import analyze
from integration.domain.analysis.language import detect_language
from integration.domain.analysis.types import EMOTIONS


@pytest.mark.parametrize("code,text", [
    ("en", "My order has not arrived and I need it for the weekend"),
    ("es", "Hola, mi pedido no ha llegado y necesito ayuda con el envío"),
    ("fr", "Bonjour, je ne peux pas me connecter à mon compte depuis hier"),
    ("de", "Hallo, ich habe meine Bestellung noch nicht bekommen und bin sehr enttäuscht"),
    ("pt", "Olá, meu pedido não chegou e você não responde"),
    ("it", "Ciao, il mio ordine non è arrivato e sono molto deluso"),
    ("nl", "Hallo, mijn bestelling is niet aangekomen en ik heb geen bericht gekregen"),
    ("ja", "注文した商品がまだ届いていません"),
    ("ru", "Мой заказ до сих пор не пришел"),
])
def test_detects_language(code, text):
    assert detect_language(text) == code


def test_short_text_falls_back_to_default():
    assert detect_language("ok") == "en"
    assert detect_language("ok", default="de") == "de"


def test_unsupported_language_says_unknown_instead_of_guessing():
    analysis = analyze("Hej, jag är väldigt arg, min beställning har inte kommit och ingen svarar")
    assert analysis.language == "sv"
    assert analysis.sentiment.label == "unknown"
    assert analysis.sentiment.confidence == 0.0
    assert analysis.detected == []
    assert set(analysis.emotions) == set(EMOTIONS)
    assert not any(analysis.emotions.values())


@pytest.mark.parametrize("text,topic", [
    ("I was billed twice on my last invoice", "billing"),
    ("I want my money back, please refund me", "refund"),
    ("How do I cancel my subscription?", "cancellation"),
    ("The app crashes with an error when I open it", "technical_problem"),
    ("I'm locked out, the password reset link never comes", "account_access"),
    ("My parcel says delivered but tracking shows it in transit", "shipping_delivery"),
    ("It would be nice if you could add an option for dark mode", "feature_request"),
    ("Great job team, love the new release!", "praise"),
    ("Someone made unauthorized purchases, I think I was hacked", "security_fraud"),
    ("What are your opening hours?", "other"),
])
def test_default_topics(text, topic):
    analysis = analyze(text)
    assert analysis.topic == topic
    if topic != "other":
        assert analysis.evidence["topic"]


def test_topics_can_be_extended():
    settings = {"topics_extra": {"warranty": ["warranty", "guarantee"]}}
    assert analyze("Is my blender still under warranty?", settings).topic == "warranty"
    # The default taxonomy is still there.
    assert analyze("I was billed twice on my last invoice", settings).topic == "billing"


def test_an_existing_topic_can_get_more_keywords():
    settings = {"topics_extra": {"billing": ["direct debit mandate"]}}
    assert analyze("About the direct debit mandate", settings).topic == "billing"


def test_topics_can_be_replaced():
    settings = {"topics_extra": {"sizing": ["size", "fit"]}, "topics_replace": True}
    assert analyze("Does this jacket fit true to size?", settings).topic == "sizing"
    assert analyze("I was billed twice on my last invoice", settings).topic == "other"


@pytest.mark.parametrize("settings", [
    {"colour": "blue"},
    {"topics_extra": {"Bad Key!": ["x"]}},
    {"topics_extra": {"ok": []}},
    {"languages": ["xx"]},
    {"thresholds": {"joy": 0.5}},
    {"thresholds": {"anger": 2}},
    {"topics_replace": True},
])
def test_bad_settings_are_rejected(settings):
    with pytest.raises(ValidationError):
        analyze("hello", settings)
