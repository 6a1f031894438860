"""The clean-up's cheap pre-checks skip only pattern passes that would have changed nothing.

The reference below runs every pattern on every message, as the clean-up did before
it looked for each pattern's words first; both must give the same split of every text.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from integration.domain.analysis import cleanup
from integration.domain.analysis.cleanup import CleanText, clean_message

DATA = Path(__file__).resolve().parents[1] / "data" / "realistic_messages.jsonl"


def _reference_dialect(text: str) -> str:
    _, pattern, *_, (words, phrases) = cleanup._dialect()
    lower = text.lower().translate(cleanup._APOSTROPHES)
    if (words.isdisjoint(lower.translate(cleanup._PUNCTUATION).split())
            and not any(p in lower for p in phrases)):
        return text
    return pattern.sub(cleanup._standard_form, text)


def _reference_cut_at(pattern, text: str, *, keep_min: int = 1) -> str:
    """The cut as it was before its one-line shortcut."""
    for match in pattern.finditer(text):
        if len(text[: match.start()].strip()) >= keep_min:
            return text[: match.start()]
    return text


def _reference(text: str) -> CleanText:
    body = text.replace("\r\n", "\n")
    body = _reference_cut_at(cleanup._QUOTE_START, body)
    unquoted = cleanup._QUOTED_LINE.sub("", body)
    body = unquoted if unquoted.strip() else cleanup._QUOTE_MARK.sub("", body)
    body = _reference_cut_at(cleanup._TAIL_START, body, keep_min=12)
    body = cleanup._GREETING.sub("", body.strip(), count=1)
    body, closings = cleanup.split_closing(body)
    body = cleanup._I_HOPE.sub(" ", body)
    body = cleanup._PLACEHOLDER.sub(" ", cleanup._LINK.sub(" ", cleanup._HANDLE.sub(" ", body)))
    body = cleanup._SPACES.sub(" ", body).strip()
    standard = _reference_dialect(body)
    core = cleanup._SPACES.sub(" ", cleanup._POLITENESS.sub(" ", standard)).strip()
    return CleanText(body=body, core=core, standard=standard, closings=tuple(closings))


# Texts where a pre-check could go wrong: letters that case-insensitive patterns fold
# ("ı", "İ", "ſ", the Kelvin sign), curly and back-tick apostrophes, non-ASCII text with
# ASCII variants, tabs, double spaces, links in capitals, quoted lines.
EDGE_CASES = [
    "Thanks \u0131n advance for the refund", "Thanks \u0130N ADVANCE!", "Plea\u017fe fix it",
    "\u212aindly check my order", "Can you help me with this?", "pl\u017f send it",
    "I hope this finds you well. The app crashes.", "I HOPE YOU ARE WELL!! refund now",
    "Y\u2019all gonna fix this?", "y`all gonna fix this", "`gonna` be late", "Ich bin gonna müde",
    "Über gonna, ça va", "café innit, right", "\u00bfMe ayudas? please", "Ayuda por favor ¿pls?",
    "Tabs\there\tand  double   spaces", "See HTTPS://EXAMPLE.COM/x and WWW.Example.org",
    "Ping @support_team about it", "email me at ana@example.com", "[Sender] wrote [name]",
    "> quoted line only", "> quoted\nreal reply here", "Fine.\n> earlier\n> message",
    "\u00a0Hello,\u00a0the\u00a0app\u00a0crashes", "Merci d\u2019avance, l\u2019appli plante",
    "It works now, thank you so much!", "Please please please", "I appreciate your help",
    "we\u00a0gonna\u00a0wait", "ok\u2026gonna\u2026wait", "\u201cwanna\u201d talk",
    # Politeness is matched on the lower-cased copy: every branch, in any case.
    "PLEASE HELP ME with this", "Thank You Very Much For Your Help In Advance.",
    "Could Someone Kindly Help Us With That", "We Need Some Help", "I NEED YOUR HELP",
    "so appreciate your help", "Really Appreciate any assistance", "KINDLY refund", "Pls/plz",
    "Help Please!", "Would anyone please help", "thanks in advance! Regards,\nAna",
    "unpleasant, helpless, appreciated", "Thanks so much for the time in advance",
]


def _texts() -> list[str]:
    texts = [json.loads(line)["text"] for line in DATA.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    rng = random.Random(3)
    pieces = [word for text in EDGE_CASES for word in text.split(" ")]
    mixed = [" ".join(rng.choice(pieces) for _ in range(rng.randint(2, 12))) for _ in range(400)]
    return texts + EDGE_CASES + mixed


@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_cases_clean_as_before(text):
    assert clean_message(text) == _reference(text)


def test_every_text_cleans_as_before():
    texts = _texts()
    assert [clean_message(t) for t in texts] == [_reference(t) for t in texts]
    # The set exercises the passes the pre-checks may skip, both ways.
    changed = sum(_reference(t).core != _reference(t).standard for t in texts)
    assert changed > 50 and len(texts) - changed > 50
