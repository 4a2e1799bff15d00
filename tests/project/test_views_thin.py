"""Views stay thin: no route function in feedback_app/ runs over MAX_LINES lines.

A view reads the request, calls a service or view model, and renders or
redirects (docs/architecture.md, "The rule for a new module", point 7). A
view that grows past the limit hands its work to a helper, a service function
or a view model. Lines are counted from ``def`` to the function's last line
(docstring included, decorators not).

``ALLOWED`` names any view that is longer for now, and why. It is empty: every
route is within the limit. An entry that is no longer needed fails the test
too, so the list only shrinks.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 30
#: Decorators that make a function a route: ``@bp.route(...)``, ``@bp.get(...)``, ...
ROUTE_DECORATORS = frozenset({"route", "get", "post", "put", "patch", "delete"})

#: "module:function" -> why it is longer than MAX_LINES for now.
ALLOWED: dict[str, str] = {}


def _is_route(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(
        isinstance(decorator, ast.Call)
        and isinstance(decorator.func, ast.Attribute)
        and decorator.func.attr in ROUTE_DECORATORS
        for decorator in function.decorator_list
    )


def long_views(root: Path, package: str = "feedback_app", limit: int = MAX_LINES) -> dict[str, int]:
    """ "module:function" -> its length in lines, for every route function over ``limit``."""
    found: dict[str, int] = {}
    for path in sorted((root / package).rglob("*.py")):
        module = ".".join(path.relative_to(root).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _is_route(node):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > limit:
                    found[f"{module}:{node.name}"] = lines
    return found


def test_no_view_is_longer_than_the_limit_unless_listed() -> None:
    too_long = {name: lines for name, lines in long_views(ROOT).items() if name not in ALLOWED}
    assert too_long == {}, (
        f"views over {MAX_LINES} lines: hand the work to a helper, service or view model"
    )


def test_every_listed_view_is_still_long() -> None:
    thinned = sorted(set(ALLOWED) - set(long_views(ROOT)))
    assert thinned == [], "these views are thin now: take them off ALLOWED"


def test_the_count_finds_a_long_route_and_ignores_other_functions(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    body = "".join(f"    x{i} = {i}\n" for i in range(40))
    (package / "views.py").write_text(
        f'@bp.route("/a")\ndef long_view():\n{body}\n\n'
        f'@bp.get("/b")\ndef short_view():\n    return 1\n\n\n'
        f"def long_helper():\n{body}"
    )
    assert long_views(tmp_path, "pkg") == {"pkg.views:long_view": 41}
