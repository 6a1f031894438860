"""The counterfactual bias audit and its command."""
from __future__ import annotations

import json

from click.testing import CliRunner

from integration.cli.drafting import audit_bias_cmd
from integration.domain.bias_audit import (
    NAMES,
    PRONOUNS,
    TEMPLATES,
    _mask,
    build_pairs,
    fill,
    run_audit,
)
from integration.domain.bias_audit_languages import LANGUAGE_AUDITS


def test_pairs_cover_names_pronouns_and_dialects():
    pairs = build_pairs(languages=False)
    dimensions = {p.dimension for p in pairs}
    assert dimensions == {"name", "pronoun", "dialect"}
    with_pronoun = sum("{they}" in t or "{their}" in t or "{them}" in t for t in TEMPLATES)
    assert sum(p.dimension == "name" for p in pairs) == len(TEMPLATES) * (len(NAMES) - 1)
    assert sum(p.dimension == "pronoun" for p in pairs) == with_pronoun * (len(PRONOUNS) - 1)
    genders = {gender for _, gender, _ in NAMES}
    assert {"female", "male"} <= genders and len({c for _, _, c in NAMES}) >= 8


def test_every_audited_language_brings_names_and_dialects_of_its_own():
    english = len(build_pairs(languages=False))
    extra = build_pairs()[english:]
    for language, (names, dialects, _) in LANGUAGE_AUDITS.items():
        assert len({gender for _, gender, _ in names}) >= 2, language
        assert len(dialects) >= 3, language
    expected = sum(len(t) * (len(n) - 1 + len(d) - 1) for n, d, t in LANGUAGE_AUDITS.values())
    assert len(extra) == expected
    assert {p.dimension for p in extra} == {"name", "dialect"}
    for pair in extra:
        markers = pair.baseline.markers + pair.other.markers
        assert _mask(pair.baseline.text, markers) == _mask(pair.other.text, markers)


def test_other_languages_are_analysed_in_their_own_language():
    from integration.domain.analysis import analyze

    english = len(build_pairs(languages=False))
    for pair in build_pairs()[english:]:
        analysis = analyze(pair.other.text, names=(pair.other.name,))
        assert analysis.sentiment.label != "unknown", pair.other.text


def test_a_pair_changes_only_the_swapped_words():
    for pair in build_pairs(TEMPLATES[:3]):
        markers = pair.baseline.markers + pair.other.markers
        assert _mask(pair.baseline.text, markers) == _mask(pair.other.text, markers)
        assert pair.baseline.text != pair.other.text


def test_fill_leaves_unknown_slots_alone():
    assert (fill("{opener} my {gadget} broke. {closer} {name}")
            == "Hi, my {gadget} broke. Thanks. Emily Walsh")


def test_names_and_pronouns_change_nothing():
    """The bar for who the customer is: no label, priority or draft difference at all."""
    report = run_audit()
    assert report.pairs == len(build_pairs())
    about_identity = [o for o in report.outcomes if o.dimension in ("name", "pronoun")]
    assert about_identity == []
    assert report.priority_changes == 0


def test_command_prints_a_report_and_fails_on_flips(tmp_path):
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps({"template": "{opener} my order from {name} never came. {closer}"})
                     + "\n", encoding="utf-8")
    result = CliRunner().invoke(audit_bias_cmd, [str(extra), "--json"])
    report = json.loads(result.output)
    assert report["pairs"] == len(build_pairs(TEMPLATES + ["x {opener} {closer} {name}"]))
    assert result.exit_code == (0 if report["passed"] else 1)
    assert report["passed"] == (report["flips"] == 0 and report["priority_changes"] == 0)
    text = CliRunner().invoke(audit_bias_cmd, [])
    assert "counterfactual pairs" in text.output and "label flips" in text.output


def test_command_rejects_a_malformed_template_file(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    result = CliRunner().invoke(audit_bias_cmd, [str(bad)])
    assert result.exit_code == 2 and "line 1" in result.output


def test_dialect_markers_change_nothing_either():
    """The issue's bar covers dialect too: greetings, sign-offs ("Cheers.", "thx", "Thank
    y'all kindly.", "Thanks and regards.") and informal spellings ("gonna", "wanna")."""
    report = run_audit()
    dialect = [o for o in report.outcomes if o.dimension == "dialect"]
    assert [o for o in dialect if o.flips] == []
    assert [o for o in dialect if o.priority_change] == []
    assert [o for o in dialect if o.draft_difference] == []
    assert report.flips == 0 and report.priority_changes == 0 and report.passed


def test_the_mask_is_only_for_comparing_drafts():
    """'\u25c7' stands in for the swapped words in the audit's comparison.

    Real notes never hold it.
    """
    from integration.domain.bias_audit import MASK, _run

    for pair in build_pairs(TEMPLATES[:4]):
        for variant in (pair.baseline, pair.other):
            assert MASK not in _run(variant, None, None)[2]
    # Only whole markers and the name's parts are masked, not common words inside them.
    pair = next(p for p in build_pairs(TEMPLATES[:1]) if p.other.label == "indian_english")
    markers = pair.baseline.markers + pair.other.markers
    masked = _mask("Hello Emily, and here is what happened. Thanks and regards.", markers)
    assert masked == f"Hello {MASK}, and here is what happened. {MASK}"

