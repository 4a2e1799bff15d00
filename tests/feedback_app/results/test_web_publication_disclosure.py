"""Issue 18 (1): the web app's publication downloads and public page, attacked on the demo.

The attacker reads only the publication zip (every table of a selection of the
demo's waves) and, for each KPI and wave, turns the headline, the breakdowns
(each adds up to the headline) and the KPI question's answer counts (the
positive options add up to the headline's positive count, the valid ones to its
base) into equations. ``scipy.optimize.milp`` gives each hidden count's smallest
and largest value, which must be at least the protection interval apart.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from typing import Any

import numpy as np
from flask import Flask
from sqlalchemy import select

from analysis.disclosure import PROTECTION_INTERVAL
from feedback_app import db
from feedback_app.demo.results import load_demo_results
from feedback_app.models import Wave
from feedback_app.results.data import bank_kpis
from tests.support.browser import PageBrowser
from tests.support.disclosure_attack import integer_ranges
from tests.support.staff import make_area_with_staff, signed_in

PER_WAVE = 30


def _csv(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    text = archive.read(name).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


class Equations:
    """Whole-number unknowns, equalities and lower bounds, and the counts to attack."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.rows: list[dict[int, float]] = []
        self.low: list[float] = []
        self.high: list[float] = []
        self.targets: list[tuple[str, dict[int, float]]] = []

    def unknown(self, name: str) -> int:
        self.names.append(name)
        return len(self.names) - 1

    def add(self, row: dict[int, float], low: float, high: float) -> None:
        self.rows.append(row)
        self.low.append(low)
        self.high.append(high)

    def ranges(self) -> list[tuple[str, float, float]]:
        n = len(self.names)
        matrix = np.zeros((len(self.rows), n))
        for i, row in enumerate(self.rows):
            for j, coefficient in row.items():
                matrix[i, j] += coefficient
        objectives = []
        for name, row in self.targets:
            objective = np.zeros(n)
            for j, coefficient in row.items():
                objective[j] += coefficient
            objectives.append((name, objective))
        return integer_ranges(n, list(matrix), self.low, self.high, objectives)


def _cell(equations: Equations, name: str, row: dict[str, str], side: str) -> tuple[int, int]:
    """A published cell (positive, not positive) as unknowns, with what is shown of it."""
    pos, neg = equations.unknown(f"{name} positive"), equations.unknown(f"{name} not positive")
    if row[f"{side}_flag"] == "withheld":
        assert row[f"{side}_base"] == "" and row[f"{side}_percent"] == ""
        equations.add({pos: 1, neg: 1}, 1, math.inf)
        equations.targets += [
            (f"{name} positive", {pos: 1}),
            (f"{name} not positive", {neg: 1}),
            (f"{name} base", {pos: 1, neg: 1}),
        ]
    else:
        base = int(row[f"{side}_base"])
        assert not 1 <= base <= 9, (name, base)
        positive = int(row[f"{side}_positive"]) if base else 0
        assert not 1 <= positive <= 4 and not 1 <= base - positive <= 4, (name, row)
        equations.add({pos: 1}, positive, positive)
        equations.add({neg: 1}, base - positive, base - positive)
    return pos, neg


def _attack(
    kpi_rows: list[dict[str, str]], options: list[dict[str, str]], kpi: Any, side: str
) -> list[tuple[str, float, float]]:
    equations = Equations()
    head = next(r for r in kpi_rows if r["breakdown"] == "all")
    head_pos, head_neg = _cell(equations, "headline", head, side)
    columns: dict[str, list[tuple[int, int]]] = {}
    for row in kpi_rows:
        if row["breakdown"] != "all":
            cell = _cell(equations, f"{row['breakdown']}={row['group']}", row, side)
            columns.setdefault(row["breakdown"], []).append(cell)
    for cells in columns.values():
        equations.add({head_pos: -1, **{p: 1 for p, _ in cells}}, 0, 0)
        equations.add({head_neg: -1, **{n: 1 for _, n in cells}}, 0, 0)
    counts: dict[str, int] = {}
    answered = options[0]["answered"] if options else ""
    for option in options:
        index = equations.unknown(f"option {option['option']}")
        counts[option["option"]] = index
        if option["count"] == "":
            equations.add({index: 1}, 1, math.inf)
            equations.targets.append((f"option {option['option']}", {index: 1}))
        else:
            value = int(option["count"])
            assert not 1 <= value <= 4
            equations.add({index: 1}, value, value)
    if counts:
        if answered != "":
            equations.add({i: 1 for i in counts.values()}, int(answered), int(answered))
        positive = {counts[c]: 1.0 for c in counts if c in kpi.positive}
        valid = {counts[c]: 1.0 for c in counts if c not in kpi.positive and c not in kpi.exclude}
        equations.add({head_pos: -1, **positive}, 0, 0)
        equations.add({head_neg: -1, **valid}, 0, 0)
    return equations.ranges()


def test_publication_downloads_and_public_page_protect_every_hidden_count(
    app: Flask, demo: dict[str, str]
) -> None:
    with app.app_context():
        session = db.session()
        load_demo_results(session, responses_per_wave=PER_WAVE)
        waves = {
            w.slug.removeprefix("demo-results-"): w.id
            for w in session.scalars(select(Wave).where(Wave.slug.like("demo-results-%")))
        }
        kpis = {k.id: k for k in bank_kpis()}
    make_area_with_staff(app, "demo")
    browser = signed_in(app.test_client(), "officer@demo.example")
    selection = f"baseline={waves['baseline']}&follow_up={waves['follow-up']}"
    response = browser.client.get(
        f"/staff/demo/downloads/analysis?{selection}&format=zip&publication=1"
    )
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    table = _csv(archive, "kpis.csv")
    attacked = 0
    for kpi_id in dict.fromkeys(r["kpi_id"] for r in table):
        kpi = kpis[kpi_id]
        rows = [r for r in table if r["kpi_id"] == kpi_id]
        for side, index in (("baseline", 1), ("follow_up", 2)):
            options = [
                r
                for r in _csv(archive, f"wave{index}_distributions.csv")
                if r["question"] == kpi.question
            ]
            for name, low, high in _attack(rows, options, kpi, side):
                attacked += 1
                if high > 0:
                    assert high - low >= PROTECTION_INTERVAL, (kpi_id, side, name, low, high)
            # Published percentages are whole numbers (or <1).
            for row in rows:
                value = row[f"{side}_percent"]
                assert value == "" or value == "<1" or re.fullmatch(r"\d+", value), value
    assert attacked > 0  # the demo has small groups: something was hidden and attacked

    # The public page shows whole-number percentages and no bases.
    public = PageBrowser(app.test_client()).get("/a/demo/you-said-we-did")
    assert public.status_code == 200
    html = public.get_data(as_text=True)
    assert not re.search(r"\d+\.\d+%", html)
    assert not re.search(r"\bn=\d", html)


def test_the_board_report_withholds_a_wave_of_fewer_than_five_responses(
    app: Flask, demo: dict[str, str]
) -> None:
    """A wave's number of responses is a count like any other: 1 to 4 is withheld in
    the published board report and its workbook, and so is the total that would give
    it away (the other waves' counts subtracted from it)."""
    with app.app_context():
        session = db.session()
        load_demo_results(session, responses_per_wave=3)
        ids = {
            w.slug.removeprefix("demo-results-"): w.id
            for w in session.scalars(select(Wave).where(Wave.slug.like("demo-results-%")))
        }
    make_area_with_staff(app, "demo")
    officer = signed_in(app.test_client(), "officer@demo.example")
    query = f"baseline={ids['baseline']}&follow_up={ids['follow-up']}"
    page = officer.get(f"/staff/demo/results/report?{query}")
    html = re.sub(r"\s+", " ", page.get_data(as_text=True))
    assert page.status_code == 200
    table = html[html.index('id="report-responses"') :]
    table = table[: table.index("</table>")]
    counts = re.findall(r'govuk-table__cell--numeric">([^<]*)</td>', table)
    assert counts == ["withheld", "withheld"]
    assert "from 6 responses" not in html and "from 3 responses" not in html
    assert "including the number of responses to a wave of fewer than 5" in html

    workbook = officer.get(f"/staff/demo/results/report.xlsx?{query}")
    assert workbook.status_code == 200
    from openpyxl import load_workbook

    sheets = load_workbook(io.BytesIO(workbook.data), read_only=True)
    pack = sheets["Board pack"].iter_rows(values_only=True)
    about = {row[0]: row[1] for row in pack if row}
    assert about["Responses"] == "withheld"
