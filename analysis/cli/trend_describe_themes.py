"""Subcommands beyond ``compare``: trend, describe and themes."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from typing import Any

from analysis.cli.io import FORMATS, read_responses
from analysis.errors import AnalysisInputError

Common = Callable[[argparse.ArgumentParser], None]


def add_trend_describe_themes(commands: Any, *, common: Common) -> None:
    """Register ``trend``, ``describe`` and ``themes`` on an argparse subparsers object."""
    trend = commands.add_parser("trend", help="KPIs over three or more waves")
    trend.add_argument("responses")
    trend.add_argument("--kpis", required=True)
    trend.add_argument(
        "--waves",
        nargs="+",
        default=[],
        metavar="WAVE",
        help="waves in time order (default: order in the file)",
    )
    trend.add_argument(
        "--dates",
        nargs="+",
        default=None,
        metavar="YYYY-MM-DD",
        help="each wave's date (when it opened), in the order of --waves: the test for "
        "trend scores the waves by years between them (default: each wave's first "
        "'submitted' date when the file has that column, else the waves' order)",
    )
    common(trend)
    trend.set_defaults(run=run_trend)

    describe = commands.add_parser("describe", help="one wave: distributions and reach")
    describe.add_argument("responses")
    describe.add_argument("--wave", required=True)
    describe.add_argument(
        "--questions",
        nargs="+",
        metavar="COLUMN",
        help="columns to describe (default: every closed question)",
    )
    describe.add_argument(
        "--questionnaire",
        metavar="QUESTIONNAIRE.yaml",
        help="report options in the order this questionnaire lists them",
    )
    describe.add_argument(
        "--margins",
        metavar="MARGINS.csv",
        help="population counts (column,category,population) for reach",
    )
    describe.add_argument(
        "--kpis",
        metavar="KPIS.yaml",
        help="with --publication: the KPIs published for this wave, so the options hidden "
        "here cannot be worked out from a KPI headline",
    )
    _output(describe)
    describe.set_defaults(run=run_describe)

    free_text = commands.add_parser("themes", help="free text: themes, sentiment, quotes")
    free_text.add_argument("responses")
    free_text.add_argument("--column", required=True, help="the free-text column")
    free_text.add_argument("--waves", nargs="+", default=[], metavar="WAVE")
    free_text.add_argument(
        "--codeframe",
        metavar="CODEFRAME.yaml",
        help="themes YAML (default: the bundled SEND codeframe)",
    )
    free_text.add_argument("--quotes", type=int, default=3, help="quotes per theme")
    free_text.add_argument("--format", choices=FORMATS, default="json")
    free_text.add_argument("--output", metavar="PATH")
    free_text.set_defaults(run=run_themes)


def _output(command: argparse.ArgumentParser) -> None:
    command.add_argument("--publication", action="store_true")
    command.add_argument("--format", choices=FORMATS, default="json")
    command.add_argument("--output", metavar="PATH")


def run_trend(args: argparse.Namespace) -> tuple[object, bool]:
    """The ``trend`` subcommand."""
    from analysis.kpis import load_kpis
    from analysis.trends import trend_kpis
    from analysis.weighting import load_margins

    if args.by:
        raise AnalysisInputError("trend: --by is not supported; use compare for breakdowns")
    kpis = load_kpis(args.kpis)
    margins = load_margins(args.weights) if args.weights else None
    responses = read_responses(args.responses)
    result = trend_kpis(
        responses,
        kpis,
        waves=args.waves,
        dates=_wave_dates(args.dates, responses=responses, waves=args.waves, source=args.responses),
        weights=margins,
        weight_cap=args.weight_cap,
        publication=args.publication,
        source=args.responses,
        accept_weighting_problems=args.accept_weighting_problems,
    )
    return result, args.publication


def _wave_dates(
    given: list[str] | None, *, responses: Any, waves: list[str], source: str
) -> list[dt.date] | None:
    """The waves' dates for the test for trend: ``--dates``, else the first submission.

    The product's responses download has a ``submitted`` date per response; each
    wave's earliest is taken as its date when every wave has one. Without either,
    None (the waves are scored by their order).
    """
    from analysis.responses import waves_in_order

    if given is not None:
        try:
            return [dt.date.fromisoformat(value) for value in given]
        except ValueError:
            raise AnalysisInputError(
                f"--dates: {' '.join(given)!r} is not a list of YYYY-MM-DD dates"
            ) from None
    if "submitted" not in responses.columns or "wave" not in responses.columns:
        return None
    import pandas as pd

    submitted = pd.to_datetime(responses["submitted"], errors="coerce", format="mixed")
    order = list(waves) or list(waves_in_order(responses))
    found = []
    for wave in order:
        first = submitted[responses["wave"].astype(str).str.strip() == str(wave)].min()
        if pd.isna(first):
            return None
        found.append(first.date())
    if found != sorted(found):
        return None  # waves listed out of date order: keep their order as given
    return found


def run_describe(args: argparse.Namespace) -> tuple[object, bool]:
    """The ``describe`` subcommand."""
    from analysis.describe import describe_wave
    from analysis.kpis import load_kpis
    from analysis.weighting import load_margins

    margins = load_margins(args.margins) if args.margins else None
    order = questionnaire_option_order(args.questionnaire) if args.questionnaire else None
    responses = read_responses(args.responses)
    result = describe_wave(
        responses,
        wave=args.wave,
        questions=args.questions,
        option_order=order,
        margins=margins,
        publication=args.publication,
        source=args.responses,
        kpis=load_kpis(args.kpis) if args.kpis else (),
    )
    return result, args.publication


def questionnaire_option_order(path: str) -> dict[str, tuple[str, ...]]:
    """Question id -> option codes in the order the questionnaire file lists them."""
    from surveys import QuestionnaireError, load_questionnaire

    try:
        questionnaire = load_questionnaire(path)
    except QuestionnaireError as error:
        raise AnalysisInputError("; ".join(str(p) for p in error.problems)) from None
    return {q.id: tuple(o.code for o in q.options) for q in questionnaire.questions()}


def run_themes(args: argparse.Namespace) -> tuple[object, bool]:
    """The ``themes`` subcommand."""
    from analysis.free_text import themes

    responses = read_responses(args.responses)
    result = themes(
        responses,
        column=args.column,
        waves=args.waves,
        codeframe=args.codeframe,
        quotes_per_theme=args.quotes,
        source=args.responses,
    )
    return result, False
