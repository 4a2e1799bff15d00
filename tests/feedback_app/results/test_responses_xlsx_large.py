"""The responses workbook past 2 GiB of sheet XML (a million responses) is still written.

Building 2 GiB here would take minutes, so the test lowers zipfile's ZIP64 limit:
without ZIP64 records XlsxWriter refuses to close the package (the failure a
million-response download met in ``bench/downloads_bench.py``); with them the
workbook is written and reads back.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook

from feedback_app.results.downloads import responses as downloads


def test_a_workbook_with_a_part_past_the_zip_limit_is_written_and_reads_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = [list(downloads.header([]))]
    rows += [[f"R{number:05d}"] + [""] * (len(rows[0]) - 1) for number in range(2_000)]
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 4_096)
    target = io.BytesIO()

    written = downloads.write_xlsx(rows, target, columns=[])

    monkeypatch.undo()
    assert written == 2_000
    with zipfile.ZipFile(io.BytesIO(target.getvalue())) as package:
        assert package.getinfo("xl/worksheets/sheet2.xml").file_size > 4_096
    sheet = load_workbook(io.BytesIO(target.getvalue()), read_only=True)["responses"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, max_row=3, values_only=True)] == [
        "R00000",
        "R00001",
    ]
