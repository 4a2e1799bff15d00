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


#: The first columns of the product's own responses download (CSV and XLSX).
PRODUCT_META = ("response", "wave", "channel", "language", "submitted")
#: Label columns of the product's download end with this after the question id.
LABEL_SUFFIX = "_label"


def read_responses(path: str | Path) -> pd.DataFrame:
    """Read responses (CSV, or the product's XLSX) with every column as text.

    Codes stay codes and blanks stay blank. The product's own responses download
    is read unchanged: its ``response`` column is the response id, a question with
    a ``<id>_label`` column beside it is a closed question (the labels are dropped;
    the codes are analysed), and a question without one is free text, which
    ``describe`` does not list (``frame.attrs["closed_questions"]``).

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
        if where.lower().endswith(".xlsx"):
            frame = _read_workbook(path)
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise AnalysisInputError(f"{where}: file not found") from None
    except pd.errors.EmptyDataError:
        raise AnalysisInputError(f"{where}: the file is empty") from None
    except pd.errors.ParserError as exc:
        raise AnalysisInputError(f"{where}: malformed CSV: {first_line(exc)}") from None
    except UnicodeDecodeError:
        raise AnalysisInputError(f"{where}: not UTF-8 text") from None
    except (ValueError, KeyError, OSError) as exc:  # not a workbook, no 'responses' sheet
        raise AnalysisInputError(f"{where}: not a responses workbook: {first_line(exc)}") from None
    if RESPONSE_ID not in frame.columns and set(PRODUCT_META) <= set(frame.columns):
        frame = product_download(frame)
    if RESPONSE_ID not in frame.columns:
        raise AnalysisInputError(f"{where}: missing column {RESPONSE_ID!r}")
    return frame


def _read_workbook(path: str | Path) -> pd.DataFrame:
    """The ``responses`` sheet of a workbook (the product's download), as text."""
    import pandas as pd

    frame = pd.read_excel(path, sheet_name="responses", dtype=str, engine="openpyxl")
    return frame.fillna("")


def product_download(frame: pd.DataFrame) -> pd.DataFrame:
    """The product's responses download as the analysis reads it.

    ``response`` becomes ``response_id``; each ``<id>_label`` column is dropped and
    marks ``<id>`` as a closed question; cells neutralised for spreadsheets
    (``'=...``) keep their text.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"response": ["1"], "wave": ["W"], "channel": ["online"],
    ...                     "language": ["en"], "submitted": ["2024-05-01"], "q": ["yes"],
    ...                     "q_label": ["Yes"], "comments": ["no"]})
    >>> read = product_download(raw)
    >>> list(read.columns), read.attrs["closed_questions"]
    (['response_id', 'wave', 'channel', 'language', 'submitted', 'q', 'comments'], ('q',))
    """
    from analysis.responses import RESPONSE_ID

    columns = [str(c) for c in frame.columns]
    labels = {c for c in columns if c.endswith(LABEL_SUFFIX) and c[: -len(LABEL_SUFFIX)] in columns}
    closed = tuple(c[: -len(LABEL_SUFFIX)] for c in columns if c in labels)
    found = frame.drop(columns=sorted(labels)).rename(columns={"response": RESPONSE_ID})
    found.attrs["closed_questions"] = closed
    return found


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
