"""The layers stay honest: each package imports only what its docstring allows.

Every import is read from the source (function-level ones too, since a lazy import
is still a dependency), so a rule broken anywhere fails here with the line.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("integration", "connectors", "tasks")
# Libraries that would tie the pure domain to a framework, a database or the network.
IMPURE = ("flask", "werkzeug", "sqlalchemy", "alembic", "requests", "urllib3", "celery",
          "kombu", "redis", "psycopg", "authlib", "gunicorn", "click")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[str, int]]:
    """(absolute module imported, line) for every import in the file."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.append((base, node.lineno))
            # `from integration.pipeline import process` names submodules: count them too.
            found += [(f"{base}.{alias.name}", node.lineno) for alias in node.names
                      if _is_module(f"{base}.{alias.name}")]
    return found


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


SOURCES = {_module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}
GRAPH = {name: _imports(path) for name, path in SOURCES.items()}


def _within(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _violations(importer_prefix: str, forbidden, exempt=()) -> list[str]:
    out = []
    for module, imports in GRAPH.items():
        if not _within(module, importer_prefix) or module in exempt:
            continue
        for target, line in imports:
            if forbidden(target):
                out.append(f"{SOURCES[module].relative_to(ROOT)}:{line} imports {target}")
    return out


def _ours(name: str) -> bool:
    return _within(name, *PACKAGES)


def test_the_domain_is_pure():
    def forbidden(target):
        if _ours(target):
            return not _within(target, "integration.domain")
        return _within(target, *IMPURE)
    assert _violations("integration.domain", forbidden) == []


def test_the_domain_imports_alone():
    """Importable without Flask, SQLAlchemy or the rest of the service in the process."""
    code = ("import sys; import integration.domain.assessment, integration.domain.bias_audit;"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
            f"{IMPURE!r} or m in ('connectors', 'tasks') or "
            "(m.startswith('integration.') and not m.startswith('integration.domain')));"
            "print(bad); sys.exit(1 if bad else 0)")
    import subprocess
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_connectors_never_import_the_service():
    assert _violations("connectors", lambda t: _within(t, "integration", "tasks")) == []


def test_the_store_sits_below_everything_of_ours():
    assert _violations("integration.store", lambda t: _ours(t) and not _within(
        t, "integration.store", "integration.config", "integration.logs", "connectors")) == []


def test_the_pipeline_never_calls_up():
    up = ("integration.web", "integration.cli", "integration.app", "integration.runtime",
          "integration.installers", "integration.sandbox", "tasks", "flask")
    assert _violations("integration.pipeline", lambda t: _within(t, *up)) == []


def test_the_sandbox_plays_the_vendor_not_tactful():
    inside = ("integration.pipeline", "integration.web", "integration.app", "integration.cli",
              "tasks")
    assert _violations("integration.sandbox", lambda t: _within(t, *inside)) == []


@pytest.mark.parametrize("layer", ["integration.web", "integration.installers",
                                   "integration.runtime", "tasks"])
def test_only_entry_points_import_the_app_factory(layer):
    """Blueprints, installers and tasks reach the database, keyring and settings through
    integration.runtime; only entry points (wsgi, the worker, the CLI) build the app."""
    exempt = {"tasks.worker"}
    assert _violations(layer, lambda t: _within(t, "integration.app", "integration.cli"),
                       exempt) == []


def test_no_import_cycle_through_the_app_factory():
    """No module that integration.app imports, directly or not, imports integration.app."""
    seen, stack = set(), ["integration.app"]
    while stack:
        for target, _ in GRAPH.get(stack.pop(), ()):
            if target in SOURCES and target not in seen:
                seen.add(target)
                stack.append(target)
    assert "integration.app" not in seen


def test_every_package_says_what_it_holds_and_may_import():
    for pkg in ("integration.domain", "integration.pipeline", "integration.store",
                "integration.web", "integration.cli", "integration.installers",
                "integration.sandbox", "connectors", "tasks"):
        doc = ast.get_docstring(ast.parse(SOURCES[pkg].read_text())) or ""
        assert "import" in doc.lower(), f"{pkg}/__init__.py: say what the package may import"
