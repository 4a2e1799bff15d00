"""``python -m analysis``: compare, trend, describe and themes on a CSV, with no server.

Bad input ends with one line, ``error: <file>: <what>``, and exit code 2.
Output is written atomically: a temporary file is renamed into place only when
everything succeeded, so bad input never leaves a partial file.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from analysis.errors import AnalysisInputError

if TYPE_CHECKING:
    import pandas as pd

EXIT_OK = 0
EXIT_BAD_INPUT = 2
FORMATS = ("json", "csv", "xlsx", "html")


def read_responses(path: str | Path) -> pd.DataFrame:
    """Read a responses CSV with every column as text (codes stay codes, blanks stay blank).

    Examples
    --------
    >>> read_responses("no/such/file.csv")
    Traceback (most recent call last):
    ...
    analysis.errors.AnalysisInputError: no/such/file.csv: file not found
    """
    import pandas as pd

    from analysis.responses import RESPONSE_ID

    where = str(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise AnalysisInputError(f"{where}: file not found") from None
    except pd.errors.EmptyDataError:
        raise AnalysisInputError(f"{where}: the file is empty") from None
    except pd.errors.ParserError as exc:
        raise AnalysisInputError(f"{where}: malformed CSV: {_first_line(exc)}") from None
    except UnicodeDecodeError:
        raise AnalysisInputError(f"{where}: not UTF-8 text") from None
    if RESPONSE_ID not in frame.columns:
        raise AnalysisInputError(f"{where}: missing column {RESPONSE_ID!r}")
    return frame


def render(result: object, *, output_format: str, publication: bool = False) -> bytes:
    """Render a result in one of :data:`FORMATS`."""
    if output_format == "json":
        from analysis.render_json import to_json

        return to_json(result).encode("utf-8")
    if output_format == "csv":
        from analysis.render_csv import to_csv

        # A byte-order mark lets Excel open UTF-8 (names, Welsh, Polish) correctly.
        return ("\ufeff" + to_csv(result, publication=publication)).encode("utf-8")
    if output_format == "xlsx":
        from analysis.render_xlsx import to_xlsx

        xlsx: bytes = to_xlsx(result, publication=publication)
        return xlsx
    from analysis.render_html import to_html

    html: str = to_html(result, publication=publication)
    return html.encode("utf-8")


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.json"
    >>> write_atomically(target, b"{}")
    >>> target.read_bytes()
    b'{}'
    """
    folder = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp makes the file private (0600); give it the permissions any
        # other file written by this user would have.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 2 bad input).

    Examples
    --------
    >>> main(["compare", "missing.csv", "--kpis", "k.yaml", "--baseline", "a",
    ...       "--follow-up", "b"])
    2
    """
    from analysis.cli_commands import build_parser

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
        print(f"error: {_first_line(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
