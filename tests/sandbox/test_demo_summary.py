"""The demo's summary numbers and table cells, without starting anything."""
from __future__ import annotations

from integration.cli.demo import DemoRun, draft_first_line, varied
from integration.sandbox.core import sample_tickets


def test_summary_counts_failures_and_percentiles():
    run = DemoRun("zendesk", sent={str(i): 0.0 for i in range(1, 6)})
    for i, ms in zip(range(1, 5), [100.0, 200.0, 300.0, 1000.0], strict=True):
        run.views[str(i)] = {}
        run.latency_ms[str(i)] = ms
    assert run.summary() == {"provider": "zendesk", "sent": 5, "enriched": 4, "failed": 1,
                             "p50_ms": 250.0, "p95_ms": 1000.0}


def test_summary_of_nothing_enriched_has_no_times():
    summary = DemoRun("zendesk", sent={"1": 0.0}).summary()
    assert (summary["failed"], summary["p50_ms"], summary["p95_ms"]) == (1, None, None)


def test_draft_first_line_reads_the_reply_not_the_header():
    note = ("Tactful (AI-assisted)\n\nSuggested reply:\n" + "-" * 40 +
            "\nHi Dana,\nI'm sorry about the double charge.\n" + "-" * 40 + "\n\nTips:\n- x")
    assert draft_first_line(note) == "Hi Dana, I'm sorry about the double charge."


def test_varied_samples_lead_with_one_of_each_kind():
    samples = varied(sample_tickets())
    kinds = {s["kind"] for s in sample_tickets()}
    assert {s["kind"] for s in samples[:len(kinds)]} == kinds
    assert len(samples) == len(sample_tickets())
