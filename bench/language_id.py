"""Language identification: lingua-language-detector vs py3langid on short texts.

Run: python bench/language_id.py [--json] [--candidates a,b]
Needs the UMSAB dev files ($TACTFUL_SHARED_DIR/eval/umsab_<lang>.dev.jsonl) and
both libraries installed (py3langid is not a dependency: `pip install py3langid`).

Each candidate runs in a fresh interpreter so that its cold start (import + model
load + first answer) is measured honestly. Reported per candidate:
- accuracy per language on the UMSAB dev texts (tweets, 324 per language);
- accuracy per language on short support messages written for this bench
  (bench/language_samples.py), and how many non-supported ones came back `en`;
- cold start (seconds) and throughput (texts/second, warm, one core).
Not a test: the figures depend on the machine.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

UMSAB = ("es", "fr", "de", "pt", "it", "ar", "hi")
NARROW = ("en", "es", "fr", "de", "pt", "it", "ar", "hi", "nl", "sv", "pl", "tr", "ru")
BROAD = (*NARROW, "da", "nb", "fi", "cs", "uk", "ja", "ko", "zh", "he", "el", "th", "ro",
         "hu", "id", "vi", "ca")
CANDIDATES = ("tactful", "lingua-high-narrow", "lingua-low-narrow", "lingua-low-broad",
              "lingua-high-broad", "py3langid-narrow", "py3langid-broad")


def _lingua(codes: tuple[str, ...], low: bool):
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    isos = [getattr(IsoCode639_1, c.upper()) for c in codes]
    builder = LanguageDetectorBuilder.from_iso_codes_639_1(*isos)
    detector = (builder.with_low_accuracy_mode() if low else builder).build()

    def detect(text: str) -> str:
        found = detector.detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found else "und"
    return detect


def _py3langid(codes: tuple[str, ...]):
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(["no" if c == "nb" else c for c in codes])
    return lambda text: identifier.classify(text)[0]


def _tactful():
    from integration.domain.analysis.language import detect_language

    return lambda text: detect_language(text, "und")


def build(name: str):
    if name == "tactful":
        return _tactful()
    family, *rest = name.split("-")
    codes = BROAD if rest[-1] == "broad" else NARROW
    if family == "lingua":
        return _lingua(codes, low=rest[0] == "low")
    return _py3langid(codes)


def _shared() -> Path:
    configured = os.environ.get("TACTFUL_SHARED_DIR")
    return Path(configured) if configured else ROOT.parent / "shared"


def _umsab() -> dict[str, list[str]]:
    texts = {}
    for code in UMSAB:
        path = _shared() / "eval" / f"umsab_{code}.dev.jsonl"
        with open(path, encoding="utf-8") as handle:
            texts[code] = [json.loads(line)["text"] for line in handle if line.strip()]
    return texts


def run_one(name: str) -> dict:
    """Measured inside the child interpreter."""
    from bench.language_samples import SUPPORT_MESSAGES

    start = time.perf_counter()
    detect = build(name)
    detect("My order never arrived, can you check?")
    cold = time.perf_counter() - start
    umsab = _umsab()
    result: dict = {"cold_start_s": round(cold, 3), "umsab": {}, "support": {}}
    for code, texts in umsab.items():
        result["umsab"][code] = round(sum(detect(t) == code for t in texts) / len(texts), 3)
    came_back_en = 0
    for code, texts in SUPPORT_MESSAGES.items():
        answers = [detect(t) for t in texts]
        result["support"][code] = round(sum(a == code for a in answers) / len(answers), 3)
        came_back_en += sum(a == "en" for a in answers) if code != "en" else 0
    result["non_english_support_as_en"] = came_back_en
    everything = [t for texts in umsab.values() for t in texts]
    rates = []
    for _ in range(3):
        start = time.perf_counter()
        for text in everything:
            detect(text)
        rates.append(len(everything) / (time.perf_counter() - start))
    result["texts_per_s"] = round(statistics.median(rates))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--candidates", default=",".join(CANDIDATES))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.child)))
        return
    results = {}
    for name in args.candidates.split(","):
        done = subprocess.run([sys.executable, __file__, "--child", name], capture_output=True,
                              text=True, check=True, cwd=ROOT)
        results[name] = json.loads(done.stdout)
    if args.json:
        print(json.dumps(results, indent=1))
        return
    for name, r in results.items():
        umsab = " ".join(f"{k}={v:.3f}" for k, v in r["umsab"].items())
        support = " ".join(f"{k}={v:.2f}" for k, v in r["support"].items())
        print(f"{name:20} cold {r['cold_start_s']:6.3f}s  {r['texts_per_s']:7} texts/s  "
              f"as-en {r['non_english_support_as_en']}\n    umsab   {umsab}\n"
              f"    support {support}")


if __name__ == "__main__":
    main()
