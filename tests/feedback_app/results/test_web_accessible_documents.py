"""Documents everyone can read: the board report PDF is tagged PDF/UA-1, and the
analysis workbook follows the accessible spreadsheet guidance.

The board report is the only PDF the product makes. It is a staff document (staff
pages are in English), so it is offered in English only; its language comes from
the page's locale all the same, so a translated staff interface would carry over.
The PDF is opened with pikepdf and its structure checked as a screen reader would
meet it: a structure tree, the document language, a title shown in the title bar,
bookmarks from the headings, header cells in the tables, and every figure with
alternative text made of the chart's own words.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import Any

import pikepdf
import pytest
from flask import Flask
from openpyxl import load_workbook

from tests.feedback_app.results.test_web_results_downloads import XLSX, _setup
from tests.support.staff import signed_in

#: Languages the board report PDF is offered in (staff documents are English-only).
REPORT_LANGUAGES = ("en",)
#: Where a copy of the PDF is written for looking at by hand (pdftoppm, veraPDF).
KEEP_PDF = os.environ.get("KEEP_REPORT_PDF")


def _walk(node: Any) -> Iterator[pikepdf.Dictionary]:
    """Every structure element under ``node``, depth first."""
    kids = node.get("/K")
    if kids is None:
        return
    items = kids if isinstance(kids, pikepdf.Array) else [kids]
    for kid in items:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") != "/OBJR":
            if "/S" in kid:
                yield kid
            yield from _walk(kid)


def _outline_titles(pdf: pikepdf.Pdf) -> list[str]:
    with pdf.open_outline() as outline:
        titles: list[str] = []
        stack = list(outline.root)
        while stack:
            item = stack.pop(0)
            titles.append(item.title)
            stack[:0] = list(item.children)
        return titles


def _report_pdf(app: Flask, ids: dict[str, int], language: str) -> bytes:
    client = app.test_client()
    if language != "en":  # the language switcher sets a cookie and goes back
        client.get(f"/?lang={language}")
    browser = signed_in(client, "officer@demo.example")
    selection = f"baseline={ids['baseline']}&follow_up={ids['follow-up']}&follow_up={ids['repeat']}"
    response = browser.client.get(f"/staff/demo/results/report.pdf?{selection}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return response.data


def test_board_report_pdf_is_tagged_for_screen_readers(app: Flask, demo: dict[str, str]) -> None:
    if "sqlite" not in app.config["DATABASE_URL"]:
        pytest.skip("WeasyPrint is slow and the PDF does not depend on the database")
    ids = _setup(app, demo)
    for language in REPORT_LANGUAGES:
        data = _report_pdf(app, ids, language)
        if KEEP_PDF:
            with open(KEEP_PDF, "wb") as kept:
                kept.write(data)
        pdf = pikepdf.open(io.BytesIO(data))
        root = pdf.Root
        # A structure tree, marked content, the document's language.
        assert "/StructTreeRoot" in root
        assert bool(root.MarkInfo.Marked) is True
        assert str(root.Lang) == language
        # A title, shown in the title bar instead of the file name.
        assert bool(root.ViewerPreferences.DisplayDocTitle) is True
        with pdf.open_metadata() as meta:
            assert meta.get("dc:title", "").startswith("Board report")
            assert meta.get("pdfuaid:part") == "1"
        assert str(pdf.docinfo.get("/Title", "")).startswith("Board report")
        # Bookmarks from the headings.
        titles = _outline_titles(pdf)
        assert "Headline KPIs" in titles and "Method and suppression" in titles
        elements = list(_walk(root.StructTreeRoot))
        kinds = [str(e.S) for e in elements]
        assert {"/H1", "/H2", "/H3", "/Table", "/TH", "/TD", "/Caption"} <= set(kinds)
        # Data cells point at their header cells.
        cells = [e for e in elements if e.S == "/TD"]
        assert all(len(e.A.get("/Headers", [])) >= 1 for e in cells)
        # Every figure (chart) has alternative text: its title and description.
        figures = [e for e in elements if e.S == "/Figure"]
        assert len(figures) >= 6
        for figure in figures:
            alt = str(figure.get("/Alt", ""))
            assert "95% confidence interval" in alt and "table below" in alt, alt


def test_analysis_workbook_reads_well(app: Flask, demo: dict[str, str]) -> None:
    ids = _setup(app, demo)
    browser = signed_in(app.test_client(), "officer@demo.example")
    selection = f"baseline={ids['baseline']}&follow_up={ids['follow-up']}&follow_up={ids['repeat']}"
    for publication in ("", "&publication=1"):
        response = browser.client.get(
            f"/staff/demo/downloads/analysis?{selection}&format=xlsx{publication}"
        )
        assert response.status_code == 200 and response.mimetype == XLSX
        book = load_workbook(io.BytesIO(response.data))
        # A "Read me" sheet first: what each sheet holds, the method, suppression.
        assert book.sheetnames[0] == "Read me"
        readme = "\n".join(
            str(c.value) for row in book["Read me"].iter_rows() for c in row if c.value
        )
        assert "suppress" in readme.lower() and "confidence interval" in readme
        for name in book.sheetnames[1:]:
            assert name in readme, name
        for sheet in book.worksheets:
            assert not sheet.merged_cells.ranges, sheet.title
        # Each data sheet: a title row saying what it holds, then one header row.
        for sheet in book.worksheets[1:]:
            assert isinstance(sheet["A1"].value, str) and sheet["A1"].value.strip()
            header = [c.value for c in sheet[2]]
            assert all(isinstance(h, str) and h for h in header), sheet.title


def test_pdf_fonts_are_subset_by_harfbuzz_not_fonttools() -> None:
    """WeasyPrint subsets the report's fonts with HarfBuzz's C subsetter when the system
    has it (Debian: libharfbuzz-subset0, installed by .ci/run and listed in
    docs/production.md); without it, it falls back to fontTools, which took about
    0.8 s more CPU per board report PDF (bench/board_pdf_bench.py)."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    assert harfbuzz_subset is not None, "install libharfbuzz-subset0 (docs/production.md)"
    assert harfbuzz.hb_version_atleast(4, 1, 0)
