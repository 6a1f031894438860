"""`tactful analyze`, `tactful eval` and `tactful train` (registered on the group in cli.py)."""
from __future__ import annotations

import json
from collections.abc import Iterator

import click
from marshmallow import ValidationError

from integration.domain.analysis.settings import resolve_settings

MAX_TEXT_CHARS = 20_000
PROGRESS_EVERY = 1000


def _load_settings(path: str | None) -> dict | None:
    if not path:
        return None
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _parse_line(line: str, number: int) -> tuple[dict | None, dict | None]:
    """(item, None) for a good line, (None, error object) for a bad one."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, {"id": number, "error": "invalid-json", "reason": str(exc)}
    if not isinstance(item, dict):
        return None, {"id": number, "error": "invalid-line", "reason": "expected a JSON object"}
    item_id = item.get("id", number)
    text, name = item.get("text"), item.get("name")
    if not isinstance(text, str) or not text.strip():
        return None, {"id": item_id, "error": "invalid-line",
                      "reason": "text must be a non-empty string"}
    if len(text) > MAX_TEXT_CHARS:
        return None, {"id": item_id, "error": "too-large",
                      "reason": f"text over {MAX_TEXT_CHARS} characters"}
    if name is not None and not isinstance(name, str):
        return None, {"id": item_id, "error": "invalid-line", "reason": "name must be a string"}
    thread = item.get("thread")
    if thread is not None and (not isinstance(thread, list)
                               or not all(isinstance(m, str) for m in thread)):
        return None, {"id": item_id, "error": "invalid-line",
                      "reason": "thread must be a list of strings (earlier messages, oldest first)"}
    if thread and sum(len(m) for m in thread) > MAX_TEXT_CHARS:
        return None, {"id": item_id, "error": "too-large",
                      "reason": f"thread over {MAX_TEXT_CHARS} characters"}
    return {"id": item_id, "text": text, "name": name, "thread": thread}, None


def _records(lines: Iterator[str], settings: dict | None, draft: bool,
             default_name: str | None) -> Iterator[dict]:
    from integration.domain.analysis.report import analysis_record

    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        item, error = _parse_line(line, number)
        if error:
            yield error
            continue
        try:
            record = analysis_record(item["text"], settings=settings, draft=draft,
                                     name=item["name"] or default_name, thread=item["thread"])
        except Exception as exc:  # one bad line must never stop a batch
            yield {"id": item["id"], "error": "analysis-failed", "reason": repr(exc)}
            continue
        yield {"id": item["id"], **record}


def _summary(record: dict) -> str:
    sentiment = record["sentiment"]
    lines = [f"language   {record['language']} "
             f"(confidence {record.get('language_confidence', 0.0):.2f})",
             f"sentiment  {sentiment['label']} (score {sentiment['score']:+.2f}, "
             f"confidence {sentiment['confidence']:.2f})",
             f"emotions   {', '.join(record['detected']) or 'none detected'}",
             f"urgency    {record['urgency']}",
             f"flags      {', '.join(f for f, on in record['flags'].items() if on) or 'none'}",
             f"topic      {record['topic']}",
             *([f"trend      {record['trend']}"] if "trend" in record else []),
             f"priority   {record['priority']}  ({'; '.join(record['reasons'])})"]
    lines += [f"  evidence {label}: {', '.join(words)}"
              for label, words in record["evidence"].items()]
    lines.append(f"tags       {' '.join(record['tags'])}")
    if "draft" in record:
        lines.append("draft\n" + record["draft"]["note"])
    return "\n".join(lines)


@click.command("analyze")
@click.argument("text", required=False)
@click.option("--jsonl", "jsonl", type=click.File("r", encoding="utf-8"),
              help='One {"id", "text"[, "name", "thread"]} object per line; "-" for stdin. '
                   '"thread": the earlier customer messages, oldest first.')
@click.option("--out", type=click.File("w", encoding="utf-8"), default="-",
              help="Where to write JSON lines (default stdout).")
@click.option("--json", "as_json", is_flag=True, help="JSON even for one text on a terminal.")
@click.option("--settings", "settings_path", type=click.Path(exists=True, dir_okay=False),
              help="Analysis settings as a JSON file.")
@click.option("--draft", is_flag=True, help="Also compose the empathetic draft reply.")
@click.option("--name", default=None, help="Customer name for the draft.")
def analyze_cmd(text, jsonl, out, as_json, settings_path, draft, name):
    """Analyse a customer message (TEXT) or a JSONL file of them."""
    if (text is None) == (jsonl is None):
        raise click.UsageError("give either TEXT or --jsonl FILE")
    try:
        settings = _load_settings(settings_path)
        resolve_settings(settings)  # fail once, up front, not once per line
        if jsonl is None:
            lines: Iterator[str] = iter([json.dumps({"id": None, "text": text})])
        else:
            lines = jsonl
        for count, record in enumerate(_records(lines, settings, draft, name), start=1):
            _emit(record, out, text is not None and not as_json and out.isatty())
            if count % PROGRESS_EVERY == 0:
                click.echo(f"analyzed {count} lines", err=True)
    except ValidationError as exc:
        raise click.BadParameter(json.dumps(exc.messages), param_hint="--settings") from exc


def _emit(record: dict, out, readable: bool) -> None:
    if readable and "error" not in record:
        click.echo(_summary(record), file=out)
    else:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


@click.command("eval")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--settings", "settings_path", type=click.Path(exists=True, dir_okay=False))
def eval_cmd(files, settings_path):
    """Accuracy, macro-F1, per-class recall (and per-emotion F1) on labelled JSONL files."""
    from integration.domain.analysis.evaluate import evaluate_files

    report = evaluate_files(files, settings=_load_settings(settings_path),
                            on_progress=lambda n: click.echo(f"analyzed {n}", err=True))
    click.echo(json.dumps(report, indent=2))


@click.command("train")
@click.option("--data", type=click.Path(exists=True, dir_okay=False), default=None,
              help="GoEmotions train JSONL "
                   "(default $TACTFUL_SHARED_DIR/train/goemotions.train.jsonl).")
@click.option("--out", type=click.Path(), default=None,
              help="Model file to write (default: the one shipped in the package); "
                   "with --language, the directory to write sentiment.<lang>.json.gz to.")
@click.option("--c-value", type=float, default=None, help="Inverse L2 strength.")
@click.option("--language", "languages", multiple=True,
              type=click.Choice(["es", "fr", "de", "pt", "it", "ar", "hi"]),
              help="Train this language's sentiment model from UMSAB instead (repeatable); "
                   "C and class offsets are chosen on the dev split.")
@click.option("--support", "support", is_flag=True,
              help="Train the support heads (sarcasm, abusive, urgent, resolved) from the "
                   "project's own labelled messages in tests/data instead (their holdout "
                   "and blind splits are never trained on).")
def train_cmd(data, out, c_value, languages, support):
    """Retrain the shipped model from GoEmotions, or a language's from UMSAB (`train` extra)."""
    from integration.domain.analysis.evaluate import shared_dir
    from integration.domain.analysis.model import MODEL_PATH
    from integration.domain.analysis.train import DEFAULT_C, train

    if support:
        _train_heads(data, out)
        return
    if languages:
        _train_languages(languages, shared_dir(), out)
        return
    data = data or shared_dir() / "train" / "goemotions.train.jsonl"
    summary = train(data, out or MODEL_PATH, c_value=c_value or DEFAULT_C)
    click.echo(json.dumps(summary))


def _train_heads(data, out) -> None:
    from pathlib import Path

    from integration.domain.analysis.heads import HEADS_PATH
    from integration.domain.analysis.train import train_heads

    if data:
        paths = [Path(data)]
    else:
        here = Path(__file__).parents[2] / "tests" / "data"
        paths = [here / "realistic_messages.jsonl", here / "support_train.jsonl"]
        if not all(p.exists() for p in paths):
            raise click.UsageError("the labelled messages are in a source checkout's tests/data:"
                                   " give --data FILE (JSONL as tests/data/realistic_messages"
                                   ".jsonl)")
    from integration.domain.analysis.evaluate import shared_dir
    from integration.domain.analysis.train import sincere_sample

    goemotions = shared_dir() / "train" / "goemotions.train.jsonl"
    if not goemotions.exists():
        raise click.UsageError(f"{goemotions} not found (set TACTFUL_SHARED_DIR): the "
                               "sarcasm head also learns from sincere GoEmotions comments")
    extra = sincere_sample(goemotions)
    click.echo(f"training the support heads on {len(paths)} file(s) and {len(extra)} "
               "sincere GoEmotions comments", err=True)
    click.echo(json.dumps(train_heads(paths, out or HEADS_PATH, extra)))


def _train_languages(languages, shared, out_dir) -> None:
    from pathlib import Path

    from integration.domain.analysis.model import LANGUAGE_MODEL_PATTERN, MODEL_PATH
    from integration.domain.analysis.train import BORROWED_TRAIN, train_language

    target = Path(out_dir) if out_dir else MODEL_PATH.parent
    for language in languages:
        train_path = shared / "train" / f"umsab_{language}.train.jsonl"
        dev_path = shared / "eval" / f"umsab_{language}.dev.jsonl"
        borrowed = {other: shared / "train" / f"umsab_{other}.train.jsonl"
                    for other in BORROWED_TRAIN.get(language, ())}
        for path in (train_path, dev_path, *borrowed.values()):
            if not path.exists():
                raise click.BadParameter(f"{path} not found", param_hint="--language")
        out = target / LANGUAGE_MODEL_PATTERN.format(language=language)
        click.echo(json.dumps(train_language(language, train_path, dev_path, out,
                                             borrowed=borrowed)))
