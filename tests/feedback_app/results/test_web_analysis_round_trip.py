"""Issue 14 §5: the analysis command line reads the product's own responses download.

Responses are downloaded through the web app (CSV and XLSX) and every command
(``describe``, ``compare``, ``trend``, ``themes``) runs on the file unchanged.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from analysis.cli import main
from feedback_app import db
from feedback_app.demo.results import load_demo_results
from feedback_app.models import Wave
from tests.support.staff import make_area_with_staff, signed_in

PER_WAVE = 40
KPIS = """
kpis:
  - id: trust
    title: Trust and confidence
    question: trust_confidence
    positive: [strongly_agree, agree]
    exclude: [dont_know]
"""


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_every_command_runs_on_the_products_responses_download(
    app: Flask, demo: dict[str, str], tmp_path: Path, file_format: str
) -> None:
    with app.app_context():
        load_demo_results(db.session(), responses_per_wave=PER_WAVE)
        waves = db.session().scalars(select(Wave).where(Wave.slug.like("demo-results-%"))).all()
        ids = sorted(w.id for w in waves)
    make_area_with_staff(app, "demo")
    browser = signed_in(app.test_client(), "officer@demo.example")
    query = "&".join(f"wave={i}" for i in ids)
    download = browser.client.get(f"/staff/demo/downloads/responses?{query}&format=csv")
    assert download.status_code == 200
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    labels = list(dict.fromkeys(r["wave"] for r in rows))
    assert len(labels) == 3
    if file_format == "xlsx":
        download = browser.client.get(f"/staff/demo/downloads/responses?{query}&format=xlsx")
        assert download.status_code == 200
    responses = tmp_path / f"responses.{file_format}"
    responses.write_bytes(download.data)
    kpis = tmp_path / "kpis.yaml"
    kpis.write_text(KPIS, encoding="utf-8")

    def run(*argv: str) -> dict[str, object]:
        out = tmp_path / "out.json"
        assert main([*argv, "--output", str(out)]) == 0, argv
        return json.loads(out.read_text(encoding="utf-8"))

    described = run("describe", str(responses), "--wave", labels[0])
    questions = {d["question"] for d in described["distributions"]}
    assert "trust_confidence" in questions and "plan_type" in questions
    # Free text is not listed as options; nor are labels, dates or the response number.
    assert not questions & {"works_well", "one_improvement", "submitted", "response_id"}
    assert not any(q.endswith("_label") for q in questions)
    compared = run(
        "compare",
        str(responses),
        "--kpis",
        str(kpis),
        "--baseline",
        labels[0],
        "--follow-up",
        labels[2],
        "--by",
        "plan_type",
    )
    assert compared["kpis"][0]["baseline"]["base"] > 0
    trend = run("trend", str(responses), "--kpis", str(kpis), "--waves", *labels)
    assert trend["kpis"][0]["trend"]["scores"] == "wave dates"  # from 'submitted'
    themes = run("themes", str(responses), "--column", "one_improvement")
    assert themes["counts"] and len(themes["waves"]) == 3
