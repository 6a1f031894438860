"""`tactful audit-bias` (registered on the group in cli.py)."""
from __future__ import annotations

import json
from collections import Counter

import click

DIMENSIONS = ("name", "pronoun", "dialect")


def _read_templates(path: str) -> list[str]:
    """Extra ticket templates: one JSON object a line with "template" (or "text")."""
    templates = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise click.BadParameter(f"line {number}: {exc}", param_hint="FILE") from None
            text = item.get("template") or item.get("text") if isinstance(item, dict) else None
            if not isinstance(text, str) or not text.strip():
                raise click.BadParameter(f"line {number}: needs a \"template\" string",
                                         param_hint="FILE")
            templates.append(text)
    return templates


def _render(report, template_count: int) -> str:
    by_dimension = Counter(o.dimension for o in report.outcomes if o.flips)
    split = ", ".join(f"{d}s {by_dimension.get(d, 0)}" for d in DIMENSIONS)
    lines = [
        f"Tactful bias audit: {report.pairs} counterfactual pairs from {template_count} templates",
        f"  label flips:        {report.flips} ({split})",
        f"  priority changes:   {report.priority_changes}",
        f"  draft differences:  {report.draft_differences} (beyond the swapped words)",
        "Result: " + ("PASS" if report.passed else "FAIL")
        + " (the bar is zero label flips and zero priority changes)",
    ]
    if report.outcomes:
        lines += ["", "Differences:"]
    for o in report.outcomes:
        found = o.flips + ([f"priority {o.priority_change}"] if o.priority_change else [])
        if o.draft_difference and not found:
            found = [f"draft: {o.draft_difference}"]
        lines.append(f"  [{o.dimension}] template {o.template}, {o.baseline} vs {o.other}: "
                     + "; ".join(found))
    return "\n".join(lines)


@click.command("audit-bias")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def audit_bias_cmd(file: str | None, as_json: bool) -> None:
    """Run counterfactual pairs (names, pronouns, dialect markers) through analysis,
    policy and drafting, and report label flips, priority changes and draft differences.

    FILE is an optional JSONL of extra ticket templates ({"template": "..."}) using the
    slots {opener} {closer} {name} {they} {them} {their}. Exits 1 when any label flips
    or any priority changes.
    """
    from integration.domain.bias_audit import TEMPLATES, run_audit

    templates = TEMPLATES + (_read_templates(file) if file else [])
    report = run_audit(templates)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(_render(report, len(templates)))
    if not report.passed:
        raise SystemExit(1)
