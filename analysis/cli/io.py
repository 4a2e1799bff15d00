"""Reading responses and writing results for the command line.

Output is written atomically: a temporary file is renamed into place only when
everything succeeded, so bad input never leaves a partial file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

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
        raise AnalysisInputError(f"{where}: malformed CSV: {first_line(exc)}") from None
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


def first_line(exc: BaseException) -> str:
    """The first line of an error's message (or its type's name), for one-line errors."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
