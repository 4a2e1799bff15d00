"""The dependency direction of architecture.md, checked by walking the imports.

surveys/ imports neither analysis nor feedback_app; analysis/ may read surveys
but never feedback_app; neither touches Flask or SQLAlchemy.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "surveys": {
        "analysis",
        "feedback_app",
        "flask",
        "flask_babel",
        "flask_wtf",
        "sqlalchemy",
        "pandas",
        "wtforms",
    },
    "analysis": {"feedback_app", "flask", "flask_babel", "flask_wtf", "sqlalchemy", "wtforms"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_import_across_the_boundary(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package}/ has no modules"
    crossings = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & FORBIDDEN[package]) for path in files
    }
    assert {k: v for k, v in crossings.items() if v} == {}


def test_the_walker_sees_a_crossing(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("import flask\nfrom sqlalchemy.orm import Session\n", encoding="utf-8")
    assert _imports(module) == {"flask", "sqlalchemy"}
