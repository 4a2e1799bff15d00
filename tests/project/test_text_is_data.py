"""Designer and staff text is data, never a format string (issue 11, part 3).

Jinja's ``_()`` always %-formats what it returns (and marks it safe), and
``gettext(text, **values)`` %-formats too, so a questionnaire title "100% anonymous"
printed as "100{}nonymous" and "38.5% of parents" was a 500. Questionnaire text goes
through ``content_gettext`` (``qt()`` in templates), which only looks text up.

These checks keep it that way: every ``_()``/``gettext()`` in a template has a
literal first argument, and in Python a non-literal message id is only one of the
code's own messages (listed below, each reviewed).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from flask import Flask

from feedback_app import create_app
from feedback_app.translating.content_translation import content_gettext

ROOT = Path(__file__).resolve().parents[2]
GETTEXTS = {"gettext", "_", "ngettext", "lazy_gettext", "_l", "lazy_ngettext"}
CONTEXT_GETTEXTS = {"pgettext", "npgettext", "lazy_pgettext"}
#: Non-literal message ids that are the code's own messages (N_ constants), not text
#: someone typed: (file, source of the argument).
OWN_MESSAGES = {
    ("feedback_app/staff/sso_views.py", "_REFUSALS.get(reason, _GENERIC)"),
    ("feedback_app/collection/forms.py", "error.message"),
    ("feedback_app/collection/views.py", "error.message"),
    ("feedback_app/collection/views.py", "paper.status_text(questionnaire, item)"),
    ("feedback_app/respond/forms.py", "error.message"),
    ("feedback_app/imports/forms.py", "name"),
    ("feedback_app/imports/view_model.py", "p.message"),
    ("feedback_app/imports/views.py", "error.message"),
    ("feedback_app/imports/views.py", "refused.message"),
    ("feedback_app/staff/views.py", "str(error)"),
}
#: ``_(`` / ``gettext(`` / ``ngettext(`` in a template, then the first argument.
TEMPLATE_CALL = re.compile(r"(?<![\w.])(?:_|gettext|ngettext)\(\s*(.)")


def test_templates_translate_only_literal_messages() -> None:
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for match in TEMPLATE_CALL.finditer(text):
            if match.group(1) not in {'"', "'"}:
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: use qt() for data")
    assert found == []


def test_python_translates_only_its_own_messages() -> None:
    found = []
    for path in sorted((ROOT / "feedback_app").rglob("*.py")):
        relative = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            name = node.func.id
            position = 1 if name in CONTEXT_GETTEXTS else 0
            if name not in GETTEXTS | CONTEXT_GETTEXTS or len(node.args) <= position:
                continue
            argument = node.args[position]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                continue
            # The answer-type registry's own wording (surveys/answer_types.py, marked
            # for extraction) is the product's, not a designer's.
            registry_text = isinstance(argument, ast.Attribute) and (
                ast.unparse(argument).startswith(("spec.", "question.spec."))
            )
            if not registry_text and (relative, ast.unparse(argument)) not in OWN_MESSAGES:
                found.append(f"{relative}:{node.lineno}: {name}({ast.unparse(argument)})")
    assert found == [], "questionnaire text goes through content_gettext"


@pytest.fixture
def app() -> Flask:
    """No database needed: only the translation lookup runs."""
    return create_app({"TESTING": True, "DATABASE_URL": "sqlite://"})


@pytest.mark.parametrize(
    "text", ["38.5% of parents", "100% anonymous", "%(x)s and %s", "{} {0} {x}", "%", "50%%"]
)
@pytest.mark.parametrize("language", ["en", "cy", "ar"])
def test_questionnaire_text_is_looked_up_never_formatted(
    app: Flask, text: str, language: str
) -> None:
    with app.test_request_context(f"/?lang={language}"):
        assert content_gettext(text) == text
