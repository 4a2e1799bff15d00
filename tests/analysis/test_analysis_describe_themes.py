"""Distributions, reach, themes, sentiment and redaction."""

from __future__ import annotations

import pandas as pd
import pytest
from analysis_testdata import FIXTURES

from analysis import PopulationMargins
from analysis.codeframe import load_codeframe
from analysis.describe import describe_wave
from analysis.free_text import themes
from analysis.redaction import redact
from analysis.result_tables import tables_for
from analysis.sentiment import looks_english, sentiment_distribution


def _small() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "responses_small.csv", dtype=str, keep_default_na=False)


def test_distributions_cover_every_closed_question_not_free_text() -> None:
    description = describe_wave(_small(), wave="2024")
    questions = {d.question for d in description.distributions}
    assert {
        "trust_confidence",
        "ehcp_satisfaction",
        "phase",
        "plan_type",
        "services_used",
    } <= questions
    assert "comments" not in questions
    trust = next(d for d in description.distributions if d.question == "trust_confidence")
    assert sum(o.count or 0 for o in trust.options) == trust.answered
    assert sum(o.percent or 0 for o in trust.options) == pytest.approx(100.0)
    services = next(d for d in description.distributions if d.question == "services_used")
    assert services.multiple_choice
    assert sum(o.percent or 0 for o in services.options) > 100.0


def test_published_distribution_hides_counts_of_1_to_4() -> None:
    frame = pd.DataFrame(
        {
            "response_id": range(40),
            "wave": ["w"] * 40,
            "q": ["yes"] * 30 + ["no"] * 7 + ["maybe"] * 3,
        }
    )
    options = {
        o.option: o
        for o in describe_wave(frame, wave="w", publication=True).distributions[0].options
    }
    assert options["maybe"].withheld and options["maybe"].count is None
    assert options["no"].withheld  # secondary: otherwise 40 - 30 - 7 gives "maybe" away
    assert options["yes"].count == 30


@pytest.mark.parametrize("size", [1, 3, 4])
def test_published_description_withholds_a_wave_of_1_to_4_responses(size: int) -> None:
    """``analysis describe --publication`` names the wave's size in its table title:
    a wave of 1 to 4 responses is a count of 1 to 4, withheld like any other."""
    frame = pd.DataFrame({"response_id": range(size), "wave": ["w"] * size, "q": ["yes"] * size})
    published = tables_for(describe_wave(frame, wave="w", publication=True))[0].title
    assert published.endswith("(number of responses withheld)")
    assert f"({size} responses)" in tables_for(describe_wave(frame, wave="w"))[0].title
    bigger = pd.concat([frame] * 5, ignore_index=True).assign(response_id=range(size * 5))
    shown = tables_for(describe_wave(bigger, wave="w", publication=True))[0].title
    assert shown.endswith(f"({size * 5} responses)")


def test_reach_flags_under_represented_groups() -> None:
    frame = pd.DataFrame(
        {
            "response_id": range(200),
            "wave": ["w"] * 200,
            "phase": ["primary"] * 180 + ["post16"] * 20,
        }
    )
    margins = PopulationMargins(counts=(("phase", (("primary", 500.0), ("post16", 500.0))),))
    reach = describe_wave(frame, wave="w", margins=margins).reach
    assert reach is not None
    rows = {r.category: r for r in reach.rows}
    assert rows["post16"].status == "under-represented"
    assert rows["primary"].status == "over-represented"
    assert rows["post16"].response_rate == pytest.approx(4.0)
    assert rows["post16"].representation == pytest.approx(0.2)


def test_default_codeframe_has_the_send_themes() -> None:
    names = [t.theme for t in load_codeframe()]
    assert names == [
        "communication",
        "waiting_times",
        "ehc_plan_process",
        "support_in_school",
        "health_services",
        "social_care",
        "information_local_offer",
        "being_listened_to",
        "transitions_adulthood",
    ]


def test_theme_counts_change_and_redacted_quotes() -> None:
    report = themes(_small(), column="comments", waves=["2023", "2025"])
    waiting = [c for c in report.counts if c.theme == "waiting_times"]
    assert [c.wave for c in waiting] == ["2023", "2025"]
    assert all(c.mentions <= c.comments for c in waiting)
    change = next(c for c in report.changes if c.theme == "waiting_times")
    assert change.change_pp == pytest.approx(waiting[1].percent - waiting[0].percent)  # type: ignore[operator]
    assert change.movement in {"mentioned more", "mentioned less", "no significant change"}
    quotes = [q for _, texts in report.quotes for q in texts]
    assert quotes and not any("07700" in q or "Jacob" in q for q in quotes)


def test_custom_codeframe_mapping() -> None:
    frame = pd.DataFrame(
        {"response_id": [1, 2, 3], "wave": ["w"] * 3, "c": ["The bus was late", "Transport!", ""]}
    )
    codeframe = {
        "themes": [{"theme": "transport", "keywords": ["bus*", "transport"], "phrases": []}]
    }
    report = themes(frame, column="c", codeframe=codeframe)
    assert report.counts[0].mentions == 2 and report.counts[0].comments == 2


def test_sentiment_is_a_distribution_of_english_comments_only() -> None:
    result = sentiment_distribution(
        [
            "The staff were brilliant and helpful.",
            "Terrible and awful.",
            "Muy mal servicio.",
            "It is what it is",
        ],
        wave="w",
    )
    assert result.comments == 4 and result.english == 3
    assert (result.positive, result.negative, result.neutral) == (1, 1, 1)
    assert not looks_english("Informacja o ofercie lokalnej jest niewystarczająca.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail me at jane.doe+send@example.co.uk", "mail me at [email]"),
        ("ring 07700 900123 or +44 20 7946 0958", "ring [phone] or [phone]"),
        ("we live in PR8 1AB", "we live in [postcode]"),
        ("Mrs Patel the SENCO", "[name] the SENCO"),
        ("my daughter Amelia-Rose waited", "my daughter [name] waited"),
        ("my name is Sarah and", "my name is [name] and"),
        ("I am Very tired", "I am Very tired"),
    ],
)
def test_redaction(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_published_reach_withholds_small_groups() -> None:
    frame = pd.DataFrame(
        {
            "response_id": range(60),
            "wave": ["w"] * 60,
            "phase": ["primary"] * 40 + ["post16"] * 17 + ["early"] * 3,
        }
    )
    margins = PopulationMargins(
        counts=(("phase", (("primary", 500.0), ("post16", 300.0), ("early", 200.0))),)
    )
    reach = describe_wave(frame, wave="w", margins=margins, publication=True).reach
    assert reach is not None
    rows = {r.category: r for r in reach.rows}
    assert rows["early"].responses is None and rows["early"].status == "withheld"
    assert rows["post16"].responses is None  # secondary: 60 - 40 would give "early" away
    assert rows["primary"].responses == 40
