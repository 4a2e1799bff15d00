"""Subcommands beyond ``compare``: trend, describe and themes."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from analysis.cli import FORMATS, read_responses
from analysis.errors import AnalysisInputError

Common = Callable[[argparse.ArgumentParser], None]


def add_more_commands(commands: Any, *, common: Common) -> None:
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
        "--margins",
        metavar="MARGINS.csv",
        help="population counts (column,category,population) for reach",
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
        weights=margins,
        weight_cap=args.weight_cap,
        publication=args.publication,
        source=args.responses,
    )
    return result, args.publication


def run_describe(args: argparse.Namespace) -> tuple[object, bool]:
    """The ``describe`` subcommand."""
    from analysis.describe import describe_wave
    from analysis.weighting import load_margins

    margins = load_margins(args.margins) if args.margins else None
    responses = read_responses(args.responses)
    result = describe_wave(
        responses,
        wave=args.wave,
        questions=args.questions,
        margins=margins,
        publication=args.publication,
        source=args.responses,
    )
    return result, args.publication


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
