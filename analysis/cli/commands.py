"""The subcommands of ``python -m analysis`` and their arguments."""

from __future__ import annotations

import argparse

from analysis.cli.io import FORMATS, read_responses
from analysis.cli.trend_describe_themes import add_trend_describe_themes

#: ``analysis.weighting.DEFAULT_CAP``, written here so that ``--help`` need not
#: import pandas (tests/project/test_startup_imports.py checks they agree).
DEFAULT_WEIGHT_CAP = 5.0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand.

    Examples
    --------
    >>> build_parser().parse_args(["compare", "r.csv", "--kpis", "k.yaml", "--baseline", "a",
    ...                            "--follow-up", "b"]).by
    []
    """
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="SEND survey analysis: baselines, change, significance and KPI targets.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    compare = commands.add_parser("compare", help="compare a follow-up wave with the baseline")
    compare.add_argument("responses", help="responses CSV (response_id, wave, question columns)")
    compare.add_argument("--kpis", required=True, help="KPI definitions YAML")
    compare.add_argument("--baseline", required=True, help="baseline wave label")
    compare.add_argument("--follow-up", required=True, dest="follow_up", help="follow-up wave")
    _common(compare)
    compare.add_argument(
        "--adjust",
        choices=("none", "bh"),
        default="none",
        help="multiple-comparison adjustment for breakdowns",
    )
    compare.set_defaults(run=run_compare)

    add_trend_describe_themes(commands, common=_common)
    return parser


def _common(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--by",
        action="append",
        default=[],
        metavar="COLUMN",
        help="grouping column for breakdowns (repeatable)",
    )
    command.add_argument(
        "--weights",
        metavar="MARGINS.csv",
        help="population margins CSV (column,category,population) to rake to",
    )
    command.add_argument(
        "--weight-cap",
        type=weight_cap,
        default=DEFAULT_WEIGHT_CAP,
        dest="weight_cap",
        help=f"cap on weights as a multiple of the mean (default {DEFAULT_WEIGHT_CAP:g})",
    )
    command.add_argument(
        "--accept-weighting-problems",
        action="store_true",
        dest="accept_weighting_problems",
        help="go on when raking fails (no convergence, binding cap, empty margin category, "
        "margins missed); every output then says so",
    )
    command.add_argument(
        "--publication",
        action="store_true",
        help="apply publication suppression (counts 1-4, secondary)",
    )
    command.add_argument("--format", choices=FORMATS, default="json")
    command.add_argument("--output", metavar="PATH", help="write here instead of stdout")


def weight_cap(text: str) -> float:
    """``--weight-cap``: a finite number above 1 (argparse exits 2 otherwise).

    Examples
    --------
    >>> weight_cap("5")
    5.0
    >>> weight_cap("nan")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: weight cap must be a finite number above 1, got 'nan'
    """
    from analysis.errors import AnalysisInputError
    from analysis.weighting import check_cap

    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    try:
        check_cap(value)
    except AnalysisInputError:
        raise argparse.ArgumentTypeError(
            f"weight cap must be a finite number above 1, got {text!r}"
        ) from None
    return value


def run_compare(args: argparse.Namespace) -> tuple[object, bool]:
    """The ``compare`` subcommand."""
    from analysis.comparison import compare_waves
    from analysis.kpis import load_kpis
    from analysis.weighting import load_margins

    kpis = load_kpis(args.kpis)
    margins = load_margins(args.weights) if args.weights else None
    responses = read_responses(args.responses)
    result = compare_waves(
        responses,
        kpis,
        baseline=args.baseline,
        follow_up=args.follow_up,
        by=args.by,
        weights=margins,
        weight_cap=args.weight_cap,
        publication=args.publication,
        adjust=args.adjust,
        source=args.responses,
        accept_weighting_problems=args.accept_weighting_problems,
    )
    return result, args.publication
