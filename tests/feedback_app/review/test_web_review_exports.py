"""The shared CSV download helper: BOM, formula neutralisation, numbers kept numeric."""

from __future__ import annotations

import csv
import io

from flask import Flask

from feedback_app.web.exports import csv_response, safe_cell


def test_safe_cell_neutralises_formulas_and_keeps_numbers() -> None:
    for risky in ("=1+1", "+44 7700", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(risky) == "'" + risky
    assert safe_cell("plain text") == "plain text"
    assert safe_cell("a=b") == "a=b"
    assert safe_cell(-2) == -2 and safe_cell(3.5) == 3.5
    assert safe_cell(None) == ""
    assert safe_cell(True) == "True"


def test_csv_response_is_an_excel_friendly_attachment() -> None:
    app = Flask(__name__)
    with app.test_request_context():
        response = csv_response(
            [["name", "count"], ["=cmd|' /C calc'!A0", 12], ['Zoë, "quoted"', -1]],
            'evil"name\r\n.csv',
        )
        body = response.get_data()
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="evilname.csv"'
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows == [
        ["name", "count"],
        ["'=cmd|' /C calc'!A0", "12"],
        ['Zoë, "quoted"', "-1"],
    ]
