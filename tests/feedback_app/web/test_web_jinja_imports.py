"""The faster import check renders what Jinja's own does (issue 17)."""

from __future__ import annotations

from jinja2 import DictLoader, Environment

from feedback_app.web.jinja_imports import FastImportTemplate

TEMPLATES = {
    "macro.html": "{% macro shout(x) %}{{ x }}{{ suffix | default('?') }}{% endmacro %}",
    "page.html": '{% from "macro.html" import shout with context %}{{ shout("hi") }}',
    "plain.html": '{% from "macro.html" import shout %}{{ shout("hi") }}',
}


def _env(fast: bool) -> Environment:
    env = Environment(loader=DictLoader(TEMPLATES))
    if fast:
        env.template_class = FastImportTemplate
    return env


def test_imports_render_the_same_as_jinja() -> None:
    for name in ("page.html", "plain.html"):
        for context in ({}, {"suffix": "!"}):
            expected = _env(False).get_template(name).render(context)
            assert _env(True).get_template(name).render(context) == expected


def test_a_global_only_the_importer_has_reaches_the_imported_macro() -> None:
    env = _env(True)
    jinja = _env(False)
    for page in ("plain.html", "page.html"):
        ours = env.get_template(page, globals={"suffix": "!"}).render()
        assert ours == jinja.get_template(page, globals={"suffix": "!"}).render()
        assert env.get_template(page).render() == jinja.get_template(page).render()


def test_the_app_uses_it(app) -> None:
    assert isinstance(app.jinja_env.get_template("respond/question.html"), FastImportTemplate)
