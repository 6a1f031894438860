"""Analyzer speed: median messages/second on one core, and cold start.

Run: python bench/analyzer.py [--runs 5] [--json] [--languages en,es,fr,de,pt,it]
Not a test: numbers depend on the machine. The bar is >= 2,000 msgs/s for
~300-character messages in every supported language, and a cold start < 0.5 s.
Each language's first message also loads its model (reported as first_<lang>_s).
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time

SENTENCES = [
    "I was charged twice for my subscription this month.",
    "This is the third time I'm asking and nobody has replied.",
    "The app keeps crashing when I open the settings page.",
    "Thanks for the quick help last week, it worked perfectly.",
    "My parcel still hasn't arrived and the tracking link shows an error.",
    "Can you tell me how to change the billing address on my invoice?",
    "Honestly this is ridiculous, I want a refund or I will cancel.",
    "I'm a bit confused about which plan includes the export feature.",
]
# Support sentences written for the bench, per language (same situations as SENTENCES).
SENTENCES_BY_LANGUAGE = {
    "en": SENTENCES,
    "es": ["Me han cobrado dos veces la suscripción este mes.",
           "Es la tercera vez que escribo y nadie me ha respondido.",
           "La aplicación se cierra cada vez que abro los ajustes.",
           "Gracias por la ayuda de la semana pasada, funcionó perfectamente.",
           "Mi paquete todavía no ha llegado y el seguimiento da error.",
           "Esto es ridículo, quiero un reembolso o cancelaré la cuenta."],
    "fr": ["J'ai été débité deux fois pour mon abonnement ce mois-ci.",
           "C'est la troisième fois que j'écris et personne n'a répondu.",
           "L'application plante chaque fois que j'ouvre les paramètres.",
           "Merci pour l'aide de la semaine dernière, ça a parfaitement marché.",
           "Mon colis n'est toujours pas arrivé et le suivi affiche une erreur.",
           "C'est inadmissible, je veux un remboursement ou je résilie."],
    "de": ["Mir wurde das Abo diesen Monat doppelt abgebucht.",
           "Ich schreibe jetzt zum dritten Mal und niemand hat geantwortet.",
           "Die App stürzt jedes Mal ab, wenn ich die Einstellungen öffne.",
           "Danke für die Hilfe letzte Woche, es hat perfekt funktioniert.",
           "Mein Paket ist immer noch nicht angekommen und die Sendungsverfolgung zeigt "
           "einen Fehler.",
           "Das ist eine Frechheit, ich will mein Geld zurück oder ich kündige."],
    "pt": ["Fui cobrado duas vezes pela assinatura este mês.",
           "É a terceira vez que escrevo e ninguém respondeu.",
           "O aplicativo trava toda vez que abro as configurações.",
           "Obrigado pela ajuda da semana passada, funcionou perfeitamente.",
           "Meu pacote ainda não chegou e o rastreamento mostra erro.",
           "Isso é um absurdo, quero meu dinheiro de volta ou vou cancelar."],
    "it": ["Mi avete addebitato due volte l'abbonamento questo mese.",
           "È la terza volta che scrivo e nessuno mi ha risposto.",
           "L'app si blocca ogni volta che apro le impostazioni.",
           "Grazie per l'aiuto della settimana scorsa, ha funzionato perfettamente.",
           "Il mio pacco non è ancora arrivato e il tracciamento dà errore.",
           "È inaccettabile, voglio il rimborso o disdico l'abbonamento."],
}
COLD_START = ("import time; t = time.perf_counter(); "
              "from integration.domain.analysis import analyze; "
              "analyze('My order never arrived, can you check?'); print(time.perf_counter() - t)")


FIRST_IN_LANGUAGE = ("import time; from integration.domain.analysis import analyze; "
                     "analyze('My order never arrived, can you check?'); "
                     "t = time.perf_counter(); analyze({text!r}); print(time.perf_counter() - t)")


def make_messages(length: int, count: int, seed: int = 7,
                  sentences: list[str] = SENTENCES) -> list[str]:
    rng = random.Random(seed)
    messages = []
    for _ in range(count):
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < length:
            parts.append(rng.choice(sentences))
        messages.append(" ".join(parts)[:length])
    return messages


def messages_per_second(messages: list[str], runs: int) -> float:
    from integration.domain.analysis import analyze

    analyze(messages[0])  # load the model outside the timed runs
    rates = []
    for _ in range(runs):
        start = time.perf_counter()
        for text in messages:
            analyze(text)
        rates.append(len(messages) / (time.perf_counter() - start))
    return statistics.median(rates)


def cold_start_seconds(runs: int) -> float:
    times = [float(subprocess.run([sys.executable, "-c", COLD_START], capture_output=True,
                                  text=True, check=True).stdout) for _ in range(runs)]
    return statistics.median(times)


def first_message_seconds(language: str, runs: int) -> float:
    """After an English warm-up: what the first message in `language` costs (model load)."""
    code = FIRST_IN_LANGUAGE.format(text=SENTENCES_BY_LANGUAGE[language][0])
    times = [float(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                  text=True, check=True).stdout) for _ in range(runs)]
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--languages", default="en",
                        help="comma-separated, from: " + ",".join(SENTENCES_BY_LANGUAGE))
    args = parser.parse_args()
    result = {"cold_start_s": round(cold_start_seconds(3), 3)}
    for language in args.languages.split(","):
        sentences = SENTENCES_BY_LANGUAGE[language]
        result[f"{language}_300_chars_msgs_per_s"] = round(
            messages_per_second(make_messages(300, 2000, sentences=sentences), args.runs))
        if language != "en":
            result[f"first_{language}_s"] = round(first_message_seconds(language, 3), 3)
    if args.languages == "en":
        result["long_2000_chars_msgs_per_s"] = round(
            messages_per_second(make_messages(2000, 300), args.runs))
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:30} {value}")


if __name__ == "__main__":
    main()
