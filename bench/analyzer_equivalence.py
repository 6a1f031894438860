"""Analyzer equivalence: does a change to the analyzer keep every output identical?

Run from the repository root:
  python bench/analyzer_equivalence.py save BASELINE      # before the change
  python bench/analyzer_equivalence.py compare BASELINE   # after it: 0 differences expected

BASELINE is a (gzip'd) JSONL file of outputs. Keep it outside the repository: it
quotes evaluation texts, which are never redistributed.

The texts: tests/data/realistic_messages.jsonl, every `*.dev.jsonl` of the evaluation
directory (`--eval-dir`, else $TACTFUL_SHARED_DIR/eval, else ../shared/eval next to the
repository; at most `--cap` lines of each), the speed bench's messages in every
language, and bench/language_samples.py. Each text is analysed with default settings;
the realistic messages also with known names, with an English-only setting and
extra topic keywords, and as the latest message of a short thread. Each record holds
`Analysis.to_dict()` and the `clean_message` split (drafting quotes it). Not a test:
it needs the evaluation files, which the repository does not ship.

Runs re-execute themselves with PYTHONHASHSEED=0: the model sums its feature weights in
set order, which follows string hashing, and on a message whose positive and negative
probabilities are within rounding of each other that order decides the last bit, and
with it the sentiment confidence. A fixed seed makes two runs comparable.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

REALISTIC = ROOT / "tests" / "data" / "realistic_messages.jsonl"
NAMES = ("Maria Garcia", "Tom", "Priya Natarajan")
NARROW_SETTINGS = {"languages": ["en"], "default_language": "es",
                   "topics_extra": {"billing": ["top-up"], "onboarding": ["getting started"]}}
BENCH_MESSAGES = 150
HASH_SEED = "0"


def _eval_dir(given: str | None) -> Path:
    if given:
        return Path(given)
    shared = os.environ.get("TACTFUL_SHARED_DIR")
    return Path(shared) / "eval" if shared else ROOT.parent / "shared" / "eval"


def _texts(path: Path, cap: int) -> list[str]:
    texts = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                texts.append(json.loads(line)["text"])
            if len(texts) >= cap:
                break
    return texts


def cases(eval_dir: Path, cap: int) -> Iterator[tuple[str, str, dict]]:
    """(key, text, keyword arguments for analyze) for every case, in a fixed order."""
    from bench.analyzer import SENTENCES_BY_LANGUAGE, make_messages
    from bench.language_samples import SUPPORT_MESSAGES

    realistic = _texts(REALISTIC, cap)
    for i, text in enumerate(realistic):
        yield f"realistic:{i}", text, {}
        yield f"realistic-names:{i}", text, {"names": NAMES}
        yield f"realistic-narrow:{i}", text, {"settings": NARROW_SETTINGS}
        if i >= 2 and i % 4 == 0:
            yield f"realistic-thread:{i}", text, {"thread": realistic[i - 2:i], "unanswered": 1}
    files = sorted(eval_dir.glob("*.dev.jsonl"))
    if not files:
        raise SystemExit(f"no *.dev.jsonl in {eval_dir} (use --eval-dir)")
    for path in files:
        for i, text in enumerate(_texts(path, cap)):
            yield f"{path.name}:{i}", text, {}
    for language, sentences in SENTENCES_BY_LANGUAGE.items():
        for length in (80, 300, 2000):
            count = BENCH_MESSAGES if length < 2000 else 20
            for i, text in enumerate(make_messages(length, count, seed=11, sentences=sentences)):
                yield f"bench-{language}-{length}:{i}", text, {}
    for language, texts in SUPPORT_MESSAGES.items():
        for i, text in enumerate(texts):
            yield f"samples-{language}:{i}", text, {}


def record(text: str, kwargs: dict) -> dict:
    from integration.domain.analysis import analyze
    from integration.domain.analysis.cleanup import clean_message

    clean = clean_message(text)
    return {"analysis": analyze(text, **kwargs).to_dict(),
            "clean": [clean.body, clean.core, clean.standard, list(clean.closings)]}


def outputs(eval_dir: Path, cap: int) -> dict[str, dict]:
    return {key: record(text, kwargs) for key, text, kwargs in cases(eval_dir, cap)}


def _open(path: Path, mode: str):
    return gzip.open(path, mode + "t", encoding="utf-8") if path.suffix == ".gz" \
        else open(path, mode, encoding="utf-8")


def save(path: Path, found: dict[str, dict]) -> None:
    with _open(path, "w") as handle:
        for key, value in found.items():
            handle.write(json.dumps({"key": key, **value}, ensure_ascii=False) + "\n")


def load(path: Path) -> dict[str, dict]:
    with _open(path, "r") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return {row.pop("key"): row for row in rows}


def _changed_fields(before: dict, after: dict) -> list[str]:
    fields = [f"clean.{i}" for i, (a, b) in enumerate(zip(before["clean"], after["clean"]))
              if a != b]
    old, new = before["analysis"], after["analysis"]
    return fields + [f"analysis.{k}" for k in sorted(set(old) | set(new))
                     if old.get(k) != new.get(k)]


def compare(baseline: dict[str, dict], found: dict[str, dict], examples: int) -> int:
    """Print the differences; return how many cases differ (missing or extra cases count)."""
    missing = sorted(set(baseline) - set(found))
    extra = sorted(set(found) - set(baseline))
    differing = [k for k in baseline if k in found and baseline[k] != found[k]]
    by_field: dict[str, int] = {}
    for key in differing:
        for name in _changed_fields(baseline[key], found[key]):
            by_field[name] = by_field.get(name, 0) + 1
    print(f"cases: {len(found)}  differ: {len(differing)}  missing: {len(missing)}  "
          f"extra: {len(extra)}")
    for name, count in sorted(by_field.items(), key=lambda item: -item[1]):
        print(f"  {name}: {count}")
    for key in differing[:examples]:
        for name in _changed_fields(baseline[key], found[key]):
            part, _, field = name.partition(".")
            old, new = baseline[key][part], found[key][part]
            if part == "analysis":
                old, new = old.get(field), new.get(field)
            else:
                old, new = old[int(field)], new[int(field)]
            print(f"- {key} {name}:\n    was {json.dumps(old, ensure_ascii=False)}\n"
                  f"    now {json.dumps(new, ensure_ascii=False)}")
    return len(differing) + len(missing) + len(extra)


def main() -> None:
    if os.environ.get("PYTHONHASHSEED") != HASH_SEED:
        os.execve(sys.executable, [sys.executable, *sys.argv],
                  {**os.environ, "PYTHONHASHSEED": HASH_SEED})
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("save", "compare"))
    parser.add_argument("baseline", type=Path, help="JSONL file (.gz to compress)")
    parser.add_argument("--eval-dir", help="directory of *.dev.jsonl files")
    parser.add_argument("--cap", type=int, default=3000, help="lines read per file")
    parser.add_argument("--examples", type=int, default=10)
    args = parser.parse_args()
    found = outputs(_eval_dir(args.eval_dir), args.cap)
    if args.action == "save":
        save(args.baseline, found)
        print(f"saved {len(found)} cases to {args.baseline}")
        return
    sys.exit(1 if compare(load(args.baseline), found, args.examples) else 0)


if __name__ == "__main__":
    main()
