"""One reading per message, and the whole conversation (trend, thread flags, output contract)."""
from __future__ import annotations

import json
import sys

import pytest
from click.testing import CliRunner

from integration.cli.analysis import analyze_cmd
from integration.domain.analysis import analyze, reading
from integration.domain.analysis.model import predict
from integration.domain.analysis.reading import extend_model
from integration.domain.analysis.report import analysis_record
from integration.domain.assessment import assess


@pytest.fixture
def visits(monkeypatch):
    """Count how often the message's text reaches each source (cue scan, model, VADER)."""
    counts = {"cues": [], "model": [], "vader": []}

    def spy(name, module, attr):
        real = getattr(module, attr)

        def wrapper(text, *args, **kwargs):
            counts[name].append(text)
            return real(text, *args, **kwargs)
        monkeypatch.setattr(module, attr, wrapper)

    spy("cues", reading, "find_cues")
    spy("model", reading, "predict")
    spy("vader", reading, "vader_compounds")
    reading._thanks_reading.cache_clear()
    return counts


@pytest.mark.parametrize("text", [
    "I restarted the router like you said and it works now. Thanks.",   # closing thanks folds in
    "Third time I'm asking: I was charged twice and still no refund. Thanks.",
    "Great, another outage on launch day.",
])
def test_each_source_reads_the_message_once(visits, text):
    analyze(text)
    customer = [t for t in visits["cues"] if t.lower() not in ("thank you.", "thank you so much!")]
    assert len(customer) == 1
    assert len(visits["model"]) == 1
    assert len([t for t in visits["vader"] if not t.startswith("Thank you")]) == 1


def test_the_thanks_phrase_is_read_once_per_process(visits):
    for _ in range(3):
        analyze("I restarted the router like you said and it works now. Thanks.")
    assert sum(t.lower() == "thank you." for t in visits["cues"]) == 1


def test_no_other_module_scans_the_text(monkeypatch):
    """Every module of the domain that holds a text reader gets one that fails, but `reading`."""
    def forbidden(*_args, **_kwargs):
        raise AssertionError("the text was read outside the reading")
    names = ("find_cues", "predict", "vader_score", "vader_compounds")
    patched = []
    for name, module in list(sys.modules.items()):
        if not name.startswith("integration.domain") or module is reading:
            continue
        for attr in names:
            if hasattr(module, attr):
                monkeypatch.setattr(module, attr, forbidden)
                patched.append(f"{name}.{attr}")
    assert "integration.domain.analysis.sentiment.vader_compounds" in patched
    reading._thanks_reading.cache_clear()
    analyze("Still broken after the update, this is ridiculous.")
    analyze("It works now, thanks for the help. Thanks.")
    assess("Great, another outage.", thread=["The site is slow."])


@pytest.mark.parametrize("core, thanks", [("It works now.", "Thank you."),
                                          ("All good [NAME]", "Thank you so much!")])
def test_extending_the_model_equals_reading_the_whole_text(core, thanks):
    extended, whole = extend_model(predict(core), core, thanks), predict(f"{core} {thanks}")
    assert extended.sentiment == pytest.approx(whole.sentiment)
    assert extended.emotions == pytest.approx(whole.emotions)


def test_worsening_thread_sets_trend_and_the_latest_message_decides_labels():
    thread = ["Hi, could you check why my export is slow?",
              "Any news? It is still slow today."]
    latest = "Nobody has replied in a week, this is unacceptable."
    alone, whole = analyze(latest), analyze(latest, thread=thread)
    assert whole.trend == "worsening"
    assert whole.sentiment == alone.sentiment and whole.detected == alone.detected
    assert whole.topic == alone.topic and whole.urgency == alone.urgency
    assert whole.flags["repeated_contact"]
    assert "trend" in whole.evidence


def test_improving_and_steady_threads():
    assert analyze("That fixed it, thank you!", thread=["The app crashes every time, awful."]
                   ).trend == "improving"
    assert analyze("How do I export to CSV?", thread=["How do I change my avatar?"]
                   ).trend == "steady"


def test_unanswered_follow_ups_are_repeated_contact():
    a = analyze("Hello?", thread=["My card was declined."], unanswered=1)
    assert a.flags["repeated_contact"]
    assert "1 unanswered follow-up" in a.evidence["repeated_contact"]


def test_output_contract_keeps_fields_and_adds_trend_only_with_a_thread():
    plain = analysis_record("Where is my parcel?")
    assert "trend" not in plain and "resolved" in plain["flags"]
    for key in ("language", "sentiment", "emotions", "detected", "evidence", "urgency", "flags",
                "topic", "priority", "reasons", "tags", "escalate"):
        assert key in plain
    threaded = analysis_record("Still nothing, this is a joke.",
                               thread=["Where is my parcel?", "Any update on my parcel?"])
    assert threaded["trend"] == "worsening"
    assert "tactful_trend_worsening" in threaded["tags"]


def test_cli_jsonl_reads_thread_and_rejects_a_bad_one():
    lines = "\n".join([
        json.dumps({"id": 1, "text": "Still broken, and nobody answers.",
                    "thread": ["The sync stopped.", "Hello, any news?"]}),
        json.dumps({"id": 2, "text": "ok", "thread": "not a list"}),
    ])
    result = CliRunner().invoke(analyze_cmd, ["--jsonl", "-"], input=lines)
    first, second = (json.loads(line) for line in result.output.splitlines())
    assert first["trend"] == "worsening" and first["flags"]["repeated_contact"]
    assert second == {"id": 2, "error": "invalid-line",
                      "reason": "thread must be a list of strings (earlier messages, oldest first)"}


def test_resolved_draft_closes_warmly_without_promising_to_look_into_it():
    result = assess("Ok, that makes sense now, thanks!", name="Ana Lopez")
    reply = result.draft.reply
    assert result.analysis.flags["resolved"]
    assert "tactful_flag_resolved" in result.decision.tags
    assert result.decision.priority == "low"
    assert "close" in reply.lower()
    assert "looking into" not in reply.lower() and "[workaround" not in reply


def test_sarcasm_draft_does_not_echo_the_praise_and_tips_do_not_say_match_it():
    result = assess("Wonderful, the app deleted my notes again. Just brilliant.", name="Ana")
    assert "brilliant" not in result.draft.reply.lower()
    assert "wonderful" not in result.draft.reply.lower()
    assert not any("match it" in tip for tip in result.draft.tips)
    assert any(tip.startswith("Sarcasm") for tip in result.draft.tips)
