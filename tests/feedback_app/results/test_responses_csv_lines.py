"""The responses CSV written from remembered pieces is the CSV of every cell (issue 17).

``responses.csv_lines`` works out each distinct answer value of a question once
(labels looked up, comment redacted, neutralised, quoted) and joins lines from
those texts. Written cell by cell instead (``response_rows`` through
``exports.csv_lines``, the one neutralising rule), the same responses must give
the same bytes: for repeated and unique comments with names and e-mail
addresses, formulas starting with each risky character, numbers, months,
several choices, unanswered questions, two questionnaires in one download, and
with a memory so small that values are forgotten and worked out again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import insert, select

from analysis import redact
from analysis.excel_safety import DANGEROUS_STARTS
from feedback_app import db
from feedback_app.models import Answer, Response, Wave
from feedback_app.results.downloads import responses as downloads
from feedback_app.review.publishing import publish_version, schedule_wave
from feedback_app.staff.areas import create_area
from feedback_app.web.exports import csv_lines, csv_text, safe_cell
from surveys.library import bundled_questionnaires

ZONE = ZoneInfo("Europe/London")
COMMENTS = [
    "My son Jacob waited. Email jo.bloggs@example.org or call 07700 900123, PR8 1AB.",
    "Mrs Smith the SENCO was great",
    "Amelia Jones left Oakfield Primary School; NHS number 943 476 5919.",
    "His teacher and the SENCO are brilliant.",
    'Said "no", then waited,\nand waited.',
    '=HYPERLINK("http://evil.example","click")',
    "+1 for the SENCO",
    "-2 weeks late",
    "@Sarah please ring",
    "\tindented",
    "\rcarriage return first",
    "",
]
#: Answers of the follow-up questionnaire: numbers, months, a comment, a stored null.
MILESTONE: list[dict[str, Any]] = [
    {"milestone": "week_6", "professionals_count": 3, "assessment_start": "2025-03"},
    {"professionals_count": 0, "milestone_comments": "Dr Patel called me, my name is Hodan"},
    {"professionals_count": -4, "final_plan_agreement": None},
    {"milestone_comments": "=1+1", "assessment_start": "2024-11"},
]


def _load(app: Flask) -> None:
    """Two closed waves of two questionnaires; comments repeat and are unique."""
    with app.app_context():
        session = db.session()
        area = create_area(session, slug="csvtest", name="CSV test")
        now = dt.datetime.now(dt.UTC)
        library = bundled_questionnaires()
        waves = []
        for index, questionnaire in enumerate(("parent_annual", "ehc_assessment_milestone")):
            version = publish_version(session, area, library[questionnaire])
            waves.append(
                schedule_wave(
                    session,
                    version=version,
                    name=f"Wave {index}",
                    opens_at=now - dt.timedelta(days=60),
                    closes_at=now - dt.timedelta(days=1),
                )
            )
        session.commit()
        answers: list[dict[str, Any]] = []
        for number in range(60):
            wave = waves[number % 2]
            moment = now - dt.timedelta(days=30, hours=number)
            response_id = session.execute(
                insert(Response)
                .values(
                    wave_id=wave.id,
                    version_id=wave.version_id,
                    token_hash=f"{number:064x}",
                    status="submitted",
                    channel="paper" if number % 5 == 0 else "online",
                    language="en",
                    started_at=moment,
                    updated_at=moment,
                    submitted_at=moment,
                    review="",
                    rate_count=0,
                )
                .returning(Response.id)
            ).scalar_one()
            if number % 2 == 0:
                given: dict[str, Any] = {
                    "plan_type": "ehcp" if number % 4 else "waiting",
                    "services_used": ["sendiass", "camhs"] if number % 3 else ["sendiass"],
                    "works_well": COMMENTS[number // 2 % len(COMMENTS)],
                    "one_improvement": f"Unique comment {number} from Mr Jones at jo{number}@x.org",
                }
                if number % 7 == 0:
                    given = {}  # a response with no answers at all
            else:
                given = MILESTONE[number // 2 % len(MILESTONE)]
            answers.extend(
                {"response_id": response_id, "question_id": q, "value": v, "updated_at": moment}
                for q, v in given.items()
            )
        session.execute(insert(Answer), answers)
        session.commit()


def _download(app: Flask, *, by_cell: bool) -> str:
    with app.test_request_context():
        session = db.session()
        waves = list(session.scalars(select(Wave).order_by(Wave.id)))
        columns = downloads.response_columns(waves)
        covering = downloads.snapshot(session, waves)
        if not by_cell:
            lines = downloads.csv_lines(
                session, waves, columns=columns, covering=covering, zone=ZONE
            )
            return "".join(csv_text(lines))
        rows = downloads.response_rows(
            session, waves, columns=columns, covering=covering, zone=ZONE
        )
        return "".join(csv_lines(_iso_dates(rows)))


def _iso_dates(rows: Iterator[list[Any]]) -> Iterator[list[Any]]:
    for row in rows:
        yield [v.isoformat() if isinstance(v, dt.date) else v for v in row]


@pytest.mark.parametrize("remembered", [downloads.REMEMBERED, 2])
def test_remembered_pieces_give_the_bytes_of_every_cell(
    app: Flask, monkeypatch: pytest.MonkeyPatch, remembered: int
) -> None:
    _load(app)
    monkeypatch.setattr(downloads, "REMEMBERED", remembered)
    fast = _download(app, by_cell=False)
    assert fast == _download(app, by_cell=True)
    rows = list(csv.reader(io.StringIO(fast.removeprefix("\ufeff"))))
    header, body = rows[0], rows[1:]
    assert len(body) == 60
    assert [r[0] for r in body] == [str(n) for n in range(1, 61)]
    for name in ("works_well", "one_improvement", "milestone_comments"):
        assert {r[header.index(name)] for r in body} - {""}, name
    # Free text is the redacted comment, neutralised like every cell.
    written = {r[header.index("works_well")] for r in body}
    assert written == {safe_cell(redact(c)) for c in COMMENTS}
    assert "My son [name] waited. Email [email] or call [phone], [postcode]." in written
    assert "[name] left [school]; NHS number [NHS number]." in written
    assert all("@x.org" not in r[header.index("one_improvement")] for r in body)
    for start in DANGEROUS_STARTS:
        starting = [t for t in written if t.lstrip("'").startswith(start)]
        assert starting and all(t.startswith("'" + start) for t in starting), start
    counts = {r[header.index("professionals_count")] for r in body}
    assert {"3", "0", "-4"} <= counts  # numbers stay numbers, even negative ones
    assert {"2025-03", "2024-11"} <= {r[header.index("assessment_start")] for r in body}
    assert "'=1+1" in {r[header.index("milestone_comments")] for r in body}
    assert "sendiass; camhs" in {r[header.index("services_used")] for r in body}
