"""XLSX and HTML outputs, and the package boundary."""

from __future__ import annotations

import ast
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
from analysis_testdata import FIXTURES
from openpyxl import load_workbook

from analysis import compare_waves, load_kpis
from analysis.render_html import to_html
from analysis.render_xlsx import to_xlsx


def _result(publication: bool = False):  # type: ignore[no-untyped-def]
    frame = pd.read_csv(FIXTURES / "responses_small.csv", dtype=str, keep_default_na=False)
    frame.loc[frame.phase == "post16", "phase"] = "=cmd|' /C calc'!A0"
    return compare_waves(
        frame,
        load_kpis(FIXTURES / "kpis_small.yaml"),
        baseline="2023",
        follow_up="2024",
        by=["phase"],
        publication=publication,
    )


def test_xlsx_keeps_numbers_and_neutralises_formulas() -> None:
    book = load_workbook(io.BytesIO(to_xlsx(_result())))
    assert book.sheetnames[:3] == ["Read me", "kpis", "method"]
    readme = [c.value for row in book["Read me"].iter_rows() for c in row]
    assert "kpis" in readme and "method" in readme
    assert any("NOT prepared for publication" in str(v) for v in readme)
    sheet = book["kpis"]
    header = [c.value for c in sheet[2]]
    percent = header.index("baseline_percent")
    first = [c.value for c in sheet[3]]
    assert isinstance(first[percent], float)
    assert isinstance(first[header.index("baseline_base")], int)
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(t.startswith(("=", "+", "@", "-", "\t", "\r")) for t in texts)
    assert any(t.startswith("'=cmd") for t in texts)


def test_xlsx_publication_rounds_percentages() -> None:
    book = load_workbook(io.BytesIO(to_xlsx(_result(publication=True), publication=True)))
    sheet = book["kpis"]
    header = [c.value for c in sheet[2]]
    value = sheet.cell(row=3, column=header.index("baseline_percent") + 1).value
    assert isinstance(value, int)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_html_is_self_contained_and_accessible() -> None:
    page = to_html(_result())
    parser = _Page()
    parser.feed(page)
    names = [t for t, _ in parser.tags]
    assert names.count("h1") == 1 and "title" in names
    assert dict(parser.tags[0][1]).get("lang") == "en"
    ids = [a["id"] for _, a in parser.tags if a.get("id")]
    assert len(ids) == len(set(ids))
    assert "script" not in names and "link" not in names
    assert not re.search(r"(src|href)=\"https?:", page)
    svgs = [a for t, a in parser.tags if t == "svg"]
    assert svgs and all(a.get("role") == "img" and a.get("aria-labelledby") for a in svgs)
    # Every chart is followed by a data table.
    assert page.count("Data for the chart:") >= len(svgs)
    assert "&#x27;=cmd" in page or "'=cmd" not in page


def test_analysis_imports_no_web_or_database_code() -> None:
    forbidden = {"flask", "sqlalchemy", "feedback_app", "flask_wtf", "flask_babel"}
    package = Path(__file__).resolve().parents[2] / "analysis"
    for path in package.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in forbidden, f"{path.name} imports {name}"
