"""`tactful analyze` through click's CliRunner."""
import json

import pytest
from click.testing import CliRunner

from integration.cli.analysis import analyze_cmd, eval_cmd
from integration.domain.analysis.report import analysis_record

CONTRACT_KEYS = {"id", "language", "sentiment", "emotions", "detected", "evidence", "urgency",
                 "flags", "topic", "priority", "reasons", "tags"}


@pytest.fixture
def runner():
    return CliRunner()


def lines_of(output):
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_single_text_prints_json_when_not_a_terminal(runner):
    result = runner.invoke(analyze_cmd, ["I was charged twice, can you check?"])
    assert result.exit_code == 0, result.output
    (record,) = lines_of(result.output)
    assert set(record) >= CONTRACT_KEYS
    assert record["topic"] == "billing"


def test_json_flag(runner):
    result = runner.invoke(analyze_cmd, ["--json", "Thanks, love it!"])
    assert lines_of(result.output)[0]["sentiment"]["label"] == "positive"


def test_readable_summary_helper():
    from integration.cli.analysis import _summary

    text = _summary({"id": None, **analysis_record("Third time asking, this is ridiculous")})
    assert "sentiment  negative" in text and "evidence" in text


def test_jsonl_with_a_bad_line_yields_an_error_object(runner, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a", "text": "My parcel never arrived"}\n'
                      "this is not json\n"
                      '{"id": "c"}\n'
                      '{"id": "d", "text": "Thanks a lot!"}\n', encoding="utf-8")
    result = runner.invoke(analyze_cmd, ["--jsonl", str(source)])
    assert result.exit_code == 0
    records = lines_of(result.output)
    assert [r["id"] for r in records] == ["a", 2, "c", "d"]
    assert records[1]["error"] == "invalid-json" and records[1]["reason"]
    assert records[2]["error"] == "invalid-line"
    assert records[3]["sentiment"]["label"] == "positive"


def test_jsonl_from_stdin_to_out_file(runner, tmp_path):
    out = tmp_path / "out.jsonl"
    stdin = '{"id": 1, "text": "URGENT: site is down"}\n{"id": 2, "text": "hello"}\n'
    result = runner.invoke(analyze_cmd, ["--jsonl", "-", "--out", str(out)], input=stdin)
    assert result.exit_code == 0
    records = lines_of(out.read_text(encoding="utf-8"))
    assert [r["id"] for r in records] == [1, 2]
    assert records[0]["urgency"] == "high"


def test_needs_text_or_jsonl(runner):
    assert runner.invoke(analyze_cmd, []).exit_code != 0


def test_bad_settings_file_is_a_usage_error(runner, tmp_path):
    settings = tmp_path / "s.json"
    settings.write_text('{"nope": 1}', encoding="utf-8")
    result = runner.invoke(analyze_cmd, ["--settings", str(settings), "hello"])
    assert result.exit_code == 2 and "nope" in result.output


def test_draft_uses_each_lines_name_or_the_option(runner):
    stdin = ('{"id": 1, "text": "My parcel is late again, where is it?", "name": "Aiko Tanaka"}\n'
             '{"id": 2, "text": "My parcel is late again, where is it?"}\n')
    result = runner.invoke(analyze_cmd, ["--jsonl", "-", "--draft", "--name", "Sam Okafor"],
                           input=stdin)
    first, second = lines_of(result.output)
    assert first["draft"]["reply"].startswith("Hello Aiko") or "Aiko" in first["draft"]["reply"]
    assert "Sam" in second["draft"]["reply"]
    assert first["draft"]["disclosure"] is True
    assert "AI" in first["draft"]["note"]


def test_eval_reports_metrics(runner, tmp_path):
    data = tmp_path / "tiny.dev.jsonl"
    data.write_text('{"id": 1, "text": "worst airline ever, lost my bag", "label": "negative"}\n'
                    '{"id": 2, "text": "thank you, great crew!", "label": "positive"}\n'
                    '{"id": 3, "text": "what time is boarding?", "label": "neutral"}\n',
                    encoding="utf-8")
    result = runner.invoke(eval_cmd, [str(data)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)[str(data)]
    assert set(report["sentiment"]) >= {"accuracy", "macro_f1", "per_class"}
    assert report["sentiment"]["per_class"]["negative"]["recall"] == 1.0


def test_eval_reports_each_language_on_files_that_name_it(runner, tmp_path):
    rows = [
        {"id": 1, "text": "Es inaceptable, nadie me responde y el pedido no llega.",
         "label": "negative", "language": "es"},
        {"id": 2, "text": "Muchas gracias, todo funciona perfectamente.",
         "label": "positive", "language": "es"},
        {"id": 3, "text": "Das ist eine Frechheit, das Paket ist immer noch nicht da.",
         "label": "negative", "language": "de"},
        {"id": 4, "text": "Min beställning har fortfarande inte kommit fram.",
         "label": "negative", "language": "de"},     # Swedish, mislabelled on purpose
    ]
    source = tmp_path / "mixed.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = runner.invoke(eval_cmd, [str(source)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)[str(source)]["by_language"]
    assert set(report) == {"es", "de"}
    assert report["es"]["language_id_accuracy"] == 1.0
    assert report["de"]["language_id_accuracy"] == 0.5
    assert report["es"]["sentiment"]["macro_f1"] > 0
    assert set(report["de"]["sentiment"]["per_class"]) == {"negative", "neutral", "positive"}


def test_train_a_language_without_its_data_is_a_usage_error(runner, tmp_path, monkeypatch):
    from integration.cli.analysis import train_cmd

    monkeypatch.setenv("TACTFUL_SHARED_DIR", str(tmp_path))
    result = runner.invoke(train_cmd, ["--language", "es", "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert "umsab_es.train.jsonl" in result.output
    assert not list(tmp_path.glob("*.gz"))
