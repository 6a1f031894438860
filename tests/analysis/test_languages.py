"""The five added languages: detection, sentiment, cues, topics, confidence, routing.

Messages written for these tests (not UMSAB data): the suite runs without the shared
data. Accuracy and speed are measured by `tactful eval` and bench/, not here.
"""
import pytest

from integration.domain.analysis import analyze
from integration.domain.analysis.cues import find_cues
from integration.domain.analysis.language import identify
from integration.domain.analysis.model import load_model, predict

NEVER_ENGLISH = [
    ("sv", "Hej! Jag har fortfarande inte fått mitt paket och ingen svarar på mina mejl."),
    ("sv", "Varför drog ni pengar två gånger från mitt kort den här månaden?"),
    ("sv", "Tack så mycket, nu fungerar allt som det ska."),
    ("pl", "Dzień dobry, od tygodnia nie mogę zalogować się do swojego konta."),
    ("pl", "Paczka dotarła zniszczona, proszę o zwrot pieniędzy."),
    ("pl", "Bardzo dziękuję za szybką odpowiedź!"),
    ("tr", "Merhaba, faturamda iki kez ödeme görünüyor, lütfen kontrol eder misiniz?"),
    ("tr", "Şifremi sıfırladım ama hâlâ hesabıma giremiyorum."),
    ("tr", "Çok teşekkür ederim, sorun çözüldü."),
    ("nl", "Goedemiddag, mijn pakket is al een week onderweg en er gebeurt niets."),
    ("nl", "Waarom staat er twee keer hetzelfde bedrag op mijn rekening?"),
    ("nl", "Hartelijk dank voor jullie snelle hulp!"),
    ("ru", "Здравствуйте, я не могу оплатить заказ, карта отклоняется."),
    ("ru", "Уже третий раз пишу, а ответа всё нет."),
    ("ru", "Большое спасибо, всё заработало!"),
]


@pytest.mark.parametrize("code,text", NEVER_ENGLISH)
def test_other_languages_are_never_taken_for_english(code, text):
    guess = identify(text, "en")
    assert guess.code == code
    assert guess.confidence >= 0.5


@pytest.mark.parametrize("code,text", NEVER_ENGLISH[::3])
def test_unsupported_languages_get_unknown_sentiment_with_their_code(code, text):
    analysis = analyze(text)
    assert analysis.language == code
    assert analysis.sentiment.label == "unknown"
    assert analysis.language_confidence >= 0.5


@pytest.mark.parametrize("code,text", [
    ("es", "Buenas, no puedo entrar en mi cuenta desde ayer y necesito la factura."),
    ("fr", "Je n'arrive pas à me connecter depuis la mise à jour de l'application."),
    ("de", "Ich kann mich seit dem Update nicht mehr in der App anmelden."),
    ("pt", "Não consigo acessar minha conta desde ontem, o que aconteceu?"),
    ("it", "Non riesco ad accedere al mio account da ieri, potete aiutarmi?"),
    ("en", "I can't sign in to my account since yesterday, can you help?"),
])
def test_supported_languages_are_identified_and_reported_with_confidence(code, text):
    analysis = analyze(text)
    assert analysis.language == code
    assert 0.5 <= analysis.language_confidence <= 1.0
    assert analysis.sentiment.label != "unknown"
    assert "language_confidence" in analysis.to_dict()


def test_too_short_to_tell_keeps_the_default_with_zero_confidence():
    assert identify("ok", "en").code == "en"
    assert identify("ok", "de").code == "de"
    assert identify("ok", "de").confidence == 0.0
    assert analyze("ok").language_confidence == 0.0


def test_spanish_urgent_and_annoyed_is_high_urgency_and_negative():
    analysis = analyze("Es urgente… muy molesto")
    assert analysis.language == "es"
    assert analysis.urgency == "high"
    assert analysis.sentiment.label == "negative"
    assert "urgente" in analysis.evidence["urgency"]


@pytest.mark.parametrize("code,text", [
    ("es", "Es la tercera vez que escribo, el pedido no ha llegado y nadie me responde. "
           "Es inaceptable."),
    ("fr", "C'est inadmissible, ma commande n'est toujours pas arrivée et personne ne répond."),
    ("de", "Das ist eine Frechheit, meine Bestellung ist immer noch nicht angekommen."),
    ("pt", "É um absurdo, meu pedido ainda não chegou e ninguém me responde."),
    ("it", "È inaccettabile, il mio ordine non è ancora arrivato e nessuno risponde."),
])
def test_angry_complaints_read_negative_with_flags(code, text):
    analysis = analyze(text)
    assert analysis.language == code
    assert analysis.sentiment.label == "negative"
    assert analysis.flags["complaint"]
    assert analysis.flags["repeated_contact"]
    assert analysis.topic == "shipping_delivery"


@pytest.mark.parametrize("code,text", [
    ("es", "¡Muchas gracias por la ayuda, todo funciona perfectamente!"),
    ("fr", "Merci beaucoup pour votre aide, tout fonctionne parfaitement !"),
    ("de", "Vielen Dank für die schnelle Hilfe, jetzt funktioniert alles super!"),
    ("pt", "Muito obrigado pela ajuda, agora funciona perfeitamente!"),
    ("it", "Grazie mille per l'aiuto, adesso funziona perfettamente!"),
])
def test_thanks_read_positive_with_gratitude(code, text):
    analysis = analyze(text)
    assert analysis.language == code
    assert analysis.sentiment.label == "positive"
    assert "gratitude" in analysis.detected
    assert analysis.urgency != "high"


@pytest.mark.parametrize("code,text,flag", [
    ("es", "Sois unos ladrones y unos inútiles", "abusive"),
    ("fr", "Je veux résilier mon abonnement, je passe à la concurrence", "churn_risk"),
    ("de", "Ich will mein Geld zurück, sonst gehe ich zum Anwalt", "churn_risk"),
    ("pt", "Vocês são uns palhaços incompetentes", "abusive"),
    ("it", "Ho già scritto più volte e nessuno mi risponde", "repeated_contact"),
])
def test_flags_come_from_each_languages_cues(code, text, flag):
    analysis = analyze(text)
    assert analysis.language == code
    assert analysis.flags[flag], analysis.flags
    assert analysis.evidence[flag]


@pytest.mark.parametrize("code,text,topic", [
    ("es", "¿Dónde está mi pedido? El seguimiento no se actualiza desde el lunes.",
     "shipping_delivery"),
    ("fr", "Pourquoi ma facture de ce mois a-t-elle été prélevée deux fois ?", "billing"),
    ("de", "Ich habe mein Passwort vergessen und komme nicht mehr in mein Konto.",
     "account_access"),
    ("pt", "Quero o reembolso da compra, o produto veio com defeito.", "refund"),
    ("it", "Vorrei disdire il mio abbonamento dal mese prossimo.", "cancellation"),
])
def test_topics_use_the_languages_keywords(code, text, topic):
    analysis = analyze(text)
    assert analysis.language == code
    assert analysis.topic == topic
    assert analysis.evidence["topic"]


def test_language_keywords_do_not_leak_into_english():
    assert find_cues("es urgente, muy molesto") == []
    assert [h.phrase for h in find_cues("es urgente, muy molesto", "es")] == [
        "urgente", "muy molesto"]
    assert find_cues("urgent", "xx") == []      # a language without a cue file has no cues


def test_predict_in_english_is_unchanged_by_the_language_keyword():
    text = "I was charged twice and nobody answers, this is ridiculous"
    default, explicit = predict(text), predict(text, language="en")
    assert default.sentiment == explicit.sentiment
    assert default.emotions == explicit.emotions
    assert predict(text, load_model()).sentiment == default.sentiment


def test_predict_routes_other_languages_to_their_model():
    spanish = predict("Estoy muy contento, gracias por todo", language="es")
    assert set(spanish.sentiment) == {"negative", "neutral", "positive"}
    assert abs(sum(spanish.sentiment.values()) - 1.0) < 1e-9
    assert spanish.emotions == {}
    assert spanish.evidence("gratitude") == []
    assert max(spanish.sentiment, key=spanish.sentiment.get) == "positive"
    assert predict("Hej hej", language="sv") is None


def test_an_installation_can_limit_the_sentiment_languages():
    text = "Das ist eine Frechheit, meine Bestellung ist immer noch nicht angekommen."
    assert analyze(text).sentiment.label == "negative"
    limited = analyze(text, {"languages": ["en", "fr"]})
    assert limited.language == "de" and limited.sentiment.label == "unknown"
