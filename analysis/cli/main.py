"""``python -m analysis``: compare, trend, describe and themes on a CSV, with no server.

Bad input ends with one line, ``error: <file>: <what>``, and exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import yaml

from analysis.cli.commands import build_parser
from analysis.cli.io import EXIT_BAD_INPUT, EXIT_OK, first_line, render, write_atomically
from analysis.errors import AnalysisInputError


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 2 bad input).

    Examples
    --------
    >>> main(["compare", "missing.csv", "--kpis", "k.yaml", "--baseline", "a",
    ...       "--follow-up", "b"])
    2
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    command: Callable[[argparse.Namespace], tuple[object, bool]] = args.run
    try:
        result, publication = command(args)
        data = render(result, output_format=args.format, publication=publication)
        if args.output:
            write_atomically(Path(args.output), data)
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
    except (AnalysisInputError, ValueError, FileNotFoundError, yaml.YAMLError) as exc:
        print(f"error: {first_line(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK
