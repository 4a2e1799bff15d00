"""Issue 14: one wave on its own, by period, an event series, and breakdowns by any
closed question with the publication rule proven by an attacker."""

from __future__ import annotations

import datetime as dt
import io
import math
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select

from analysis import to_dict
from analysis.disclosure import PROTECTION_INTERVAL
from analysis.wave_results import crosstab, wave_results
from feedback_app import db
from feedback_app.definitions import questionnaire_for
from feedback_app.models import Wave
from feedback_app.results import data
from feedback_app.results.wave import service
from tests.support.browser import PageBrowser
from tests.support.disclosure_attack import integer_ranges
from tests.support.staff import make_area_with_staff, signed_in
from tests.support.waves import add_later_wave, add_submitted_response

BASE = "/staff/demo/results/waves"
MILESTONES = ("week_6", "week_16", "week_20")


def _wave(app: Flask, slug: str) -> int:
    with app.app_context():
        wave = db.session().scalar(select(Wave).where(Wave.slug == slug))
        assert wave is not None
        return wave.id


def _officer_with(app: Flask, make_wave: Callable[[Flask], int]) -> tuple[PageBrowser, int]:
    """The demo area's officer, signed in, and the wave ``make_wave`` makes (after the
    area's staff, as each test here needs them)."""
    make_area_with_staff(app, "demo")
    wave_id = make_wave(app)
    return signed_in(app.test_client(), "officer@demo.example"), wave_id


def _ok_html(browser: PageBrowser, url: str) -> str:
    """The page at ``url``, checked to answer 200."""
    page = browser.get(url)
    assert page.status_code == 200
    return page.get_data(as_text=True)


@contextmanager
def _wave_in_request(app: Flask, wave_id: int) -> Iterator[tuple[Any, Wave]]:
    """A request context, its session and wave ``wave_id`` in it."""
    with app.test_request_context():
        session = db.session()
        wave = session.get(Wave, wave_id)
        assert wave is not None
        yield session, wave


def _milestone_responses(app: Flask) -> int:
    """A milestone wave open for a year: 90 responses over three quarters of 2026."""
    rng = random.Random(14)
    with app.app_context():
        session = db.session()
        wave = session.scalar(select(Wave).where(Wave.slug == "demo-ehc-assessment-milestone"))
        assert wave is not None
        wave.opens_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        for i in range(90):
            month = 1 + (i % 9)
            stage = MILESTONES[i % 3]
            answers: dict[str, Any] = {"milestone": stage}
            if stage == "week_6":
                answers["understand_next"] = rng.choice(["yes", "yes", "no"])
            answers["professionals_count"] = rng.randint(0, 5)
            add_submitted_response(
                session,
                wave,
                answers,
                when=dt.datetime(2026, month, 10, 12, tzinfo=dt.UTC),
                channel="paper" if i % 10 == 0 else "online",
            )
        session.commit()
        return wave.id


def test_single_wave_results_equal_analysis_and_report_in_three_formats(
    app: Flask, demo: dict[str, str]
) -> None:
    browser, wave_id = _officer_with(app, _milestone_responses)
    html = _ok_html(browser, f"{BASE}/{wave_id}")
    # Labels, never codes.
    assert "Week 16: the draft EHC plan" in html
    assert ">week_16<" not in html
    with _wave_in_request(app, wave_id) as (session, wave):
        frame = data.wave_frame(session, [wave])
        label = data.wave_labels([wave])[wave.id]
        expected = to_dict(
            wave_results(
                frame,
                wave=label,
                questions=["milestone"],
                option_order={"milestone": list(MILESTONES)},
            )
        )
        shown = service.results(session, wave.area, wave, publication=False)
    mine = next(q for q in shown["results"]["questions"] if q["question"] == "milestone")
    theirs = expected["questions"][0]
    assert mine["base"] == theirs["base"] == 90
    for a, b in zip(mine["options"], theirs["options"], strict=True):
        assert (a["option"], a["count"], a["percent"], a["ci_low"]) == (
            b["option"],
            b["count"],
            b["percent"],
            b["ci_low"],
        )
    # The option percentages on the page are analysis' (one rounding rule).
    assert f"{theirs['options'][0]['percent']:.1f}%" in html

    report = browser.get(f"{BASE}/{wave_id}/report")
    assert report.status_code == 200
    assert "Week 6: the decision whether to assess" in report.get_data(as_text=True)
    pdf = browser.get(f"{BASE}/{wave_id}/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    xlsx = browser.get(f"{BASE}/{wave_id}/report.xlsx")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.data))
    assert {"Who responded", "KPIs", "Questions", "Themes"} <= set(book.sheetnames)
    values = [c for row in book["Questions"].iter_rows(values_only=True) for c in row]
    assert "Week 20: the final EHC plan" in values
    assert "week_20" in values  # the code stays, in its own column


def test_a_wave_with_no_responses_has_a_results_page_and_report(
    app: Flask, demo: dict[str, str]
) -> None:
    browser, wave_id = _officer_with(app, lambda app: _wave(app, "demo-parent-annual"))
    for path in ("", "/report", "/report.xlsx", "/periods", "/series", "/breakdown"):
        assert browser.get(f"{BASE}/{wave_id}{path}").status_code == 200, path


def test_milestone_wave_by_milestone_and_by_quarter(app: Flask, demo: dict[str, str]) -> None:
    browser, wave_id = _officer_with(app, _milestone_responses)
    # By milestone: a breakdown by the wave's own closed question (was a 404).
    html = _ok_html(browser, f"{BASE}/{wave_id}/breakdown?question=understand_next&by=milestone")
    assert "Week 6: the decision whether to assess" in html
    # By quarter: three quarters, each with its base, and the change between them.
    html = _ok_html(browser, f"{BASE}/{wave_id}/periods?every=quarter")
    for quarter in ("2026 Q1", "2026 Q2", "2026 Q3"):
        assert f'data-period="{quarter}"' in html or quarter in html
    assert "2026 Q1 to 2026 Q2" in html
    with _wave_in_request(app, wave_id) as (session, wave):
        result = service.periods(session, wave.area, [wave], every="quarter")
    assert result["periods"] == ["2026 Q1", "2026 Q2", "2026 Q3"]
    bases = [
        next(q for q in p["questions"] if q["question"] == "milestone")["base"]
        for p in result["per_period"]
    ]
    assert bases == [30, 30, 30]
    # By month, and by dates the officer chooses; bad dates are a 400 with a message.
    assert browser.get(f"{BASE}/{wave_id}/periods?every=month").status_code == 200
    chosen = browser.get(f"{BASE}/{wave_id}/periods?every=dates&dates=2026-01-01,2026-05-01")
    assert chosen.status_code == 200
    assert "2026-01-01 to 2026-04-30" in chosen.get_data(as_text=True)
    bad = browser.get(f"{BASE}/{wave_id}/periods?every=dates&dates=May")
    assert bad.status_code == 400
    assert "year-month-day" in bad.get_data(as_text=True)


def test_event_series_one_event_or_all_together(app: Flask, demo: dict[str, str]) -> None:
    make_area_with_staff(app, "demo")
    with app.app_context():
        session = db.session()
        first = session.scalar(select(Wave).where(Wave.slug == "demo-event-feedback"))
        assert first is not None
        second = add_later_wave(session, first, slug="demo-event-two", name="Second event", days=30)
        for wave, yes in ((first, 20), (second, 35)):
            for i in range(40):
                add_submitted_response(
                    session,
                    wave,
                    {"event_useful": "agree" if i < yes else "disagree"},
                    when=wave.opens_at + dt.timedelta(hours=1),
                )
        session.commit()
        first_id, second_id = first.id, second.id
    browser = signed_in(app.test_client(), "officer@demo.example")
    one = browser.get(f"{BASE}/{first_id}")
    assert one.status_code == 200
    html = _ok_html(browser, f"{BASE}/{second_id}/series")
    assert "All events together" in html and "Second event" in html
    with _wave_in_request(app, second_id) as (session, wave):
        waves = service.series_waves(session, wave.area, wave)
        result = service.periods(session, wave.area, waves, every="wave", by_wave=True)
    together = next(q for q in result["together"]["questions"] if q["question"] == "event_useful")
    assert together["base"] == 80
    counts = {o["option"]: o["count"] for o in together["options"]}
    assert counts == {"agree": 55, "disagree": 25}
    (change,) = result["changes"]
    agree = next(o for o in change["questions"][0]["options"] if o["option"] == "agree")
    assert round(agree["change"]["change_pp"], 1) == 37.5
    assert agree["change"]["significant"] is True


# --- Breakdown by a custom question, with suppression proven -------------------------

ROLES = ("parent", "carer", "grandparent", "foster", "other")
ANSWERS = ("yes", "no", "dont_know")


def _attack(table: dict[str, Any], counts: np.ndarray) -> list[tuple[str, float, float]]:
    """Everything the breakdown publishes as equations over the true (role, answer)
    counts; the range each withheld count could take (independent of analysis)."""
    n_groups, n_options = counts.shape
    n = n_groups * n_options
    rows: list[np.ndarray] = []
    low: list[float] = []
    high: list[float] = []

    def cell(g: int, o: int) -> np.ndarray:
        row = np.zeros(n)
        row[g * n_options + o] = 1
        return row

    def known(row: np.ndarray, value: float) -> None:
        rows.append(row)
        low.append(value)
        high.append(value)

    targets = []
    published = [*table["rows"], table["total"]]
    for r, row in enumerate(published):
        groups = [r] if r < len(table["rows"]) else list(range(n_groups))
        base = sum(cell(g, o) for g in groups for o in range(n_options))
        if row["base"] is not None:
            known(base, row["base"])
        else:
            rows.append(base)
            low.append(1)
            high.append(math.inf)
            targets.append((f"base {r}", base))
        for o, option in enumerate(row["options"]):
            expr = sum(cell(g, o) for g in groups)
            if option["withheld"]:
                targets.append((f"cell {r} {o}", expr))
            else:
                assert not 1 <= option["count"] <= 4
                known(expr, option["count"])
    return integer_ranges(n, rows, low, high, targets)


def _role_frame(seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    rng = random.Random(seed)
    rows = []
    for role in ROLES:
        for _ in range(rng.choice([1, 2, 3, 6, 12, 25])):
            rows.append((role, rng.choices(ANSWERS, weights=(5, 3, 1))[0]))
    frame = pd.DataFrame(
        {
            "response_id": range(len(rows)),
            "wave": ["w"] * len(rows),
            "role": [r for r, _ in rows],
            "q": [a for _, a in rows],
        }
    )
    counts = np.zeros((len(ROLES), len(ANSWERS)), dtype=int)
    for role, answer in rows:
        counts[ROLES.index(role), ANSWERS.index(answer)] += 1
    return frame, counts


def test_crosstab_no_withheld_count_can_be_narrowed_from_the_totals() -> None:
    for seed in range(6):
        frame, counts = _role_frame(seed)
        table = to_dict(
            crosstab(
                frame,
                wave="w",
                question="q",
                by="role",
                option_order=ANSWERS,
                group_order=ROLES,
                publication=True,
            )
        )
        assert [r["group"] for r in table["rows"]] == [
            r for r in ROLES if counts[ROLES.index(r)].sum()
        ]
        kept = np.array([counts[ROLES.index(r["group"])] for r in table["rows"]])
        for name, lo, hi in _attack(table, kept):
            if hi <= 0:
                continue
            assert hi - lo >= PROTECTION_INTERVAL, (seed, name, lo, hi)


def _custom_question_wave(app: Flask) -> int:
    """The event wave with a custom "who are you" question added to its version."""
    with app.app_context():
        session = db.session()
        wave = session.scalar(select(Wave).where(Wave.slug == "demo-event-feedback"))
        assert wave is not None
        # Answers to a question the version does not define are stored but not
        # broken down by; the custom question is the version's own: event_useful by
        # do_differently (both closed) is the same shape. Small groups on purpose.
        plan = [
            ("yes", "agree", 30),
            ("yes", "disagree", 12),
            ("no", "agree", 3),
            ("no", "disagree", 9),
        ]
        for differently, useful, n in plan:
            for _ in range(n):
                add_submitted_response(
                    session,
                    wave,
                    {"do_differently": differently, "event_useful": useful},
                    when=wave.opens_at + dt.timedelta(hours=2),
                )
        session.commit()
        return wave.id


def test_breakdown_by_a_custom_question_withholds_small_cells_on_the_page(
    app: Flask, demo: dict[str, str]
) -> None:
    browser, wave_id = _officer_with(app, _custom_question_wave)
    html = _ok_html(browser, f"{BASE}/{wave_id}/breakdown?question=event_useful&by=do_differently")
    assert "withheld" in html
    with _wave_in_request(app, wave_id) as (session, wave):
        table = service.cross(
            session, wave.area, wave, question_id="event_useful", by="do_differently",
            publication=True,
        )  # fmt: skip
        questionnaire = questionnaire_for(wave.version)
    assert [r["label"] for r in table["rows"]][:2] == [
        str(questionnaire.question("do_differently").option("yes").label),  # type: ignore[union-attr]
        str(questionnaire.question("do_differently").option("no").label),  # type: ignore[union-attr]
    ]
    truth = np.array([[30, 12], [3, 9]])
    options = table["options"]
    order = [options.index("agree"), options.index("disagree")]
    shown = {
        **table,
        "rows": [{**r, "options": [r["options"][i] for i in order]} for r in table["rows"]],
        "total": {**table["total"], "options": [table["total"]["options"][i] for i in order]},
    }
    ranges = _attack(shown, truth)
    assert ranges, "the count of 3 must be withheld"
    for name, lo, hi in ranges:
        if hi > 0:
            assert hi - lo >= PROTECTION_INTERVAL, (name, lo, hi)


def test_unknown_breakdown_choices_are_404_and_same_question_is_400(
    app: Flask, demo: dict[str, str]
) -> None:
    browser, wave_id = _officer_with(app, lambda app: _wave(app, "demo-event-feedback"))
    assert browser.get(f"{BASE}/{wave_id}/breakdown?question=nope").status_code == 404
    assert browser.get(f"{BASE}/{wave_id}/breakdown?by=nope").status_code == 404
    same = browser.get(f"{BASE}/{wave_id}/breakdown?question=event_useful&by=do_differently")
    assert same.status_code == 200
    refused = browser.get(f"{BASE}/{wave_id}/breakdown?question=do_differently&by=do_differently")
    assert refused.status_code == 400
    assert browser.get(f"{BASE}/999999").status_code == 404
    assert browser.get(f"{BASE}/{wave_id}/periods?every=fortnight").status_code == 404


def test_compare_breaks_down_by_any_shared_closed_question_and_says_labels(
    app: Flask, demo: dict[str, str]
) -> None:
    """Was a 404: breakdown dimensions were fixed (GROUP_QUESTIONS)."""
    from feedback_app.demo.results import DEMO_WAVES, load_demo_results
    from feedback_app.results.compare import service as compare_service

    make_area_with_staff(app, "demo")
    with app.app_context():
        session = db.session()
        load_demo_results(session, responses_per_wave=40)
        waves = {
            w.slug: w.id
            for w in session.scalars(select(Wave).where(Wave.slug.like("demo-results-%")))
        }
        both = [
            questionnaire_for(session.get(Wave, waves[w.slug]).version)  # type: ignore[union-attr]
            for w in DEMO_WAVES[:2]
        ]
        shared = compare_service.shared_questions(both).closed
    first, second = waves[DEMO_WAVES[0].slug], waves[DEMO_WAVES[1].slug]
    usual = {"plan_type", "age_phase", "locality", "ethnicity"}
    other = next(q for q in shared if q.type.value != "multiple" and q.id not in usual)
    browser = signed_in(app.test_client(), "officer@demo.example")
    page = browser.get(
        f"/staff/demo/results/compare/breakdowns?baseline={first}&follow_up={second}&by={other.id}"
    )
    assert page.status_code == 200, other.id
    html = page.get_data(as_text=True)
    assert f'value="{other.id}" checked' in html
    compared = browser.get(f"/staff/demo/results/compare?baseline={first}&follow_up={second}")
    text = compared.get_data(as_text=True)
    assert "'dont_know'" not in text and "'strongly_agree'" not in text


def test_coordinator_chooses_the_groups_a_wave_is_monitored_by(
    app: Flask, demo: dict[str, str]
) -> None:
    make_area_with_staff(app, "demo")
    wave_id = _milestone_responses(app)
    browser = signed_in(app.test_client(), "coordinator@demo.example")
    monitor = f"/staff/demo/waves/{wave_id}/monitor"
    # The milestone questionnaire asks none of the usual group questions.
    assert 'data-group="week_16"' not in browser.get(monitor).get_data(as_text=True)
    token = browser.csrf_token()
    refused = browser.client.post(
        f"{monitor}/groups", data={"csrf_token": token, "question": "nope"}
    )
    assert refused.status_code == 400
    saved = browser.client.post(
        f"{monitor}/groups", data={"csrf_token": token, "question": "milestone"}
    )
    assert saved.status_code == 302
    html = _ok_html(browser, f"{monitor}?by=milestone")
    assert 'data-group="week_16"' in html and "Week 16: the draft EHC plan" in html
    # Population counts per group of the chosen question, then reach on results.
    with app.app_context():
        from feedback_app.models import LocalArea
        from feedback_app.monitor import population

        session = db.session()
        area = session.scalar(select(LocalArea).where(LocalArea.slug == "demo"))
        assert area is not None
        population.save_populations(
            session,
            area=area,
            question_id="milestone",
            values={"week_6": 300, "week_16": 300, "week_20": 300},
            user_id=1,
        )
    officer = signed_in(app.test_client(), "officer@demo.example")
    results = officer.get(f"{BASE}/{wave_id}").get_data(as_text=True)
    assert "Reach against the population: Which stage of the assessment" in results
    # None chosen: back to the usual questions.
    assert browser.client.post(f"{monitor}/groups", data={"csrf_token": token}).status_code == 302
    assert 'data-group="week_16"' not in browser.get(monitor).get_data(as_text=True)


# --- The chosen breakdown and periods in the report (page, PDF, XLSX) ------------------


def _sheet_rows(data: bytes, name: str) -> list[dict[str, Any]]:
    """A report sheet's rows as dicts keyed by its header row (read with openpyxl)."""
    sheet = load_workbook(io.BytesIO(data))[name]
    rows = [r for r in sheet.iter_rows(values_only=True) if any(c is not None for c in r)]
    start = next(i for i, r in enumerate(rows) if r[0] in ("group", "period", "measure"))
    header = rows[start]
    return [dict(zip(header, r, strict=True)) for r in rows[start + 1 :]]


def test_report_carries_the_chosen_breakdown_with_no_recoverable_small_cell(
    app: Flask, demo: dict[str, str]
) -> None:
    browser, wave_id = _officer_with(app, _custom_question_wave)
    chosen = "question=event_useful&by=do_differently"
    offered = browser.get(f"{BASE}/{wave_id}/breakdown?{chosen}").get_data(as_text=True)
    assert f"/report?{chosen}" in offered.replace("&amp;", "&")  # "Add to the report"
    html = _ok_html(browser, f"{BASE}/{wave_id}/report?{chosen}")
    assert "Breakdown: Today" in html and "by group" not in html
    table = html[html.index('id="crosstab"') : html.index("</table>", html.index('id="crosstab"'))]
    # Labels, never codes; the count of 3 is withheld, not printed.
    assert 'data-group="yes"' in table and ">yes<" not in table and ">Yes<" in table
    assert ">3<" not in table and "withheld" in table
    # The downloads are asked for with the same choice.
    assert f"report.pdf?{chosen}" in html.replace("&amp;", "&")
    assert f"report.xlsx?{chosen}" in html.replace("&amp;", "&")
    xlsx = browser.get(f"{BASE}/{wave_id}/report.xlsx?{chosen}")
    assert xlsx.status_code == 200
    rows = _sheet_rows(xlsx.data, "Breakdown")
    assert {r["group"] for r in rows} >= {"Yes", "No", "Everyone who answered"}
    assert {r["answer"] for r in rows} >= {"Agree", "Disagree"}
    # Everything the workbook publishes about agree/disagree by yes/no, attacked with
    # an integer programme: no withheld count narrower than the protection interval.
    order, groups = ["agree", "disagree"], ["yes", "no"]

    def published(group: str | None) -> dict[str, Any]:
        mine = [r for r in rows if r["group_code"] == (group or "all")]
        if group is None:
            mine = [r for r in rows if r["group"] == "Everyone who answered"]
        by_answer = {r["answer_code"]: r for r in mine}
        withheld = [by_answer[o]["note"] == "withheld" for o in order]
        return {
            "base": mine[0]["base"] if isinstance(mine[0]["base"], int) else None,
            "options": [
                {"withheld": w, "count": None if w else by_answer[o]["count"]}
                for o, w in zip(order, withheld, strict=True)
            ],
        }

    shown = {"rows": [published(g) for g in groups], "total": published(None)}
    ranges = _attack(shown, np.array([[30, 12], [3, 9]]))
    assert ranges, "the count of 3 must be withheld"
    for name, lo, hi in ranges:
        if hi > 0:
            assert hi - lo >= PROTECTION_INTERVAL, (name, lo, hi)
    counts = [r["count"] for r in rows if isinstance(r["count"], int)]
    assert not any(1 <= c <= 4 for c in counts)
    pdf = browser.get(f"{BASE}/{wave_id}/report.pdf?{chosen}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    plain = browser.get(f"{BASE}/{wave_id}/report.pdf")
    assert len(pdf.data) > len(plain.data)  # the breakdown's table and chart are in it


def test_report_carries_the_chosen_periods_and_refuses_bad_choices(
    app: Flask, demo: dict[str, str]
) -> None:
    browser, wave_id = _officer_with(app, _milestone_responses)
    offered = browser.get(f"{BASE}/{wave_id}/periods?every=quarter").get_data(as_text=True)
    assert "/report?every=quarter" in offered
    html = _ok_html(browser, f"{BASE}/{wave_id}/report?every=quarter")
    assert "By quarter" in html and "2026 Q1 to 2026 Q2" in html
    assert "Week 6: the decision whether to assess" in html
    xlsx = browser.get(f"{BASE}/{wave_id}/report.xlsx?every=quarter")
    assert xlsx.status_code == 200
    periods = _sheet_rows(xlsx.data, "Periods")
    milestone = [r for r in periods if r["question_code"] == "milestone"]
    assert {r["period"] for r in milestone} >= {"2026 Q1", "2026 Q2", "2026 Q3"}
    assert {r["answer"] for r in milestone} >= {"Week 16: the draft EHC plan"}
    assert {r["base"] for r in milestone if r["period"].startswith("2026 Q")} == {30}
    assert not any(isinstance(r["count"], int) and 1 <= r["count"] <= 4 for r in periods)
    assert "Trend" in load_workbook(io.BytesIO(xlsx.data)).sheetnames
    chosen = "every=dates&dates=2026-01-01,2026-05-01"
    assert "2026-01-01 to 2026-04-30" in browser.get(f"{BASE}/{wave_id}/report?{chosen}").get_data(
        as_text=True
    )
    pdf = browser.get(f"{BASE}/{wave_id}/report.pdf?every=quarter")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    # Bad choices: a message and 400, or 404 for what does not exist; never a 500.
    for path, status in (
        ("report?every=dates&dates=May", 400),
        ("report.xlsx?every=dates&dates=2026-05-01,2026-01-01", 400),
        ("report?question=milestone&by=milestone", 400),
        ("report.pdf?question=milestone&by=milestone", 400),
        ("report?question=nope&by=milestone", 404),
        ("report?question=milestone&by=nope", 404),
        ("report?every=fortnight", 404),
    ):
        assert browser.get(f"{BASE}/{wave_id}/{path}").status_code == status, path


def test_kpis_of_one_wave_stand_against_the_plans_agreed_baseline_and_target(
    app: Flask, demo: dict[str, str]
) -> None:
    """Issue 14 §1: the plan's KPIs that the wave measures, against their agreed
    baselines and targets (from the area's plan)."""
    from analysis.targets import judge_level, target_level
    from feedback_app.demo.results import DEMO_WAVES, load_demo_results

    make_area_with_staff(app, "demo")
    with app.test_request_context():
        session = db.session()
        load_demo_results(session, responses_per_wave=40)
        wave = session.scalar(select(Wave).where(Wave.slug == DEMO_WAVES[0].slug))
        assert wave is not None
        wave_id = wave.id
        result = service.results(session, wave.area, wave, publication=False)
        kpis = {k.id: k for k in data.area_kpis(wave.area)}
    judged = [k for k in result["results"]["kpis"] if k["against"]["target"] is not None]
    assert judged, "the demo plan has agreed baselines and targets"
    item = judged[0]
    kpi = kpis[item["kpi"]["id"]]
    assert kpi.target is not None
    level = target_level(
        str(kpi.target.rule), kpi.target.value, baseline=kpi.recorded_baseline,
        higher_is_better=kpi.higher_is_better, percentage=True,
    )  # fmt: skip
    assert item["against"]["baseline"] == kpi.recorded_baseline
    assert item["against"]["target"] == level
    e = item["estimate"]
    if e["percent"] is not None:
        assert item["against"]["status"] == judge_level(
            level, point=e["percent"], low=e["ci_low"], high=e["ci_high"],
            higher_is_better=kpi.higher_is_better,
        ).value  # fmt: skip
    browser = signed_in(app.test_client(), "officer@demo.example")
    html = browser.get(f"{BASE}/{wave_id}").get_data(as_text=True)
    row = html[html.index(f'data-kpi="{kpi.id}"') :]
    row = row[: row.index("</tr>")]
    assert f"{kpi.recorded_baseline:.1f}%" in row
    assert f"{level:.1f}%" in row
    book = load_workbook(io.BytesIO(browser.get(f"{BASE}/{wave_id}/report.xlsx").data))
    header = next(r for r in book["KPIs"].iter_rows(values_only=True) if r[0] == "kpi")
    assert {"agreed_baseline", "target", "against_target"} <= set(header)
