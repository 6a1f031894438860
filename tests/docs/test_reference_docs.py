"""The reference docs cover what the code offers, and the README stays short.

Each test lists everything missing at once and names the file to add it to:
- every `tactful` command and subcommand appears in docs/cli.md;
- every HTTP route of create_app() appears, with its method, in docs/http-api.md;
- every environment variable integration/config.py reads appears in docs/configuration.md;
- README.md is under 200 lines and no relative link in README.md or docs/*.md is broken.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path
from urllib.parse import unquote

import click
import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
README_MAX_LINES = 200
# A name read from the environment: TACTFUL_MAX_ATTEMPTS, DATABASE_URL, REDIS_URL, …
ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
# Flask converters: <int:event_id> and <event_id> are the same parameter to a reader.
CONVERTER = re.compile(r"<(?:[a-zA-Z_]+(?:\([^)]*\))?:)?([a-zA-Z_][a-zA-Z0-9_]*)>")


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _mentions(text: str, phrase: str) -> bool:
    """`phrase` appears as a whole: "tactful db" is not found in "tactful dbx" or
    "tactful-db", and "/api/admin/events" is not found inside "/api/admin/events/…"."""
    return re.search(r"(?<![\w/<>-])" + re.escape(phrase) + r"(?![\w/<>-])", text) is not None


# --- 1. commands -------------------------------------------------------------------


def _command_paths(command: click.Command, path: str):
    yield path
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            if not sub.hidden:
                yield from _command_paths(sub, f"{path} {name}")


def test_every_tactful_command_is_in_docs_cli():
    from integration.cli import main

    text = _read(DOCS / "cli.md")
    missing = [p for p in _command_paths(main, "tactful") if not _mentions(text, p)]
    assert not missing, (
        "docs/cli.md does not mention these commands: "
        + ", ".join(f"`{p}`" for p in missing)
        + ". Add a section to docs/cli.md for each (a heading such as `### tactful foo bar`"
        " with its options, taken from `tactful foo bar --help`, and an example).")


# --- 2. HTTP routes ----------------------------------------------------------------


@pytest.fixture
def url_map(tmp_path, monkeypatch):
    """The routes of a real app on throwaway embedded defaults (nothing is connected)."""
    monkeypatch.setenv("TACTFUL_ENV", "test")
    monkeypatch.setenv("TACTFUL_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/tactful.sqlite")
    monkeypatch.setenv("CELERY_BROKER_URL", f"tactful-sqla+sqlite:///{tmp_path}/broker.sqlite")
    from integration.app import create_app

    return create_app().url_map


def _normalise_rule(rule: str) -> str:
    return CONVERTER.sub(r"<\1>", rule)


def test_every_http_route_is_in_docs_http_api(url_map):
    text = _normalise_rule(_read(DOCS / "http-api.md"))
    routes = sorted({(method, _normalise_rule(rule.rule))
                     for rule in url_map.iter_rules() if rule.endpoint != "static"
                     for method in rule.methods - {"HEAD", "OPTIONS"}},
                    key=lambda r: (r[1], r[0]))
    assert routes, "create_app() serves no routes: the test cannot see the app"
    missing = [f"{method} {path}" for method, path in routes
               if not re.search(rf"\b{method}\s+`?" + re.escape(path) + r"(?![\w/<>-])", text)]
    assert not missing, (
        "docs/http-api.md does not document these routes: "
        + ", ".join(f"`{m}`" for m in missing)
        + ". Add each to docs/http-api.md, written as `METHOD /path` exactly as Flask's rule "
        "(e.g. a heading '### `POST /webhooks/<provider>`'), with its auth, request, "
        "response and error codes.")


# --- 3. environment variables ------------------------------------------------------


def _env_names_in(source: str) -> set[str]:
    """Names passed to anything that reads the environment (os.environ.get, os.getenv,
    os.environ[...], a local helper named like _env), plus every TACTFUL_* literal."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and node.args and _reads_env(node.func):
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.add(first.value)
        elif isinstance(node, ast.Subscript) and _name_of(node.value) == "environ":
            if isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
                names.add(node.slice.value)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and node.value.startswith("TACTFUL_"):
            names.add(node.value)
    return {n for n in names if ENV_NAME.match(n)}


def _name_of(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _reads_env(func: ast.AST) -> bool:
    name = _name_of(func)
    if isinstance(func, ast.Attribute) and name in ("get", "pop", "setdefault"):
        name = _name_of(func.value)
    return "env" in name.lower() and name != "load_dotenv"


def test_every_environment_variable_of_config_is_in_docs_configuration():
    names = _env_names_in(_read(ROOT / "integration" / "config.py"))
    assert len(names) >= 10, (
        f"found only {sorted(names)} in integration/config.py: it no longer reads the "
        "environment through os.environ / _env(\"NAME\"); teach _env_names_in in "
        "tests/docs/test_reference_docs.py the new way")
    text = _read(DOCS / "configuration.md")
    missing = sorted(n for n in names if not _mentions(text, n))
    assert not missing, (
        "docs/configuration.md does not document these environment variables read by "
        "integration/config.py: " + ", ".join(f"`{n}`" for n in missing)
        + ". Add a row for each to the tables in docs/configuration.md: "
        "| `NAME` | default | meaning |")


# --- 4. README length and links ----------------------------------------------------


def test_readme_is_short():
    lines = len(_read(ROOT / "README.md").splitlines())
    assert lines < README_MAX_LINES, (
        f"README.md has {lines} lines; keep it under {README_MAX_LINES}: move reference "
        "material into a file in docs/ and link to it from the README")


# [text](target) and ![alt](target), and reference definitions `[label]: target`.
INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$", re.MULTILINE)
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`[^`\n]*`")


def _relative_links(text: str) -> list[str]:
    prose = CODE_SPAN.sub("", FENCE.sub("", text))
    targets = INLINE_LINK.findall(prose) + REFERENCE_LINK.findall(prose)
    return [t for t in targets
            if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", t) and not t.startswith(("#", "//"))]


def test_relative_links_in_readme_and_docs_resolve():
    pages = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
    broken = []
    for page in pages:
        for target in _relative_links(_read(page)):
            path = unquote(target.split("#", 1)[0].split("?", 1)[0])
            resolved = (page.parent / path).resolve()
            inside = resolved == ROOT or ROOT in resolved.parents
            if not inside or not resolved.exists():
                broken.append(f"{page.relative_to(ROOT)} -> {target}"
                              + ("" if inside else " (outside the repository)"))
    assert not broken, (
        "broken relative links (fix the target, or add the missing file): "
        + "; ".join(broken))
