"""``python -m surveys check PATH...``: check questionnaire files before publishing.

Prints each problem as ``file:line: where: what is wrong`` (the shape editors and
CI understand). Exit status: 0 all valid, 1 problems found, 2 usage error or no
such file. KPI bank files (a top-level ``kpis`` list) are checked as KPI banks.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from surveys.kpis import KpiBank, load_kpi_bank, parse_kpi_bank
from surveys.loading import parse_questionnaire
from surveys.problems import Problem, QuestionnaireError
from surveys.source import parse_document, read_definition_file

DEFINITION_SUFFIXES = (".yaml", ".yml", ".json")


def definition_files(path: Path) -> list[Path]:
    """``path`` itself, or the definition files anywhere under a directory (sorted)."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix in DEFINITION_SUFFIXES and p.is_file())
    return [path]


def check_file(path: Path, *, kpi_bank: KpiBank | None = None) -> list[Problem]:
    """Every problem in one questionnaire or KPI bank file (empty when valid)."""
    source = str(path)
    try:
        text = read_definition_file(path)
        data = parse_document(text, source=source).data
        if isinstance(data, dict) and "kpis" in data and "pages" not in data:
            parse_kpi_bank(text, source=source)
        else:
            parse_questionnaire(text, source=source, kpi_bank=kpi_bank)
    except QuestionnaireError as exc:
        return list(exc.problems)
    return []


def check_paths(paths: Sequence[str], *, kpi_bank: KpiBank | None = None) -> list[Problem]:
    """Every problem in the given files and directories of ``*.yaml``/``*.yml``/``*.json``.

    A path that does not exist is reported as a Problem too. ``kpi_bank`` defaults
    to the bundled bank.
    """
    problems: list[Problem] = []
    for name in paths:
        path = Path(name)
        if not path.exists():
            problems.append(Problem(name, None, "file", "no such file or directory"))
            continue
        for file in definition_files(path):
            problems += check_file(file, kpi_bank=kpi_bank)
    return problems


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m surveys", description="Check questionnaire definition files."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="check questionnaire and KPI bank files")
    check.add_argument("paths", nargs="+", metavar="PATH", help="a file, or a directory of them")
    check.add_argument(
        "--kpis", metavar="FILE", help="KPI bank to check against (default: bundled)"
    )
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the command line; return the exit status (0 valid, 1 problems, 2 usage)."""
    out = out or sys.stdout
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage message
        return exc.code if isinstance(exc.code, int) else 2
    missing = [name for name in args.paths if not Path(name).exists()]
    if missing:
        for name in missing:
            print(f"{name}: no such file or directory", file=sys.stderr)
        return 2
    kpi_bank = None
    if args.kpis:
        try:
            kpi_bank = load_kpi_bank(args.kpis)
        except QuestionnaireError as exc:
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            return 2
    files = [f for name in args.paths for f in definition_files(Path(name))]
    if not files:
        print("no .yaml, .yml or .json files found", file=sys.stderr)
        return 2
    problems = check_paths(args.paths, kpi_bank=kpi_bank)
    for problem in problems:
        print(problem, file=out)
    if problems:
        failing = len({p.file for p in problems})
        print(f"{len(files)} files checked, {failing} with problems", file=out)
        return 1
    print(f"{len(files)} files checked, all valid", file=out)
    return 0
