"""The fast row form of the one neutralising rule gives what the cell rule gives."""

from __future__ import annotations

import datetime as dt

from feedback_app.web.exports import csv_lines, safe_cell, safe_row


def test_safe_row_is_safe_cell_of_every_cell() -> None:
    row = [
        "=1+1",
        "+44",
        "-3",
        "@x",
        "\tx",
        "\rx",
        "plain",
        3,
        -2.5,
        None,
        True,
        dt.date(2026, 1, 2),
    ]
    assert safe_row(row) == [safe_cell(value) for value in row]


def test_csv_lines_write_every_row_in_batches() -> None:
    rows = [[i, f"=r{i}"] for i in range(1203)]
    text = "".join(csv_lines(rows))
    lines = text.lstrip("\ufeff").splitlines()
    assert len(lines) == 1203
    assert lines[1202] == "1202,'=r1202"
