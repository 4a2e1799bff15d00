"""Reading an uploaded CSV export into a header and rows, or saying plainly why not.

Pure (no Flask, no database). Survey tools export in different shapes:

- UTF-8 with or without a byte order mark (Microsoft Forms, Smart Survey), Windows
  "ANSI" (cp1252, Excel's plain "CSV" on Windows) and UTF-16 ("Unicode text");
- commas, semicolons (European Excel), tabs or pipes between values: the
  delimiter that splits the first lines into the same number of values wins;
- SurveyMonkey's second header row ("Response", "Open-Ended Response", or an
  option label per column for "tick all that apply"): it is folded into the
  column names, so each column is named once.

Every refusal is a ``ImportFileError`` whose ``message`` is an English message id.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from typing import Any

from surveys.i18n import N_

#: Largest file accepted, unless the app sets ``IMPORT_MAX_BYTES``.
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
#: More rows than any area's baseline; keeps one import one reasonable transaction.
MAX_ROWS = 50_000
MAX_COLUMNS = 500
DELIMITERS = (",", ";", "\t", "|")
#: Cells of SurveyMonkey's second header row that only say "this is the answer".
SUB_HEADER_WORDS = frozenset({"response", "open-ended response"})
#: How many ragged rows are named before the rest are counted.
RAGGED_SHOWN = 10
_SNIFF_LINES = 30


class ImportFileError(ValueError):
    """The upload cannot be read as a CSV of responses."""

    def __init__(self, message: str, **params: Any) -> None:
        self.message = message
        self.params: dict[str, Any] = params
        super().__init__(message % params if params else message)


@dataclass(frozen=True)
class ImportFile:
    """A readable CSV: column names, data rows, and where the data rows start."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    #: Spreadsheet row number of the first data row (2, or 3 after a sub-header).
    first_row_number: int
    delimiter: str
    encoding: str

    def row_number(self, index: int) -> int:
        """The row number a spreadsheet shows for data row ``index`` (0-based)."""
        return self.first_row_number + index


def file_sha256(content: bytes) -> str:
    """The SHA-256 of the uploaded bytes, which identifies the file."""
    return hashlib.sha256(content).hexdigest()


def column_letter(index: int) -> str:
    """Spreadsheet column letters: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def read_import_file(
    filename: str, content: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> ImportFile:
    """The header and rows of an uploaded CSV; raise ImportFileError saying why not."""
    if not filename.lower().endswith((".csv", ".txt")):
        raise ImportFileError(N_("The selected file must be a CSV file (.csv)"))
    if len(content) > max_bytes:
        raise ImportFileError(
            N_("The selected file must be smaller than %(size)s"), size=size_text(max_bytes)
        )
    if not content.strip():
        raise ImportFileError(N_("The selected file is empty"))
    text, encoding = _decode(content)
    delimiter = _delimiter(text)
    try:
        records = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error:
        raise ImportFileError(
            N_("The selected file could not be read as CSV: check a quoted value is not left open")
        ) from None
    records = [r for r in records if any(cell.strip() for cell in r)]
    if not records:
        raise ImportFileError(N_("The selected file is empty"))
    header = [cell.strip() for cell in records[0]]
    first_row_number = 2
    data = records[1:]
    if data and _is_sub_header(data[0]):
        header = _folded_header(header, data[0])
        data = data[1:]
        first_row_number = 3
    if len(header) > MAX_COLUMNS:
        raise ImportFileError(
            N_("The selected file has more than %(max)s columns"), max=MAX_COLUMNS
        )
    if len(header) < 2 and not any(header):
        raise ImportFileError(N_("The first row of the file must name its columns"))
    if not data:
        raise ImportFileError(N_("The selected file has a header row but no responses under it"))
    if len(data) > MAX_ROWS:
        raise ImportFileError(
            N_("The selected file has more than %(max)s rows: split it into smaller files"),
            max=f"{MAX_ROWS:,}",
        )
    _check_ragged(header, data, first_row_number)
    return ImportFile(
        columns=_names(header),
        rows=tuple(tuple(cell.strip() for cell in row) for row in data),
        first_row_number=first_row_number,
        delimiter=delimiter,
        encoding=encoding,
    )


def size_text(max_bytes: int) -> str:
    if max_bytes >= 1024 * 1024:
        return f"{max_bytes / (1024 * 1024):g} MB"
    return f"{max(1, max_bytes // 1024)} KB"


def _decode(content: bytes) -> tuple[str, str]:
    if content.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            N_("The selected file is an Excel workbook: save it as “CSV UTF-8” and upload that")
        )
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text, encoding = content.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise ImportFileError(
                N_("The selected file must be a CSV file saved as text")
            ) from None
    else:
        try:
            text, encoding = content.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, encoding = content.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                raise ImportFileError(
                    N_("The selected file must be a CSV file saved as text, like “CSV UTF-8”")
                ) from None
    if "\x00" in text:
        raise ImportFileError(
            N_("The selected file must be a CSV file saved as text, not a binary file")
        )
    return text, encoding


def _delimiter(text: str) -> str:
    """The delimiter that splits the first lines most consistently into most values."""
    sample = "\n".join(text.splitlines()[:_SNIFF_LINES])
    best, best_score = ",", (0, 0)
    for candidate in DELIMITERS:
        try:
            rows = [r for r in csv.reader(io.StringIO(sample), delimiter=candidate) if r]
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        consistent = sum(1 for r in rows if len(r) == width)
        score = (consistent, width)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _is_sub_header(row: list[str]) -> bool:
    cells = {cell.strip().lower() for cell in row if cell.strip()}
    return bool(cells & SUB_HEADER_WORDS)


def _folded_header(header: list[str], sub: list[str]) -> list[str]:
    """SurveyMonkey names a question once over several columns; name each column."""
    folded, current = [], ""
    for index in range(max(len(header), len(sub))):
        top = header[index] if index < len(header) else ""
        below = sub[index].strip() if index < len(sub) else ""
        current = top or current
        if below and below.lower() not in SUB_HEADER_WORDS:
            folded.append(f"{current} - {below}" if current else below)
        else:
            folded.append(top)
    return folded


def _check_ragged(header: list[str], data: list[list[str]], first_row_number: int) -> None:
    width = len(header)
    ragged = [(first_row_number + i, len(row)) for i, row in enumerate(data) if len(row) != width]
    if not ragged:
        return
    named = ", ".join(str(number) for number, _n in ragged[:RAGGED_SHOWN])
    if len(ragged) > RAGGED_SHOWN:
        named += f" (+{len(ragged) - RAGGED_SHOWN})"
    raise ImportFileError(
        N_(
            "Every row must have the same number of values as the header row (%(columns)s). "
            "These rows do not: %(rows)s"
        ),
        columns=width,
        rows=named,
    )


def _names(header: list[str]) -> tuple[str, ...]:
    """Column names as shown: blank ones named by letter, repeats numbered."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        name = " ".join(name.split())[:200] or f"Column {column_letter(index)}"
        count = seen.get(name.casefold(), 0) + 1
        seen[name.casefold()] = count
        names.append(name if count == 1 else f"{name} ({count})")
    return tuple(names)
